"""Rasa keeps its HTTP connections to the action server open between custom actions.

Why: Rasa 3.6's `EndpointConfig.request` opens a new aiohttp session for every call, so
every custom action (the directory search, the emergency's 24/7 line) pays for a new TCP
connection and a new session, and then closes both: about 5% of the Rasa process's CPU
under load (py-spy, docs/benchmarks.md).

What: `install()` replaces `EndpointConfig.session` with one that keeps one session per
endpoint and event loop, and hands it out without closing it. The session is made as Rasa
makes it (the endpoint's headers and basic auth, Rasa's request timeout). Its idle
connections are dropped after KEEPALIVE_SECONDS, well before the action server (Sanic, 5 s)
closes them from its side, so a request is not sent down a connection that is being closed.
A closed session, or one from another event loop, is replaced. It writes request bodies with
ujson (a dependency of Rasa's) instead of the standard library's json: each call sends the
whole conversation, and the standard encoder was 4% of the Rasa process's samples at 50
concurrent conversations (py-spy, 2026-12-07); ujson takes 0.39 of its time on such a body.

Installed when the gateway channel is imported (bot/gateway_channel.py), like
bot/fast_action_validation.py; tested in tests/bot/test_action_server_session.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import ujson
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

_ORIGINAL = EndpointConfig.session
KEEPALIVE_SECONDS = 2.0  # the action server's Sanic keeps an idle connection for 5 s
_KEPT = "_vawg_kept_session"  # the attribute that keeps (loop, session) on the endpoint


class _Borrowed:
    """`async with` hands out the kept session and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        return None


def _new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """As EndpointConfig.session in Rasa 3.6, with a connector that keeps connections."""
    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        json_serialize=ujson.dumps,
    )


def _session(self: EndpointConfig) -> Any:
    loop = asyncio.get_running_loop()
    kept = self.__dict__.get(_KEPT)
    if kept is None or kept[0] is not loop or kept[1].closed:
        kept = (loop, _new_session(self))
        self.__dict__[_KEPT] = kept
    return _Borrowed(kept[1])


def install() -> None:
    """Idempotent: patches EndpointConfig.session once per process."""
    EndpointConfig.session = _session  # type: ignore[method-assign]


def installed() -> bool:
    return EndpointConfig.session is _session


install()
