"""The browser extension in a real browser (issue 30): Debian's Chromium, headless, driven
by Playwright, with the unpacked extension of editors/browser/ loaded, on a local page
that imitates a helpdesk composer, talking to a real `empathy-lint serve`."""
from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, free_port, installed, start_service

EXTENSION = ROOT / "editors" / "browser"
FIXTURES = Path(__file__).resolve().parent / "browser"
ARTIFACTS = ROOT / "test-artifacts"
DEFENSIVE = "As I said, there's nothing we can do. Obviously, the fee stands."
GOOD = ("Dana, I'm so sorry you were charged twice for order 1187, and that nobody answered your email. "
        "I understand how stressful that is with rent due. I've refunded the second charge today, and "
        "you'll see it on the card ending 4417 within 3-5 days. I'll check back on Friday to make sure it "
        "has arrived; please reply here if anything looks off.")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service():
    process, port = start_service(ROOT)
    yield port
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def site():
    handler = functools.partial(_QuietHandler, directory=str(FIXTURES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import sync_playwright

    executable = installed("chromium", "chromium")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=executable, headless=True,
            viewport={"width": 1100, "height": 560},
            args=[f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}", "--no-sandbox",
                  "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        # The worker may register after launch returns (a cold CI machine): wait on Playwright's
        # event, which pumps its connection; polling the list with time.sleep never would.
        if not context.service_workers:
            try:
                context.wait_for_event("serviceworker", timeout=60_000)
            except PlaywrightTimeoutError:
                pytest.fail("the extension's service worker did not start within 60 s")
        yield context
        context.close()


def _use_port(context, port: int) -> None:
    context.service_workers[0].evaluate(f"chrome.storage.local.set({{port: {port}}})")


def _open_composer(context, site: str):
    page = context.new_page()
    page.goto(f"{site}/zendesk-fixture.html")
    page.click("#composer")
    return page


def _highlighted(page) -> dict[str, list[str]]:
    """The text under each severity's underlines (CSS Custom Highlight ranges)."""
    return page.evaluate("""() => Object.fromEntries(['error', 'warning', 'info'].map(sev => {
        const h = CSS.highlights.get('empathy-lint-' + sev);
        return [sev, h ? [...h].map(r => r.toString()) : []];
    }))""")


def _wait_for(page, predicate, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        page.wait_for_timeout(100)


def test_a_defensive_draft_is_underlined_explained_and_fixed_in_place(browser_context, service, site):
    _use_port(browser_context, service)
    page = _open_composer(browser_context, site)
    page.keyboard.type(DEFENSIVE)
    _wait_for(page, lambda: "As I said" in _highlighted(page)["warning"], "the EMP301 underline")
    marks = _highlighted(page)
    assert "Obviously" in marks["warning"]  # each phrase at its own characters
    assert page.inner_text("#composer") == DEFENSIVE  # underlines never change the text
    badge = page.locator(".empathy-lint-badge")
    assert int(badge.inner_text()) >= 3

    box = page.evaluate("""() => {
        const h = CSS.highlights.get('empathy-lint-warning');
        const range = [...h].find(r => r.toString() === 'As I said');
        const rect = range.getBoundingClientRect();
        return {x: rect.left + rect.width / 2, y: rect.top + rect.height / 2};
    }""")
    page.mouse.move(box["x"], box["y"])
    tooltip = page.locator(".empathy-lint-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert "EMP301" in tooltip.inner_text() and "To recap" in tooltip.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-extension.png"))

    page.locator(".empathy-lint-fix").click()
    _wait_for(page, lambda: page.inner_text("#composer") != DEFENSIVE, "the fix")
    assert page.inner_text("#composer") == DEFENSIVE.replace("As I said", "To recap")  # only its span
    _wait_for(page, lambda: "As I said" not in "".join(_highlighted(page)["warning"]), "the re-check")
    page.close()


def test_a_draft_with_no_problem_shows_none(browser_context, service, site):
    _use_port(browser_context, service)
    page = _open_composer(browser_context, site)
    page.keyboard.type(GOOD)
    _wait_for(page, lambda: page.locator(".empathy-lint-badge").count() == 1, "the badge")
    _wait_for(page, lambda: page.locator(".empathy-lint-badge").inner_text() == "✓", "a clean verdict")
    assert _highlighted(page) == {"error": [], "warning": [], "info": []}
    page.close()


def test_the_customer_message_on_the_page_is_read(browser_context, service, site):
    """The helpdesk adapter reads the conversation: a reply with no apology to a customer
    charged twice is asked for one."""
    _use_port(browser_context, service)
    page = _open_composer(browser_context, site)
    page.keyboard.type("Thanks Dana. Our billing team will refund the second charge within 3-5 days.")
    _wait_for(page, lambda: any(_highlighted(page).values()), "findings")
    page.mouse.move(0, 0)
    first = page.evaluate("""() => {
        const h = CSS.highlights.get('empathy-lint-warning');
        const range = h && [...h][0];
        if (!range) return null;
        const rect = range.getClientRects()[0];
        return {x: rect.left + 4, y: rect.top + rect.height / 2};
    }""")
    assert first is not None, _highlighted(page)
    page.mouse.move(first["x"], first["y"])
    tooltip = page.locator(".empathy-lint-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert "EMP201" in tooltip.inner_text()
    page.close()


def test_without_the_service_it_says_so_once(browser_context, site):
    _use_port(browser_context, free_port())  # nothing listens there
    page = _open_composer(browser_context, site)
    page.keyboard.type(DEFENSIVE)
    badge = page.locator(".empathy-lint-badge")
    _wait_for(page, lambda: badge.count() == 1, "the offline notice")
    assert "empathy-lint serve" in badge.inner_text()
    assert _highlighted(page) == {"error": [], "warning": [], "info": []}
    page.close()
