"""A guest (a pupil, a parent, an outside coach) joins a room that admits guests by its
code with a name only, sees nothing but that room, and writes a note the facilitator
sees (issue 5, item 1). Real uvicorn server, real WebSockets, its own SQLite file."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import live_screens
from tests.browser.test_pages_axe import assert_accessible
from tests.live_server_util import writing_phase

pytestmark = pytest.mark.browser
screens_on = live_screens.screens_on  # the fixture

PHASE = "Wat neem je mee?"
GUEST = "Ouder van Noor"
LOGIN = re.compile(r"/login/")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    phases = [writing_phase(PHASE, anonymous=False, hidden=True)]
    yield from live_screens.live_server(
        tmp_path_factory,
        "live-guest",
        [
            {"phases": phases, "people": 1, "guests": True},
            {"phases": phases, "people": 1, "guests": True},  # another school's room
        ],
    )


def test_a_guest_joins_by_code_sees_only_that_room_and_writes(server, screens_on):
    room, other = server["rooms"]
    session = room["session"]
    screens = screens_on(server["url"])
    console = screens.signed_in(room["facilitator"], reverse("live:console", args=[session]))
    guest = screens.blank(width=390)
    page = guest.page

    # The code from the projector, typed in lower case with spaces around it.
    page.goto(reverse("live:join"))
    assert_accessible(page, "the join page")
    page.locator('input[name="code"]').fill(f" {room['join_code'].lower()} ")
    page.locator('main button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/join/{room['join_code']}/$"))
    assert_accessible(page, "the guest's name form")
    page.locator('input[name="name"]').fill(GUEST)
    page.locator('main button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/live/{session}/guest/$"))
    guest.status("connected")
    expect(page.locator("#live-rules li").first).to_be_visible()
    expect(console.page.locator("#live-people")).to_contain_text(GUEST)
    assert_accessible(page, "the guest's room before the start")

    # Nothing else: the staff pages ask to sign in; another room is not there.
    for path in (
        reverse("core:overview"),
        reverse("live:participant", args=[session]),
        reverse("live:console", args=[session]),
        reverse("live:projector", args=[session]),
        reverse("live:participant", args=[other["session"]]),
    ):
        page.goto(path)
        expect(page).to_have_url(LOGIN)
    other_room = reverse("live:guest_room", args=[other["session"]])
    guest.expected += [other_room, f"/ws/rooms/{other['room']}/"]  # refused, as they should be
    response = page.goto(other_room)
    assert response is not None and response.status == 404
    opened = page.evaluate(
        """(path) => new Promise((resolve) => {
            const ws = new WebSocket(`ws://${location.host}${path}`);
            ws.onopen = () => { ws.close(); resolve(true); };
            ws.onclose = () => resolve(false);
        })""",
        f"/ws/rooms/{other['room']}/",
    )
    assert opened is False, "the guest's cookie opened another room's socket"

    # Back in its own room, the guest writes; the facilitator sees the note, named.
    page.goto(reverse("live:guest_room", args=[session]))
    guest.status("connected")
    console.button("room.start").click()
    expect(page.locator("#live-phase-title")).to_have_text(PHASE)
    guest.write("Fijn dat ouders mochten meepraten")
    expect(page.locator("#live-mine-list .live-note__text")).to_have_text(
        ["Fijn dat ouders mochten meepraten"]
    )
    note = console.page.locator("#live-notes-list li", has_text="Fijn dat ouders mochten meepraten")
    expect(note).to_be_visible()
    expect(note).to_contain_text(GUEST)
    assert_accessible(page, "the guest's room while writing")
