"""One kept-alive session per endpoint for Rasa's calls to the action server
(bot/action_server_session.py): installed by the gateway channel, connections reused,
made as Rasa makes its sessions, and replaced when closed."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa.utils.endpoints import EndpointConfig

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import action_server_session


def test_the_gateway_channel_installs_it():
    assert action_server_session.installed()
    action_server_session.install()
    assert action_server_session.installed()


def _action_server(peers: list) -> TestServer:
    """A stand-in action server on a free loopback port; notes each call's peer and headers."""

    async def webhook(request: web.Request) -> web.Response:
        peers.append((request.transport.get_extra_info("peername"), request.headers.copy()))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    return TestServer(app, host="127.0.0.1")


async def test_calls_reuse_one_connection_with_rasas_headers_and_auth():
    peers: list = []
    async with _action_server(peers) as server:
        url = str(server.make_url("/webhook"))
        endpoint = EndpointConfig(
            url, headers={"X-Test": "1"}, basic_auth={"username": "u", "password": "p"}
        )
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "x"}, method="post") == {
                "events": [],
                "responses": [],
            }
        assert len({peer for peer, _ in peers}) == 1  # one TCP connection for three calls
        assert all(h["X-Test"] == "1" and h["Authorization"].startswith("Basic ") for _, h in peers)
        session = endpoint.session().session
        rasas = action_server_session._ORIGINAL(endpoint)  # a session as Rasa makes it
        assert session.timeout == rasas.timeout
        await rasas.close()
        await session.close()
        assert endpoint.session().session is not session  # a closed session is replaced
        await endpoint.session().session.close()


async def test_idle_connections_are_dropped_before_the_server_drops_them(monkeypatch):
    monkeypatch.setattr(action_server_session, "KEEPALIVE_SECONDS", 0.2)
    peers: list = []
    async with _action_server(peers) as server:
        endpoint = EndpointConfig(str(server.make_url("/webhook")))
        await endpoint.request(json={}, method="post")
        await asyncio.sleep(0.6)
        await endpoint.request(json={}, method="post")
        assert len({peer for peer, _ in peers}) == 2  # a new connection after the idle time
        await endpoint.session().session.close()


async def test_a_body_written_with_ujson_reads_back_as_the_standard_encoders_would():
    import json

    import numpy as np

    bodies: list = []

    async def webhook(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    body = {
        "tracker": {
            "latest_message": {
                "text": 'où / which service? "quoted" 😊',
                "intent": {"name": "find_service", "confidence": np.float64(0.8123456789012345)},
            },
            "slots": {"borough": None, "languages": ["ar", "ku"], "n": 3},
        }
    }
    async with TestServer(app, host="127.0.0.1") as server:
        endpoint = EndpointConfig(str(server.make_url("/webhook")))
        await endpoint.request(json=body, method="post")
        await endpoint.session().session.close()
    assert json.loads(bodies[0]) == json.loads(json.dumps(body))
