"""GET /healthz: 200 when every component answers, 503 naming the ones that do not."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.rasa_client import numbered

router = APIRouter(tags=["health"])


def _directory_up(request: Request) -> bool:
    try:
        with request.app.state.directory_sessions() as session:
            session.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def _actions_up(request: Request, base_url: str) -> bool:
    url = base_url + "/health"
    try:
        response = await request.app.state.http.get(url, timeout=2.0)
        return response.status_code == 200
    except httpx.HTTPError:
        return False


async def _redis_up(request: Request) -> bool:
    redis = request.app.state.redis
    try:
        return bool(await redis.ping())
    except Exception:
        return False


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    actions = request.app.state.settings.actions_urls
    checks = {
        name: _actions_up(request, url)
        for name, url in zip(numbered("actions", len(actions)), actions, strict=True)
    }
    checks["directory"] = asyncio.to_thread(_directory_up, request)
    if request.app.state.redis is not None:
        checks["redis"] = _redis_up(request)
    # Rasa reports each replica by name: `rasa`, or `rasa-1`, `rasa-2`...
    rasa, *others = await asyncio.gather(request.app.state.rasa.health(), *checks.values())
    results = {**rasa, **dict(zip(checks, others, strict=True))}
    components = {name: "up" if ok else "down" for name, ok in results.items()}
    down = sorted(name for name, ok in results.items() if not ok)
    body = {"status": "down" if down else "ok", "components": components}
    if down:
        body["down"] = down
    return JSONResponse(body, status_code=503 if down else 200)
