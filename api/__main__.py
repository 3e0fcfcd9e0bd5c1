"""Runs the gateway: the public listener and the loopback internal listener in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import uvicorn

from api.directory_cache import DirectoryCache
from api.main import create_app, create_internal_app
from api.settings import get_settings
from services_directory.db import open_directory


async def serve() -> None:
    settings = get_settings()
    sessions = open_directory(settings.database_url)
    # one cache for both listeners: a write on the public one empties it for the internal one
    cache = DirectoryCache(sessions, settings.directory_cache_seconds)
    public = create_app(settings, sessions, cache)
    internal = create_internal_app(settings, sessions, cache)
    public_server = uvicorn.Server(
        uvicorn.Config(
            public, host=settings.host, port=settings.port, access_log=False, log_config=None
        )
    )
    internal_server = _FollowerServer(
        uvicorn.Config(
            internal,
            host=settings.internal_host,
            port=settings.internal_port,
            access_log=False,
            log_config=None,
        )
    )
    internal_task = asyncio.create_task(internal_server.serve())
    try:
        await public_server.serve()
    finally:
        internal_server.should_exit = True
        await internal_task


class _FollowerServer(uvicorn.Server):
    """Leaves signals to the public server and stops when it stops."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[no-untyped-def]
        yield


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and ours carry pseudonyms
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    asyncio.run(serve())


if __name__ == "__main__":
    main()
