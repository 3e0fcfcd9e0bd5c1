"""Serving variants: candidate levers tried on the real stack without editing its code.

The benchmark serves each variant through the project's own supervisor
(scripts/supervise.py, imported and run as is); a variant only swaps the command that starts
the gateway for this file, which patches one thing and then runs the unchanged entry point
(`python -m api`). Environment-only variants (Redis, Sanic workers, the directory cache
turned off) need no patch at all. Nothing here is used outside bench/.

Levers that paid are in the code now, not here (issue 7): the gateway's directory cache
(api/directory_cache.py; `no-directory-cache` serves without it), and in the Rasa process the
compiled action-response validator, the event-class cache and the classifier's weight layout
(bot/fast_action_validation.py, bot/event_type_cache.py, bot/fast_intent_classifier.py,
bot/action_server_session.py and the others imported by bot/gateway_channel.py), plus
`enable_selective_domain` in bot/endpoints*.yml.

    python bench/variants.py supervise NAME          (the supervisor, with NAME's patches)
    python bench/variants.py gateway NAME            (in .venv: the patched gateway)
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve()
REDIS_URL = "redis://127.0.0.1:6379/14"


@dataclass(frozen=True)
class Variant:
    description: str
    gateway: tuple[str, ...] = ()  # gateway patches
    env: dict[str, str] = field(default_factory=dict)


VARIANTS: dict[str, Variant] = {
    "asyncio-h11": Variant(
        "gateway on asyncio + h11 instead of uvloop + httptools (uvicorn[standard]'s auto)",
        gateway=("asyncio_h11",),
    ),
    "no-directory-cache": Variant(
        "the gateway's directory cache turned off (DIRECTORY_CACHE_SECONDS=0): the before of "
        "api/directory_cache.py",
        env={"DIRECTORY_CACHE_SECONDS": "0"},
    ),
    **{
        f"rasa-connections-{n}": Variant(
            f"{n} kept-alive gateway connections per Rasa replica instead of 4",
            env={"RASA_CONNECTIONS_PER_REPLICA": str(n)},
        )
        for n in (2, 8, 16, 100)
    },
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
            processes[process] = (argv, env)
        return processes

    supervisor.commands = commands
    return supervisor.main()


# gateway patches (run in .venv) ------------------------------------------------------


def _patch_asyncio_h11(server_module) -> None:  # type: ignore[no-untyped-def]
    import functools

    config = server_module.uvicorn.Config
    server_module.uvicorn.Config = functools.partial(config, loop="asyncio", http="h11")


def gateway(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    import api.__main__ as server_module

    for patch in VARIANTS[name].gateway:
        globals()[f"_patch_{patch}"](server_module)
    server_module.main()


def main() -> int:
    role, name = sys.argv[1:3]
    if name not in VARIANTS:
        raise SystemExit(f"unknown variant {name!r}; known: {', '.join(VARIANTS)}")
    if role == "supervise":
        return supervise(name)
    if role == "gateway":
        gateway(name)
        return 0
    raise SystemExit(f"unknown role {role!r}")


if __name__ == "__main__":
    sys.exit(main())
