"""The web chat page in a real browser (Debian's Chromium driven by Playwright).

Conversations and server-side deletion run against the real stack (`stack` fixture from
tests/e2e/conftest.py). Page-level behaviour that needs no bot runs against a stand-in gateway
that serves the real page router (see browser_support.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from api.routers import web
from tests.e2e.browser_support import (
    AXE_JS,
    FAIL_MESSAGE,
    NARROW,
    NEUTRAL_PAGE,
    NEUTRAL_TITLE,
    SCREENSHOTS,
    STAND_IN_EXIT_URL,
    START_URL,
    WIDE,
    PageWatch,
    StandIn,
    answer_off_site,
    assert_nothing_stored,
    bot_texts,
    launch_chromium,
    run_axe,
    start_stand_in,
    wait_for_bot_replies,
)

pytestmark = pytest.mark.browser

EXPECTED_HEADERS = {
    "content-security-policy": web.CSP,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
}


@dataclass
class Chat:
    context: BrowserContext
    page: Page
    watch: PageWatch
    base_url: str

    def send(self, text: str) -> None:
        before = self.page.locator(".msg.bot").count()
        self.page.fill("#message", text)
        self.page.keyboard.press("Enter")
        wait_for_bot_replies(self.page, before + 1)

    def choose(self, title: str) -> None:
        before = self.page.locator(".msg.bot").count()
        self.page.get_by_role("button", name=title).last.click()
        wait_for_bot_replies(self.page, before + 1)

    def assert_clean(self) -> None:
        """Nothing stored, no cookie header seen, no console error (CSP violations included)."""
        assert_nothing_stored(self.context, self.page)
        assert self.watch.set_cookie_headers == []
        assert self.watch.console_errors == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def stand_in() -> Iterator[StandIn]:
    record, server, thread = start_stand_in()
    yield record
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def open_chat(browser: Browser) -> Iterator:
    """Opens the chat in a fresh context, after a neutral page so Back has somewhere to go."""
    contexts: list[BrowserContext] = []

    def _open(base_url: str, viewport: dict = WIDE, **options) -> Chat:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        answer_off_site(context, base_url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        watch = PageWatch()
        watch.attach(page)
        page.goto(START_URL)
        page.goto(base_url + "/")
        chat = Chat(context, page, watch, base_url)
        chat.assert_clean()
        return chat

    yield _open
    for context in contexts:
        context.close()


def quick_exit(chat: Chat, how: str) -> None:
    """Leave by `how`, and check the page blanked before the neutral site had even loaded."""
    page = chat.page
    exit_url = page.get_attribute("html", "data-exit-url")
    # The page cannot be evaluated while its navigation is held, so it reports by console.
    page.evaluate(
        """() => new MutationObserver(() => {
            const left = document.querySelectorAll(".msg").length;
            if (document.body.hidden) console.log("blanked with " + left + " messages");
        }).observe(document.body, {attributes: true, attributeFilter: ["hidden"]})"""
    )
    reports: list[str] = []
    page.on("console", lambda message: reports.append(message.text))
    held: list[Route] = []
    page.route(exit_url, lambda route: held.append(route), times=1)
    if how == "button":
        # A mouse click, not Locator.click, which would wait for the held navigation.
        box = page.get_by_role("link", name="Exit this page", exact=True).bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    elif how == "shift":
        for _ in range(3):
            page.keyboard.press("Shift")
    elif how == "skip link":
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-exit"
        assert page.locator(".skip-exit").is_visible()
        page.keyboard.press("Enter")
    deadline = time.monotonic() + 5
    while not (held and reports):
        assert time.monotonic() < deadline, f"no blank page and exit: {reports}, {held}"
        page.wait_for_timeout(20)
    assert reports == ["blanked with 0 messages"]
    held[0].fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)
    page.wait_for_url(exit_url)
    assert page.title() == NEUTRAL_TITLE

    # Back skips the chat: its history entry was replaced by the neutral site.
    page.go_back()
    assert page.url == START_URL
    assert page.locator(".msg").count() == 0
    page.go_forward()
    assert page.url == exit_url
    assert_nothing_stored(chat.context)
    assert chat.watch.set_cookie_headers == []


# ---- Against the stand-in gateway ------------------------------------------------------------


def assert_strict_headers(chat: Chat) -> None:
    for path in ("/", "/static/chat.js", "/static/chat.css", "/favicon.ico"):
        response = chat.context.request.get(chat.base_url + path)
        assert response.ok, path
        headers = response.headers
        for name, value in EXPECTED_HEADERS.items():
            assert headers[name] == value, (path, name)
        assert "set-cookie" not in headers


def test_page_is_served_with_strict_headers_and_no_cookie(open_chat, stand_in: StandIn) -> None:
    chat = open_chat(stand_in.base_url)
    assert_strict_headers(chat)
    assert chat.context.request.get(stand_in.base_url + "/static/../settings.py").status == 404
    assert chat.page.title() == "Chat"
    assert chat.page.get_attribute("html", "data-exit-url") == STAND_IN_EXIT_URL


def test_exit_url_that_is_not_a_web_address_falls_back_to_the_default() -> None:
    assert web.exit_url_for_page("javascript:alert(1)") == web.DEFAULT_EXIT_URL
    assert web.exit_url_for_page("/elsewhere") == web.DEFAULT_EXIT_URL
    assert web.exit_url_for_page("https://example.org/x") == "https://example.org/x"


def test_markup_in_messages_is_shown_as_text(open_chat, stand_in: StandIn) -> None:
    chat = open_chat(stand_in.base_url)
    markup = '<img src=x onerror="document.title=1"><b>bold</b><script>alert(1)</script>'
    chat.send(markup)
    assert chat.page.locator(".msg.user .text").last.inner_text().endswith(markup)
    assert markup in bot_texts(chat.page)[-1]
    assert chat.page.locator("#log img, #log b, #log script").count() == 0
    assert chat.page.title() == "Chat"
    chat.assert_clean()


def test_choices_links_and_keyboard(open_chat, stand_in: StandIn) -> None:
    chat = open_chat(stand_in.base_url)
    chat.choose("Yes, it is safe")
    assert stand_in.posts[-1]["message"] == "Yes, it is safe"
    assert chat.page.locator(".msg.user").last.inner_text().endswith("Yes, it is safe")
    session = chat.watch.session
    assert re.fullmatch(r"[0-9a-f]{32}", session)

    # A choice sends its payload but shows its title; the keyboard works it too.
    chat.page.get_by_role("button", name="Tell me more").focus()
    chat.page.keyboard.press("Enter")
    wait_for_bot_replies(chat.page, 3)
    assert stand_in.posts[-1] == {"session": session, "message": "more please"}
    assert chat.page.locator(".msg.user").last.inner_text().endswith("Tell me more")
    assert chat.page.get_by_role("button", name="Yes, it is safe").is_disabled()
    assert chat.page.evaluate("document.activeElement.id") == "message"

    # Line breaks kept; URLs become links built as elements.
    assert "\n" in bot_texts(chat.page)[-1]
    link = chat.page.locator(".msg.bot a").last
    assert link.get_attribute("href") == "https://example.org/help"
    assert link.inner_text() == "https://example.org/help"
    chat.assert_clean()

    # A new page load is a new, unlinked conversation.
    chat.page.reload()
    chat.send("again")
    assert chat.watch.chat_sessions[-1] != session


def test_failure_shows_the_fixed_safety_message(open_chat, stand_in: StandIn) -> None:
    chat = open_chat(stand_in.base_url)
    chat.send(FAIL_MESSAGE)
    text = bot_texts(chat.page)[-1]
    for needed in ("999", "press 55", "0808 2000 247"):
        assert needed in text
    hrefs = (
        chat.page.locator(".msg.bot")
        .last.locator("a")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    assert hrefs == ["tel:999", "tel:999", "tel:08082000247"]
    # The browser logs the failed request itself; nothing else may go wrong.
    assert all("503" in error for error in chat.watch.console_errors)
    assert_nothing_stored(chat.context, chat.page)


@pytest.mark.parametrize("how", ["button", "shift", "skip link"])
def test_quick_exit_mechanics(open_chat, stand_in: StandIn, how: str) -> None:
    chat = open_chat(stand_in.base_url)
    if how != "skip link":  # the skip link is met on the first Tab after the page opens
        chat.send("hello")
    quick_exit(chat, how)
    [session] = chat.watch.deleted_sessions
    assert re.fullmatch(r"[0-9a-f]{32}", session)
    assert chat.watch.chat_sessions in ([], [session])
    stand_in.wait_for_delete(session)


def test_typing_capitals_or_slow_shifts_do_not_exit(open_chat, stand_in: StandIn) -> None:
    chat = open_chat(stand_in.base_url)
    chat.page.focus("#message")
    for key in ("Shift+H", "Shift+I", "Shift+J", "Shift+Enter"):
        chat.page.keyboard.press(key)
    chat.page.keyboard.press("Shift")
    chat.page.wait_for_timeout(1300)
    chat.page.keyboard.press("Shift")
    chat.page.keyboard.press("Shift")
    chat.page.wait_for_timeout(200)
    assert chat.page.url == stand_in.base_url + "/"
    assert chat.page.locator("body").is_visible()
    assert chat.page.input_value("#message") == "HIJ\n"
    assert chat.watch.deleted_sessions == []


def test_works_at_320_pixels(open_chat, stand_in: StandIn) -> None:
    chat = open_chat(stand_in.base_url, viewport=NARROW)
    for n in range(6):
        chat.send(f"message {n} with a long word: {'x' * 60}")
    page = chat.page
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    for selector in (".exit-button", "#message", ".composer button"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["y"] >= 0, selector
        assert box["x"] + box["width"] <= NARROW["width"], selector
        assert box["y"] + box["height"] <= NARROW["height"], selector


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "320"])
def test_axe_finds_no_violations(open_chat, stand_in: StandIn, viewport: dict) -> None:
    assert AXE_JS.exists(), "run scripts/setup-browser.sh (npm ci --prefix tests/e2e)"
    # axe is injected as a script tag, which the page's own CSP would rightly block.
    chat = open_chat(stand_in.base_url, viewport=viewport, bypass_csp=True)
    assert run_axe(chat.page) == []
    chat.choose("Yes, it is safe")
    chat.send(FAIL_MESSAGE)
    chat.page.get_by_role("button", name="Tell me more").focus()
    assert run_axe(chat.page) == []


# ---- Against the real stack (gateway + Rasa + action server) ---------------------------------


@pytest.mark.e2e
def test_conversation_with_the_real_bot(open_chat, stack) -> None:
    chat = open_chat(stack.base_url)
    assert_strict_headers(chat)
    chat.choose("Yes, it is safe")
    # The bot takes the page's own safety question as answered and offers its main choices.
    opening = chat.page.locator(".msg.bot").last
    assert "safe" not in opening.locator(".text").inner_text().lower()
    assert opening.get_by_role("button").count() >= 2
    save_screenshots(chat.page)
    chat.send("Where can I get support in Westminster?")
    replies = bot_texts(chat.page)
    assert len(replies) >= 3
    assert all("not working right now" not in text for text in replies[1:])
    assert stack.has_conversation(chat.watch.session)
    chat.assert_clean()


def save_screenshots(page: Page) -> None:
    """The opening of a real conversation, wide and at 320 px, for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "chat-wide.png")
    page.set_viewport_size(NARROW)
    page.locator(".msg.bot").last.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "chat-320.png")
    page.set_viewport_size(WIDE)


@pytest.mark.e2e
@pytest.mark.parametrize("how", ["button", "shift"])
def test_quick_exit_forgets_the_conversation_on_the_server(open_chat, stack, how: str) -> None:
    chat = open_chat(stack.base_url)
    chat.send("hello")
    session = chat.watch.session
    assert stack.has_conversation(session)
    quick_exit(chat, how)
    deadline = time.monotonic() + 5
    while stack.has_conversation(session):
        assert time.monotonic() < deadline, "the server still holds the conversation"
        time.sleep(0.1)
