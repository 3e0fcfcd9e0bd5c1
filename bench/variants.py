"""Serving variants: candidate levers tried on the real stack without editing its code.

The benchmark serves each variant through the project's own supervisor
(scripts/supervise.py, imported and run as is); a variant only swaps the command that starts
the gateway or the Rasa server for this file, which patches one thing and then runs the
unchanged entry point (`python -m api`, `rasa run`). Environment-only variants (Redis, Sanic
workers) need no patch at all. Nothing here is used outside bench/.

    python bench/variants.py supervise NAME          (the supervisor, with NAME's patches)
    python bench/variants.py gateway NAME            (in .venv: the patched gateway)
    python bench/variants.py rasa NAME -- ARGS...    (in .venv-rasa: the patched `rasa ARGS`)
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve()
REDIS_URL = "redis://127.0.0.1:6379/14"
# Directory answers kept at most this long: `open_now` may be stale by as much.
CACHE_SECONDS = 30.0
CACHE_ENTRIES = 2048


@dataclass(frozen=True)
class Variant:
    description: str
    gateway: tuple[str, ...] = ()  # gateway patches
    rasa: tuple[str, ...] = ()  # Rasa server patches
    env: dict[str, str] = field(default_factory=dict)


VARIANTS: dict[str, Variant] = {
    "asyncio-h11": Variant(
        "gateway on asyncio + h11 instead of uvloop + httptools (uvicorn[standard]'s auto)",
        gateway=("asyncio_h11",),
    ),
    "rasa-pool": Variant(
        "gateway keeps up to 100 idle connections to Rasa (now 20)",
        gateway=("rasa_pool",),
    ),
    "directory-cache": Variant(
        f"gateway caches directory answers for {CACHE_SECONDS:.0f} s, emptied on any write",
        gateway=("directory_cache",),
    ),
    "actions-keepalive": Variant(
        "Rasa calls the action server through one kept-alive session (now one per call)",
        rasa=("actions_keepalive",),
    ),
    "fast-action-validation": Variant(
        "Rasa checks action server answers with one compiled JSON-schema validator (Rasa "
        "3.6 calls jsonschema.validate, which re-checks the schema itself, on every answer)",
        rasa=("fast_action_validation",),
    ),
    "selective-domain": Variant(
        "Rasa sends the domain to the action server only for actions that ask for it "
        "(enable_selective_domain; no action of the project reads the domain)",
        rasa=("selective_domain",),
    ),
    "event-type-cache": Variant(
        "Rasa looks event classes up by name once (Rasa 3.6 walks every Event subclass for "
        "each event of each tracker it deserialises)",
        rasa=("event_type_cache",),
    ),
    "combined": Variant(
        "directory-cache + fast-action-validation + selective-domain together",
        gateway=("directory_cache",),
        rasa=("fast_action_validation", "selective_domain"),
    ),
    "redis": Variant("Redis tracker and lock stores, 1 Sanic worker", env={"REDIS_URL": REDIS_URL}),
    "redis-2-workers": Variant(
        "Redis tracker and lock stores, 2 Sanic workers",
        env={"REDIS_URL": REDIS_URL, "SANIC_WORKERS": "2"},
    ),
}


def _load_supervisor():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("supervise", ROOT / "scripts" / "supervise.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["supervise"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def supervise(name: str) -> int:
    supervisor = _load_supervisor()
    variant = VARIANTS[name]
    original = supervisor.commands

    def commands() -> dict:
        processes = original()
        for process, (argv, env) in list(processes.items()):
            if variant.gateway and process == "gateway":
                argv = [str(supervisor.API_PYTHON), str(HERE), "gateway", name]
            elif variant.rasa and process.startswith("rasa"):
                argv = [str(supervisor.RASA_BIN / "python"), str(HERE), "rasa", name, "--"]
                argv += processes[process][0][1:]
            processes[process] = (argv, env)
        return processes

    supervisor.commands = commands
    return supervisor.main()


# gateway patches (run in .venv) ------------------------------------------------------


def _patch_asyncio_h11(server_module) -> None:  # type: ignore[no-untyped-def]
    import functools

    config = server_module.uvicorn.Config
    server_module.uvicorn.Config = functools.partial(config, loop="asyncio", http="h11")


def _patch_rasa_pool(server_module) -> None:  # type: ignore[no-untyped-def]
    import httpx

    create_app = server_module.create_app

    def patched(settings, sessions):  # type: ignore[no-untyped-def]
        app = create_app(settings, sessions)
        client = app.state.rasa._http
        app.state.rasa._http = httpx.AsyncClient(
            base_url=client.base_url,
            timeout=client.timeout,
            headers=client.headers,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=100),
        )
        return app

    server_module.create_app = patched


class _DirectoryCache:
    """ASGI: GET /services answers (200 only) kept by path and query, for a short time."""

    def __init__(self, app, store: dict) -> None:  # type: ignore[no-untyped-def]
        self.app, self.store = app, store

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        import time

        if scope["type"] != "http" or not scope["path"].startswith("/services"):
            await self.app(scope, receive, send)
            return
        if scope["method"] != "GET":
            self.store.clear()  # a write: every cached answer may be wrong now
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"])
        hit = self.store.get(key)
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            for message in hit[1]:
                await send(message)
            return
        messages: list = []

        async def keep(message) -> None:  # type: ignore[no-untyped-def]
            messages.append(message)
            await send(message)

        await self.app(scope, receive, keep)
        if messages and messages[0].get("status") == 200:
            if len(self.store) >= CACHE_ENTRIES:
                self.store.clear()
            self.store[key] = (time.monotonic(), messages)


def _patch_directory_cache(server_module) -> None:  # type: ignore[no-untyped-def]
    store: dict = {}  # one cache for both listeners: writes on either empty it
    create_app, create_internal_app = server_module.create_app, server_module.create_internal_app

    def public(settings, sessions):  # type: ignore[no-untyped-def]
        app = create_app(settings, sessions)
        app.add_middleware(_DirectoryCache, store=store)
        return app

    def internal(settings, sessions):  # type: ignore[no-untyped-def]
        app = create_internal_app(settings, sessions)
        app.add_middleware(_DirectoryCache, store=store)
        return app

    server_module.create_app, server_module.create_internal_app = public, internal


def gateway(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    import api.__main__ as server_module

    for patch in VARIANTS[name].gateway:
        globals()[f"_patch_{patch}"](server_module)
    server_module.main()


# Rasa patches (run in .venv-rasa) ------------------------------------------------------


def _patch_actions_keepalive() -> None:
    """EndpointConfig.request opens a new aiohttp session per call: keep one per endpoint."""
    import aiohttp
    from rasa.utils.endpoints import EndpointConfig

    sessions: dict[int, aiohttp.ClientSession] = {}
    original_session = EndpointConfig.session

    class _Kept:
        def __init__(self, session: aiohttp.ClientSession) -> None:
            self.session = session

        async def __aenter__(self) -> aiohttp.ClientSession:
            return self.session

        async def __aexit__(self, *exc: object) -> None:
            return None

    def session(self):  # type: ignore[no-untyped-def]
        kept = sessions.get(id(self))
        if kept is None or kept.closed:
            kept = sessions[id(self)] = original_session(self)
        return _Kept(kept)

    EndpointConfig.session = session


def _patch_fast_action_validation() -> None:
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator = jsonschema.validators.validator_for(schema)(schema)

    def validate(self, result):  # type: ignore[no-untyped-def]
        validator.validate(result)  # raises ValidationError like the original
        return True

    RemoteAction._validate_action_result = validate


def _patch_selective_domain() -> None:
    """As `enable_selective_domain: true` under action_endpoint in bot/endpoints.yml."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._is_selective_domain_enabled = lambda self: True


def _patch_event_type_cache() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: dict = {}

    def resolve_by_type(type_name, default=None):  # type: ignore[no-untyped-def]
        if type_name not in found:
            try:
                found[type_name] = original(type_name)
            except ValueError:
                if default is None:
                    raise
                return default
        return found[type_name]

    Event.resolve_by_type = staticmethod(resolve_by_type)


def rasa(name: str, args: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    for patch in VARIANTS[name].rasa:
        globals()[f"_patch_{patch}"]()
    from rasa.__main__ import main

    sys.argv = ["rasa", *args]
    main()


def main() -> int:
    role, name, *rest = sys.argv[1:]
    if name not in VARIANTS:
        raise SystemExit(f"unknown variant {name!r}; known: {', '.join(VARIANTS)}")
    if role == "supervise":
        return supervise(name)
    if role == "gateway":
        gateway(name)
        return 0
    if role == "rasa":
        rasa(name, rest[1:] if rest[:1] == ["--"] else rest)
        return 0
    raise SystemExit(f"unknown role {role!r}")


if __name__ == "__main__":
    sys.exit(main())
