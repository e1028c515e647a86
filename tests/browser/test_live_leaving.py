"""Someone deletes their account while the room runs: every screen drops them from the
list of people and the round's order at once, without a reload, and their own phone
closes (issue 5 with the trust rule "people own their data"). Real uvicorn server, real
WebSockets, its own SQLite file."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser import live_screens
from tests.live_server_util import writing_phase

pytestmark = pytest.mark.browser
screens_on = live_screens.screens_on  # the fixture

ROUND = "Rondje: wat zie je in je klas?"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    round_phase = writing_phase(ROUND, anonymous=False, hidden=False)
    round_phase["kind"] = "round"
    round_phase["settings"] = {"order": "fixed", "pass_allowed": True}
    yield from live_screens.live_server(
        tmp_path_factory, "live-leaving", [{"phases": [round_phase], "people": 3}]
    )


def test_a_seat_whose_holder_deletes_the_account_leaves_every_screen(server, screens_on):
    (room,) = server["rooms"]
    session = room["session"]
    stays, leaves, third = room["teachers"]
    screens = screens_on(server["url"])
    console = screens.signed_in(room["facilitator"], reverse("live:console", args=[session]))
    phone, leaving = (
        screens.signed_in(person, reverse("live:participant", args=[session]), width=390)
        for person in (stays, leaves)
    )
    screens.signed_in(third, reverse("live:participant", args=[session]), width=390)
    projector = screens.signed_in(
        room["facilitator"], reverse("live:projector", args=[session]), width=1600
    )
    console.button("room.start").click()
    console.button("round.start").click()
    for screen in (phone, projector):
        expect(screen.page.locator("#live-order li")).to_have_count(3)
    expect(console.page.locator("#live-people")).to_contain_text(leaves["name"])
    # This work form gives nobody a role: the console offers none.
    roles = console.page.locator("#live-people li", has_text=stays["name"]).locator(
        "button[data-action='role.assign']"
    )
    expect(roles).to_have_count(2)  # in the page, hidden
    expect(roles.locator("visible=true")).to_have_count(0)

    # They delete their account in another tab of the same browser.
    tab = leaving.context.new_page()
    tab.goto(reverse("reports:delete_me"))
    tab.locator('input[name="password"]').fill(PASSWORD)
    tab.locator('main button[type="submit"]').click()
    tab.wait_for_url("**/login/")

    expect(console.page.locator("#live-people")).not_to_contain_text(leaves["name"])
    for screen in (phone, projector):
        expect(screen.page.locator("#live-order li")).to_have_count(2)
        expect(screen.page.locator("#live-order")).not_to_contain_text(leaves["name"])
    leaving.status("closed")
    for screen in (console, phone, projector):
        screen.status("connected")
