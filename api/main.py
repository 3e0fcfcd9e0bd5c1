"""Gateway app factories: the public app and the loopback-only internal directory app."""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.conversation import RecentlyForgotten
from api.directory_cache import DirectoryCache, DirectoryCacheMiddleware
from api.limits import BodySizeLimit, NewSessionLimit, SlidingWindow
from api.rasa_client import RasaClient
from api.routers import chat, directory, health, sms, web
from api.settings import Settings, get_settings
from services_directory.db import open_directory

access_log = logging.getLogger("api.access")

# FastAPI's own OpenTelemetry, all of it off: its spans and logs can carry request bodies and
# exception messages (a survivor's words), and an environment variable or a tracing package
# installed later would otherwise be enough to send them somewhere.
NO_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}

# On every response; the web page sets its own, stricter, page policy first.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# FastAPI's interactive docs load their script and styles from a CDN.
DOCS_PATHS = ("/docs", "/redoc")
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
    "https://fastapi.tiangolo.com; connect-src 'self'; frame-ancestors 'none'"
)


class _SecureHeaders:
    """Adds SECURITY_HEADERS to every response (pure ASGI: no task and stream per request)."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app, self.https = app, https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in DOCS_PATHS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if docs:
                    headers["Content-Security-Policy"] = DOCS_CSP
                if self.https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secure_headers(app: FastAPI, https: bool) -> None:
    app.add_middleware(_SecureHeaders, https=https)


def _directory_errors(app: FastAPI) -> None:
    """A database that is down is a 503 that says so, not a bare 500."""

    @app.exception_handler(SQLAlchemyError)
    async def directory_unavailable(request: Request, error: SQLAlchemyError) -> JSONResponse:
        logging.getLogger("api.directory").error("directory error (%s)", type(error).__name__)
        return JSONResponse({"detail": "The services directory is unavailable."}, status_code=503)


class _AccessLog:
    """Method, route template, status and time only: no path values, no bodies, no IPs.

    Pure ASGI (no task and stream per request); the time is to the start of the response.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answered: list[tuple[int, float]] = []

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered.append((message["status"], time.perf_counter()))
            await send(message)

        await self.app(scope, receive, send_and_note)
        if answered:
            status, at = answered[0]
            template = getattr(scope.get("route"), "path", "(unmatched)")
            access_log.info(
                "%s %s %s %.0fms", scope["method"], template, status, (at - started) * 1000
            )


def _log_requests(app: FastAPI) -> None:
    app.add_middleware(_AccessLog)


def _directory_cache(
    app: FastAPI, settings: Settings, sessions: sessionmaker, cache: DirectoryCache | None
) -> None:
    """Kept directory answers; added first, so it runs inside the logging and headers."""
    if cache is None:  # not `cache or ...`: an empty cache is falsy (it has a length)
        cache = DirectoryCache(sessions, settings.directory_cache_seconds)
    app.state.directory_cache = cache
    app.add_middleware(DirectoryCacheMiddleware, cache=cache)


def create_app(
    settings: Settings | None = None,
    directory_sessions: sessionmaker | None = None,
    directory_cache: DirectoryCache | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    sessions = directory_sessions or open_directory(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        # clients made per run of the app, so a test client can start it more than once;
        # the Rasa client lives as long as the app and makes its connections per run
        app.state.http = httpx.AsyncClient()
        app.state.redis = None
        if settings.redis_url:
            from redis.asyncio import Redis

            app.state.redis = Redis.from_url(settings.redis_url)
        yield
        await app.state.http.aclose()
        await app.state.rasa.aclose()
        if app.state.redis is not None:
            await app.state.redis.aclose()

    app = FastAPI(
        title="VAWG support and signposting gateway",
        summary="Web chat, SMS webhook and services directory (Open Referral UK 3.0 shaped)",
        lifespan=lifespan,
        telemetry=NO_TELEMETRY,
    )
    app.state.settings = settings
    app.state.directory_sessions = sessions
    app.state.rasa = RasaClient(
        settings.rasa_urls,
        settings.rasa_timeout_seconds,
        settings.gateway_channel_token,
        shared_store=bool(settings.redis_url),
        connections_per_replica=settings.rasa_connections_per_replica,
    )
    app.state.recently_forgotten = RecentlyForgotten()
    app.state.limits = {
        "conversation": SlidingWindow(settings.messages_per_minute_per_conversation, 60),
        "ip": SlidingWindow(settings.messages_per_minute_per_ip, 60),
        "new_conversation": NewSessionLimit(settings.new_conversations_per_hour_per_ip, 3600),
    }
    _directory_cache(app, settings, sessions, directory_cache)
    _secure_headers(app, settings.public_base_url.startswith("https://"))
    _log_requests(app)
    _directory_errors(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.include_router(web.router)
    web.mount_static(app)
    app.include_router(chat.router)
    app.include_router(sms.router)
    app.include_router(directory.router)
    app.include_router(health.router)
    return app


def create_internal_app(
    settings: Settings,
    directory_sessions: sessionmaker,
    directory_cache: DirectoryCache | None = None,
) -> FastAPI:
    """Directory only, for the action server: none of the public limits apply here."""
    app = FastAPI(
        title="VAWG gateway: internal directory",
        docs_url=None,
        redoc_url=None,
        telemetry=NO_TELEMETRY,
    )
    app.state.settings = settings
    app.state.directory_sessions = directory_sessions
    _directory_cache(app, settings, directory_sessions, directory_cache)
    _directory_errors(app)
    app.include_router(directory.router)
    return app
