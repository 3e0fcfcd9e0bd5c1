"""Helpers for the web chat's browser tests: Debian's Chromium, a stand-in gateway, checks.

The stand-in serves the real page router with a fake chat API that records its calls. It is
only for page-level behaviour that needs no bot (markup shown as text, the failure message,
the exit mechanics); conversations with the real bot use the `stack` fixture.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Response
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

from api.routers import web
from api.settings import Settings

E2E_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = E2E_DIR.parent.parent
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Every address off the server under test is answered locally, so no test touches the internet.
NEUTRAL_TITLE = "Weather forecast"
NEUTRAL_PAGE = f"<!doctype html><title>{NEUTRAL_TITLE}</title><h1>{NEUTRAL_TITLE}</h1>"
START_URL = "http://start.invalid/"
STAND_IN_EXIT_URL = "https://neutral.invalid/weather"

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def answer_off_site(context: BrowserContext, base_url: str) -> None:
    """Fulfil every request that is not for `base_url` with a plain neutral page."""

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)

    context.route(lambda url: not url.startswith(base_url), fulfil)


@dataclass
class PageWatch:
    """What a page did that the person could be harmed by: cookies set, errors, requests."""

    set_cookie_headers: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    chat_sessions: list[str] = field(default_factory=list)
    deleted_sessions: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("request", self._on_request)

    def _on_response(self, response) -> None:
        for header in response.headers_array():
            if header["name"].lower() == "set-cookie":
                self.set_cookie_headers.append(response.url)

    def _on_console(self, message) -> None:
        # CSP violations are reported here, so this also proves the page needs no inline code.
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_request(self, request) -> None:
        if request.method == "POST" and request.url.endswith("/api/chat"):
            self.chat_sessions.append(request.post_data_json["session"])
        elif request.method == "DELETE" and "/api/chat/" in request.url:
            self.deleted_sessions.append(request.url.rsplit("/", 1)[1])

    @property
    def session(self) -> str:
        assert self.chat_sessions, "the page has not talked to the chat API yet"
        assert len(set(self.chat_sessions)) == 1, "the session id changed within one page"
        return self.chat_sessions[0]


def assert_nothing_stored(context: BrowserContext, page: Page | None = None) -> None:
    """No cookie, no Web Storage, no IndexedDB, no Cache Storage, no service worker."""
    assert context.cookies() == []
    state = context.storage_state(indexed_db=True)
    assert state["cookies"] == []
    assert state["origins"] == [], state["origins"]
    if page is not None:
        found = page.evaluate(
            """async () => ({
                local: localStorage.length,
                session: sessionStorage.length,
                indexedDB: (await indexedDB.databases()).length,
                caches: self.caches ? (await caches.keys()).length : 0,
                workers: (await navigator.serviceWorker.getRegistrations()).length,
                cookie: document.cookie,
            })"""
        )
        assert found == {
            "local": 0,
            "session": 0,
            "indexedDB": 0,
            "caches": 0,
            "workers": 0,
            "cookie": "",
        }


def bot_texts(page: Page) -> list[str]:
    return page.locator(".msg.bot .text").all_inner_texts()


def wait_for_bot_replies(page: Page, count: int) -> None:
    page.locator(".msg.bot").nth(count - 1).wait_for()
    page.wait_for_function("document.getElementById('log').getAttribute('aria-busy') !== 'true'")


def run_axe(page: Page) -> list[dict]:
    """Violations axe-core finds on the page as it is now (all rules axe runs by default)."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


# ---- Stand-in gateway -------------------------------------------------------------------------

FAIL_MESSAGE = "please fail"


@dataclass
class StandIn:
    base_url: str
    posts: list[dict] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)

    def wait_for_delete(self, session: str, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while session not in self.deletes:
            assert time.monotonic() < deadline, f"no DELETE for {session}: {self.deletes}"
            time.sleep(0.05)


def stand_in_app(record: StandIn) -> FastAPI:
    """The real page router with a fake chat API that echoes and records."""
    app = FastAPI()
    app.state.settings = Settings(exit_url=STAND_IN_EXIT_URL)
    app.include_router(web.router)
    web.mount_static(app)

    @app.post("/api/chat", response_model=None)
    def chat(body: dict) -> dict | Response:
        record.posts.append(body)
        if body["message"] == FAIL_MESSAGE:
            return Response(status_code=503)
        return {
            "session": body["session"],
            "replies": [
                {
                    "text": f"You wrote: {body['message']}\nSee https://example.org/help.",
                    "buttons": [{"title": "Tell me more", "payload": "more please"}],
                }
            ],
        }

    @app.delete("/api/chat/{session}", status_code=204)
    def forget(session: str) -> Response:
        record.deletes.append(session)
        return Response(status_code=204)

    return app


def start_stand_in() -> tuple[StandIn, uvicorn.Server, threading.Thread]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    record = StandIn(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}")
    server = uvicorn.Server(
        uvicorn.Config(stand_in_app(record), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the stand-in gateway did not start"
        time.sleep(0.02)
    return record, server, thread
