"""A participant's phone that goes offline and comes back shows everything it missed
(phase, notes, counts) without a reload; and axe checks of the three views of a room in
its two first states (waiting, writing). Issue 5, done-when.

Runs on a real uvicorn server (WebSockets) with its own SQLite file.
"""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import live_screens
from tests.browser.test_pages_axe import assert_accessible, log_in
from tests.live_server_util import writing_phase

pytestmark = pytest.mark.browser
screens_on = live_screens.screens_on  # the fixture

HIDDEN = "Stil en anoniem schrijven"
OPEN = "Hardop schrijven, met naam"
NEEDS_SCRIPTS = "werkt alleen met JavaScript"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    phases = [
        writing_phase(HIDDEN, anonymous=True, hidden=True),
        writing_phase(OPEN, anonymous=False, hidden=False),
    ]
    yield from live_screens.live_server(
        tmp_path_factory, "live-offline", [{"phases": phases, "people": 3}]
    )


def test_an_offline_phone_catches_up_without_a_reload(server, screens_on):
    (room,) = server["rooms"]
    session = room["session"]
    screens = screens_on(server["url"])
    first, second, away = (
        screens.signed_in(person, reverse("live:participant", args=[session]), width=390)
        for person in room["teachers"]
    )
    console = screens.signed_in(room["facilitator"], reverse("live:console", args=[session]))
    projector = screens.signed_in(
        room["facilitator"], reverse("live:projector", args=[session]), width=1600
    )

    # Waiting: the three views pass axe.
    expect(away.page.locator("#live-rules li").first).to_be_visible()
    assert_accessible(away.page, "a phone before the start")
    assert_accessible(projector.page, "the projector before the start")
    assert_accessible(console.page, "the console before the start")

    console.button("room.start").click()
    for screen in (first, second, away, projector):
        expect(screen.page.locator("#live-phase-title")).to_have_text(HIDDEN)
    away.write("Mijn eigen notitie")
    expect(projector.page.locator("#live-note-count")).to_have_text(re.compile(r"\D1$"))
    assert_accessible(away.page, "a phone in a writing phase")
    assert_accessible(projector.page, "the projector in a writing phase")
    assert_accessible(console.page, "the console in a writing phase")

    # Offline while the others write: back online, the count is right without a reload.
    away.page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    away.context.set_offline(True)
    away.status("reconnecting")
    first.write("Een notitie van de eerste")
    second.write("Een notitie van de tweede")
    expect(projector.page.locator("#live-note-count")).to_have_text(re.compile(r"\D3$"))
    expect(away.page.locator("#live-note-count")).to_have_text(re.compile(r"\D1$"))
    away.context.set_offline(False)
    away.status("connected")
    expect(away.page.locator("#live-note-count")).to_have_text(re.compile(r"\D3$"))
    expect(away.page.locator("#live-mine-list .live-note__text")).to_have_text(
        ["Mijn eigen notitie"]
    )

    # Offline while the facilitator reveals, moves on, and the others write named notes.
    away.context.set_offline(True)
    away.status("reconnecting")
    console.button("notes.reveal").click()
    expect(first.page.locator("#live-notes-list li")).to_have_count(3)
    console.button("phase.next").click()
    for screen in (first, second, projector):
        expect(screen.page.locator("#live-phase-title")).to_have_text(OPEN)
    first.write("Hardop: de eerste")
    second.write("Hardop: de tweede")
    expect(projector.page.locator("#live-notes-list li")).to_have_count(2)
    expect(away.page.locator("#live-phase-title")).to_have_text(HIDDEN)  # still offline

    away.context.set_offline(False)
    away.status("connected")
    expect(away.page.locator("#live-phase-title")).to_have_text(OPEN)
    notes = away.page.locator("#live-notes-list li")
    expect(notes).to_have_count(2)
    expect(notes.filter(has_text="Hardop: de eerste")).to_contain_text(room["teachers"][0]["name"])
    expect(notes.filter(has_text="Hardop: de tweede")).to_contain_text(room["teachers"][1]["name"])
    expect(away.page.locator("#live-note-count")).to_be_hidden()  # shown at once: no count
    expect(away.page.locator("#live-note-form")).to_be_visible()
    # And it works again: its own note reaches the others.
    away.write("Hardop: weer terug")
    expect(first.page.locator("#live-notes-list li")).to_have_count(3)
    expect(projector.page.locator("#live-notes-list")).to_contain_text("Hardop: weer terug")
    assert away.page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def test_a_phone_without_scripts_is_told_the_room_needs_them(server, screens_on):
    """The room runs on a WebSocket: without scripts a phone would say "Verbinden…"
    forever. It says instead, in Dutch, that the room needs JavaScript."""
    (room,) = server["rooms"]
    screens = screens_on(server["url"])
    context = screens.browser.new_context(
        base_url=server["url"], java_script_enabled=False, viewport={"width": 390, "height": 800}
    )
    try:
        page = context.new_page()
        log_in(page, SimpleNamespace(email=room["teachers"][0]["email"]))
        page.goto(reverse("live:participant", args=[room["session"]]))
        expect(page.locator("main")).to_contain_text(NEEDS_SCRIPTS, use_inner_text=True)
    finally:
        context.close()
    screen = screens.signed_in(
        room["teachers"][1], reverse("live:participant", args=[room["session"]])
    )
    expect(screen.page.locator("main")).not_to_contain_text(NEEDS_SCRIPTS, use_inner_text=True)
