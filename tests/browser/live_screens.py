"""Browser screens on a real uvicorn server (tests/live_server_util.py), for the live room's
browser tests: one browser context per person, script errors collected."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from conftest import PASSWORD, require
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_pages_axe import log_in
from tests.live_server_util import (
    Servers,
    base_env,
    migrate_and_seed,
    seed_rooms,
    uvicorn_installed,
)


@dataclass
class Screen:
    context: BrowserContext
    page: Page
    problems: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # parts of errors a test provokes

    def button(self, action: str):
        return self.page.locator(f'#live-room button[data-action="{action}"]:visible')

    def status(self, state: str) -> None:
        expect(self.page.locator("#live-status")).to_have_attribute("data-state", state)

    def write(self, text: str) -> None:
        self.page.locator("#live-note-text").fill(text)
        self.page.locator('#live-note-form button[type="submit"]').click()


def watch_console(page: Page, problems: list[str], label: str = "") -> None:
    """Collect the page's script errors and console errors in `problems` (each prefixed
    with `label`, if any): the fixtures fail a test on any."""
    prefix = f"{label}: " if label else ""

    def console(message) -> None:
        if message.type == "error":
            problems.append(f"{prefix}{message.text} ({message.location.get('url', '')})")

    page.on("pageerror", lambda error: problems.append(f"{prefix}{error}"))
    page.on("console", console)


class Screens:
    """Opens screens; the fixture closes them and fails on any script error or CSP refusal."""

    def __init__(self, browser, url: str):
        self.browser, self.url, self.opened = browser, url, []

    def blank(self, width: int = 1280) -> Screen:
        context = self.browser.new_context(
            base_url=self.url, locale="nl-NL", viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        screen = Screen(context, page)
        watch_console(page, screen.problems)
        self.opened.append(screen)
        return screen

    def signed_in(self, person: dict, path: str, width: int = 1280) -> Screen:
        screen = self.blank(width)
        log_in(screen.page, SimpleNamespace(email=person["email"]))
        screen.page.goto(path)
        screen.status("connected")
        return screen


@contextmanager
def seeded_server(folder: Path, label: str, seed: str) -> Iterator[tuple[str, dict, dict]]:
    """A uvicorn server on a SQLite file in `folder`, migrated and seeded by the script
    `seed` (SCHOOL_SEED and more, printing a JSON object last): (its URL, that object, the
    environment of the server)."""
    require(uvicorn_installed(), "uvicorn and websockets are not installed (pip install -e .)")
    env = base_env(folder)
    data = migrate_and_seed(env, seed, SEED_PASSWORD=PASSWORD)
    servers = Servers(folder)
    try:
        yield servers.start(env, label), data, env
    finally:
        servers.stop()


def live_server(tmp_path_factory, label: str, rooms: list[dict]) -> Iterator[dict]:
    """A uvicorn server on its own SQLite file with `rooms` seeded (see seed_rooms)."""
    require(uvicorn_installed(), "uvicorn and websockets are not installed (pip install -e .)")
    folder = tmp_path_factory.mktemp(label)
    servers = Servers(folder)
    try:
        env = base_env(folder)
        seeded = seed_rooms(env, rooms, PASSWORD)
        yield {"url": servers.start(env, label), "rooms": seeded}
    finally:
        servers.stop()


@pytest.fixture
def screens_on(browser):
    made: list[Screens] = []

    def make(url: str) -> Screens:
        made.append(Screens(browser, url))
        return made[-1]

    yield make
    problems = [
        problem
        for screens in made
        for screen in screens.opened
        for problem in screen.problems
        if not any(part in problem for part in screen.expected)
    ]
    for screens in made:
        for screen in screens.opened:
            screen.context.close()
    assert not problems, "errors in the browser console:\n" + "\n".join(problems)
