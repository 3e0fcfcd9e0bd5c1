"""Plugins of the action server: rasa_sdk 3.6 imports a package of exactly this name at start-up
and calls `init_hooks` (https://rasa.com/docs/rasa/action-server/sanic-extensions).

The one hook here closes the directory client's keep-alive session when the server stops.
Without it every SIGTERM ended with aiohttp's "Unclosed client session" in the log.
"""

from __future__ import annotations

import pluggy
from sanic import Sanic

hookimpl = pluggy.HookimplMarker("rasa_sdk")


async def close_directory_client(_app: Sanic, _loop: object) -> None:
    from actions.actions import close_directory

    await close_directory()


class DirectoryClientLifecycle:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        app.register_listener(close_directory_client, "after_server_stop")


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(DirectoryClientLifecycle())
