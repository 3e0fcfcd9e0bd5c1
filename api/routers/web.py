"""The web chat page and its static files, served with strict, cookie-free headers.

Everything comes from a fixed list of files in `api/web/`, so no path from the request ever
reaches the file system. Every response says `no-store`: a shared browser should keep no copy
of the page or its assets in its cache.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import Response

from api.deps import SettingsDep
from api.settings import Settings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

# name -> media type; nothing else under /static is served.
STATIC_FILES = {
    "chat.js": "text/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
}

# Framing is refused: a partner site should link to the page, not embed it. Inside a frame the
# exit could only replace the frame, leaving the partner page and its history behind it, and a
# hostile page could overlay the controls (clickjacking).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

EXIT_URL_PLACEHOLDER = "__EXIT_URL__"
DEFAULT_EXIT_URL = Settings.model_fields["exit_url"].default

router = APIRouter(include_in_schema=False)


def _read(name: str) -> bytes:
    return (WEB_DIR / name).read_bytes()


def _respond(body: bytes | str, media_type: str) -> Response:
    return Response(content=body, media_type=media_type, headers=SECURITY_HEADERS)


def exit_url_for_page(configured: str) -> str:
    """The configured exit URL if it is a plain web address, else the default.

    A `javascript:` or relative URL would leave the person on the chat when they need to go.
    """
    parts = urlsplit(configured)
    if parts.scheme in ("http", "https") and parts.netloc:
        return configured
    return DEFAULT_EXIT_URL


@router.get("/")
def chat_page(settings: SettingsDep) -> Response:
    exit_url = html.escape(exit_url_for_page(settings.exit_url), quote=True)
    page = _read("index.html").decode("utf-8").replace(EXIT_URL_PLACEHOLDER, exit_url)
    return _respond(page, "text/html; charset=utf-8")


@router.get("/favicon.ico")
def favicon() -> Response:
    return _respond(_read("favicon.ico"), "image/x-icon")


def static_file(name: str) -> Response:
    media_type = STATIC_FILES.get(name)
    if media_type is None:
        raise HTTPException(status_code=404)
    return _respond(_read(name), media_type)


def mount_static(app: FastAPI) -> None:
    """Serve the page's script and stylesheet at /static/{name}, with the page's headers."""
    app.add_api_route("/static/{name}", static_file, methods=["GET"], include_in_schema=False)
