"""Gateway app factories: the public app and the loopback-only internal directory app."""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from sqlalchemy.orm import sessionmaker

from api.rasa_client import RasaClient
from api.routers import chat, directory, health, sms, web
from api.settings import Settings, get_settings
from services_directory.db import open_directory

access_log = logging.getLogger("api.access")


def _log_requests(app: FastAPI) -> None:
    """Method, route template, status and time only: no path values, no bodies, no IPs."""

    @app.middleware("http")
    async def log_request(request: Request, call_next):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "(unmatched)")
        access_log.info(
            "%s %s %s %.0fms",
            request.method,
            template,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


def create_app(
    settings: Settings | None = None, directory_sessions: sessionmaker | None = None
) -> FastAPI:
    settings = settings or get_settings()
    sessions = directory_sessions or open_directory(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        yield
        await app.state.rasa.aclose()
        await app.state.http.aclose()
        if app.state.redis is not None:
            await app.state.redis.aclose()

    app = FastAPI(
        title="VAWG support and signposting gateway",
        summary="Web chat, SMS webhook and services directory (Open Referral UK 3.0 shaped)",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.directory_sessions = sessions
    app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds)
    app.state.http = httpx.AsyncClient()
    app.state.redis = None
    if settings.redis_url:
        from redis.asyncio import Redis

        app.state.redis = Redis.from_url(settings.redis_url)
    _log_requests(app)
    app.include_router(web.router)
    web.mount_static(app)
    app.include_router(chat.router)
    app.include_router(sms.router)
    app.include_router(directory.router)
    app.include_router(health.router)
    return app


def create_internal_app(settings: Settings, directory_sessions: sessionmaker) -> FastAPI:
    """Directory only, for the action server: none of the public limits apply here."""
    app = FastAPI(title="VAWG gateway: internal directory", docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.directory_sessions = directory_sessions
    app.include_router(directory.router)
    return app
