"""Browser tests: Debian's Chromium, driven by sync Playwright, against pytest-django's
live_server.

One browser for the whole session (starting Chromium costs about a second), a fresh
context (cookies, storage) per test. The browser tests are moved to the end of the run:
while sync Playwright is running, its asyncio loop counts as "running" in the main thread,
which would break any later test that uses async_to_sync() or asyncio.run().
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the browser tests last (after pytest-django's own ordering); see the docstring."""
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if browser_items:
        others = [item for item in items if not item.get_closest_marker("browser")]
        items[:] = others + browser_items


@pytest.fixture(scope="session")
def browser() -> Iterator:
    require(
        CHROMIUM.exists(),
        f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra is missing
        require(False, "Playwright is not installed (pip install -e '.[test]')")
    # Sync Playwright keeps an asyncio loop running in this thread; Django refuses ORM calls
    # from such a thread (the fixtures create personas) unless told it is safe, which it
    # is here: the loop only talks to the browser. Restored when the browser closes.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test, pointed at the live server. The browser claims
    to prefer English on purpose: the app must still answer in Dutch."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
