"""The live room in real browsers over real WebSockets: a facilitator's console, a projector
and three participants' phones, each in its own browser context.

pytest-django's live_server speaks WSGI only, so these tests start uvicorn on the ASGI
application, with its own SQLite file (migrated and seeded in subprocesses: the pytest test
database is another one).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.live_screens import seeded_server, watch_console
from tests.browser.test_pages_axe import assert_accessible, log_in
from tests.live_server_util import SCHOOL_SEED

pytestmark = pytest.mark.browser


# Runs in a subprocess against the uvicorn server's database: two sessions of one section,
# one with the plus/delta check-out (anonymous silent writing, then sorting) and one with
# the gossip method (a case owner who stays silent, speaking rounds).
SEED = (
    SCHOOL_SEED
    + r"""


facilitator, teachers, group = section(3)


def session(title, slug):
    method = Method.objects.get(slug=slug, school__isnull=True)
    return Session.objects.create(
        school=school,
        group=group,
        title=title,
        facilitator=facilitator,
        starts_at=timezone.now(),
        duration_minutes=20,
        method_snapshot=snapshot_take(method=method),
        created_by=facilitator,
    )


writing = session("Terugblik op de studiedag", "check-out-plus-delta")
gossip = session("Intervisie: de stille klas", "gossip-method")
dilemma = session("Dilemma: toetsen of niet", "dilemma-dialogue")
popcorn = session("Inchecken: één woord", "check-in-one-word")
print(json.dumps({
    "dilemma": dilemma.pk,
    "popcorn": popcorn.pk,
    "writing": writing.pk,
    "gossip": gossip.pk,
    "facilitator": {"email": facilitator.email, "name": facilitator.name},
    "teachers": [{"email": t.email, "name": t.name} for t in teachers],
}))
"""
)


@dataclass
class Server:
    url: str
    data: dict


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    with seeded_server(tmp_path_factory.mktemp("live-room"), "live-room", SEED) as (url, data, _):
        yield Server(url=url, data=data)


@dataclass
class Screen:
    context: BrowserContext
    page: Page
    problems: list[str]

    def button(self, action: str):
        return self.page.locator(f'#live-room button[data-action="{action}"]:visible')


def open_screen(
    browser, server: Server, person: dict, path: str, width: int = 1280, height: int = 900
) -> Screen:
    context = browser.new_context(
        base_url=server.url,
        locale="nl-NL",
        viewport={"width": width, "height": height},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    # Script errors and CSP refusals (inline script or style) end up here.
    watch_console(page, problems, path)
    log_in(page, SimpleNamespace(email=person["email"]))
    page.goto(path)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    return Screen(context, page, problems)


@pytest.fixture
def screens(browser) -> Iterator[list[Screen]]:
    opened: list[Screen] = []
    yield opened
    problems = [problem for screen in opened for problem in screen.problems]
    for screen in opened:
        screen.context.close()
    assert not problems, "errors in the browser console:\n" + "\n".join(problems)


def room_screens(browser, server: Server, session_id: int, screens: list[Screen]):
    """Three phones first (one only 320 px wide), then the console and the projector: a
    fixed speaking order follows who joined first."""
    phones = [
        open_screen(
            browser,
            server,
            teacher,
            reverse("live:participant", args=[session_id]),
            width=width,
        )
        for teacher, width in zip(server.data["teachers"], (390, 320, 414), strict=True)
    ]
    screens.extend(phones)
    facilitator = server.data["facilitator"]
    console = open_screen(browser, server, facilitator, reverse("live:console", args=[session_id]))
    screens.append(console)
    projector = open_screen(
        browser, server, facilitator, reverse("live:projector", args=[session_id]), width=1600
    )
    screens.append(projector)
    return console, projector, phones


def write_note(screen: Screen, text: str) -> None:
    screen.page.locator("#live-note-text").fill(text)
    screen.page.locator('#live-note-form button[type="submit"]').click()


def test_silent_writing_anonymous_notes_reveal_and_reconnect(browser, server, screens):
    console, projector, phones = room_screens(browser, server, server.data["writing"], screens)
    names = [t["name"] for t in server.data["teachers"]]

    # Before the start: everyone sees the ground rules; the projector shows how to join.
    for screen in (projector, *phones):
        expect(screen.page.locator("#live-rules li").first).to_be_visible()
    expect(projector.page.locator(".live-code")).to_have_text(re.compile(r"^[A-Z2-9]{6}$"))
    expect(projector.page.locator(".projector__qr svg")).to_be_visible()
    expect(projector.page.locator("#live-room button")).to_have_count(0)
    expect(console.page.locator("#live-people li")).to_have_count(4)
    for name in names:
        expect(console.page.locator("#live-people")).to_contain_text(name)
    assert_accessible(console.page, "the console before the start")

    # The facilitator starts: the silent-writing phase, with its timer, reaches everyone.
    console.button("room.start").click()
    for screen in (console, projector, *phones):
        expect(screen.page.locator("#live-phase-title")).to_have_text(
            "Plussen en delta's opschrijven"
        )
        expect(screen.page.locator("#live-timer")).to_have_text(re.compile(r"^0[23]:\d\d$"))
        expect(screen.page.locator("#live-rules li").first).to_be_hidden()
    for phone in phones:
        expect(phone.page.locator("#live-note-form")).to_be_visible()
        expect(phone.page.locator("#live-note-anonymous")).to_be_visible()
    expect(projector.page.locator("#live-note-form")).to_have_count(0)

    # Notes stay hidden: each writer sees their own, the room only a count.
    notes = [
        "+ Iedereen kwam aan het woord",
        "Δ Minder tijd voor de inleiding",
        "+ De casus was herkenbaar",
    ]
    write_note(phones[0], notes[0])
    write_note(phones[0], notes[1])
    write_note(phones[1], notes[2])
    expect(phones[0].page.locator("#live-mine-list li")).to_have_count(2)
    expect(phones[1].page.locator("#live-mine-list .live-note__text")).to_have_text([notes[2]])
    expect(projector.page.locator("#live-note-count")).to_have_text(re.compile(r"\D3$"))
    expect(phones[2].page.locator("#live-note-count")).to_have_text(re.compile(r"\D3$"))
    expect(console.page.locator("#live-notes-list li")).to_have_count(3)
    expect(console.page.locator("#live-notes-hidden")).to_be_visible()
    for phone in phones:
        expect(phone.page.locator("#live-notes")).to_be_hidden()
    assert notes[0] not in phones[1].page.locator("body").inner_text()
    assert notes[2] not in projector.page.locator("body").inner_text()

    # A phone that loses the network keeps its note and sends it once it is back.
    late = "+ Fijn dat we op tijd klaar waren"
    phones[2].context.set_offline(True)
    expect(phones[2].page.locator("#live-status")).to_have_attribute("data-state", "reconnecting")
    write_note(phones[2], late)
    expect(phones[2].page.locator("#live-mine-list .live-note--unsent")).to_have_count(1)
    phones[2].context.set_offline(False)
    expect(phones[2].page.locator("#live-status")).to_have_attribute("data-state", "connected")
    expect(phones[2].page.locator("#live-mine-list .live-note--unsent")).to_have_count(0)
    expect(phones[2].page.locator("#live-mine-list .live-note__text")).to_have_text([late])
    expect(projector.page.locator("#live-note-count")).to_have_text(re.compile(r"\D4$"))

    # The server cannot tell anyone which anonymous notes are theirs; a phone that
    # reconnects still lists its own (kept in the page's memory).
    phones[0].context.set_offline(True)
    expect(phones[0].page.locator("#live-status")).to_have_attribute("data-state", "reconnecting")
    phones[0].context.set_offline(False)
    expect(phones[0].page.locator("#live-status")).to_have_attribute("data-state", "connected")
    expect(phones[0].page.locator("#live-mine-list .live-note__text")).to_have_text(notes[:2])

    # The facilitator reveals: everyone sees all four notes, and no names with them.
    console.button("notes.reveal").click()
    for screen in (console, projector, *phones):
        listed = screen.page.locator("#live-notes-list li")
        expect(listed).to_have_count(4)
        expect(screen.page.locator("#live-notes-list .live-note__author")).to_have_count(0)
        text = screen.page.locator("#live-notes-list").inner_text()
        for note in [*notes, late]:
            assert note in text
        for name in names:
            assert name not in text
    expect(projector.page.locator("#live-note-count")).to_be_hidden()
    expect(console.button("notes.reveal")).to_have_count(0)

    assert_accessible(console.page, "the facilitator console")
    assert_accessible(projector.page, "the projector")
    assert_accessible(phones[0].page, "a participant's phone")
    assert_accessible(phones[1].page, "a participant's phone at 320 px")

    # A phone offline while the facilitator moves on catches up when it reconnects.
    phones[2].context.set_offline(True)
    expect(phones[2].page.locator("#live-status")).to_have_attribute("data-state", "reconnecting")
    console.button("phase.next").click()
    for screen in (console, projector, phones[0], phones[1]):
        expect(screen.page.locator("#live-phase-title")).to_have_text("Ordenen")
    expect(phones[2].page.locator("#live-phase-title")).to_have_text(
        "Plussen en delta's opschrijven"
    )
    phones[2].context.set_offline(False)
    expect(phones[2].page.locator("#live-status")).to_have_attribute("data-state", "connected")
    expect(phones[2].page.locator("#live-phase-title")).to_have_text("Ordenen")
    # Sorting shows the notes of the writing phase before it; writing is over.
    expect(phones[2].page.locator("#live-notes-list li")).to_have_count(4)
    expect(phones[2].page.locator("#live-notes-from")).to_contain_text(
        "Plussen en delta's opschrijven"
    )
    expect(phones[2].page.locator("#live-note-form")).to_be_hidden()
    assert_accessible(phones[2].page, "a participant's phone after reconnecting")


def test_rounds_a_silent_case_owner_and_talk_time(browser, server, screens):
    console, projector, phones = room_screens(browser, server, server.data["gossip"], screens)
    owner, second, third = phones
    teachers = server.data["teachers"]

    # The facilitator makes the first teacher the case owner (inbrenger) in the waiting
    # room, then starts.
    row = console.page.locator("#live-people li", has_text=teachers[0]["name"])
    toggle = row.locator('button[data-role="case_owner"]')
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    # Her phone names the role (the catalogue's Dutch word for it); the others have none.
    expect(owner.page.locator("#live-your-role")).to_have_text("Jouw rol: inbrenger")
    for phone in (second, third):
        expect(phone.page.locator("#live-your-role")).to_be_hidden()
    console.button("room.start").click()
    expect(console.page.locator("#live-phase-title")).to_have_text("De vraag inbrengen")
    expect(owner.page.locator("#live-your-role")).to_have_text("Jouw rol: inbrenger")

    console.button("phase.next").click()
    for screen in (console, projector, *phones):
        expect(screen.page.locator("#live-phase-title")).to_have_text("Open vragen")

    # A fixed round in the order of joining: the case owner goes first and passes.
    console.button("round.start").click()
    order = projector.page.locator("#live-order li")
    expect(order).to_have_count(3)  # the facilitator leads the round and is not in it
    expect(projector.page.locator("#live-order")).to_have_css("list-style-type", "decimal")
    expect(order.first).to_have_attribute("aria-current", "step")
    expect(owner.page.locator("#live-your-turn")).to_be_visible()
    expect(second.page.locator("#live-your-turn")).to_be_hidden()
    owner.page.locator("#live-pass").click()
    expect(second.page.locator("#live-your-turn")).to_be_visible()
    expect(owner.page.locator("#live-pass")).to_be_hidden()
    expect(order.first).to_have_class(re.compile(r"live-turn--passed"))
    expect(order.nth(1)).to_have_attribute("aria-current", "step")
    assert_accessible(second.page, "a participant whose turn it is")
    console.button("turn.next").click()
    expect(third.page.locator("#live-your-turn")).to_be_visible()
    expect(order.nth(1)).to_have_class(re.compile(r"live-turn--done"))

    # The gossip itself: the case owner listens and takes notes, the others talk.
    console.button("phase.next").click()
    expect(owner.page.locator("#live-phase-title")).to_have_text("Roddelen over de casus")
    expect(owner.page.locator("#live-silent")).to_be_visible()
    expect(owner.page.locator("#live-your-role")).to_have_text("Jouw rol: inbrenger")
    for phone in (second, third):
        expect(phone.page.locator("#live-phase-title")).to_have_text("Roddelen over de casus")
        expect(phone.page.locator("#live-silent")).to_be_hidden()
        expect(phone.page.locator("#live-your-role")).to_be_hidden()
    assert_accessible(owner.page, "the silent case owner's phone")

    # Talk time: the facilitator marks who speaks; the projector shows shares and equity.
    speaker = console.page.locator("#live-people li", has_text=teachers[1]["name"])
    speaker.locator('button[data-action="talk.start"]').click()
    expect(speaker.locator('[data-slot="talking"]')).to_be_visible()
    # The focus stays in the row: "Speaks now" gives way to its "Stop".
    expect(speaker.locator('button[data-action="talk.stop"]')).to_be_focused()
    expect(projector.page.locator("#live-talking")).to_contain_text(teachers[1]["name"])
    console.page.wait_for_timeout(2200)
    speaker.locator('button[data-action="talk.stop"]').click()
    expect(projector.page.locator("#live-talking")).to_be_hidden()
    expect(projector.page.locator("#live-shares li")).to_have_count(3)  # not the facilitator
    expect(projector.page.locator("#live-shares .live-bar__fill.w-100")).to_have_count(1)
    expect(projector.page.locator("#live-equity")).to_contain_text("0,")
    expect(console.page.locator("#live-shares li")).to_have_count(3)
    assert_accessible(projector.page, "the projector with talk time")
    assert_accessible(console.page, "the console with talk time")

    # Pause and resume: the clock stops on every screen.
    console.button("phase.pause").click()
    expect(projector.page.locator("#live-paused")).to_be_visible()
    expect(console.button("phase.resume")).to_be_visible()
    console.button("phase.resume").click()
    expect(projector.page.locator("#live-paused")).to_be_hidden()

    # Guests: the facilitator admits them with the small form; the page says so after.
    console.page.locator('.live-guests button[type="submit"]').click()
    expect(console.page.locator('.live-guests input[name="guests"]')).to_have_value("off")
    expect(console.page.locator("#live-status")).to_have_attribute("data-state", "connected")
    expect(console.page.locator("#live-phase-title")).to_have_text("Roddelen over de casus")


def test_positions_on_a_dilemma(browser, server, screens):
    console, projector, phones = room_screens(browser, server, server.data["dilemma"], screens)
    console.button("room.start").click()
    # To the first positions phase, one phase at a time: a second "Next phase" sent before
    # the first has come back is meant for the same phase, and refused (stale_phase).
    console.button("phase.next").click()
    expect(console.page.locator("#live-phase-title")).to_have_text("Het dilemma scherp stellen")
    console.button("phase.next").click()
    for screen in (console, projector, *phones):
        expect(screen.page.locator("#live-phase-title")).to_have_text("Positie kiezen: optie A")
    first, second, third = phones
    first.page.get_by_role("button", name="Optie A").click()
    second.page.get_by_role("button", name="Optie A").click()
    third.page.get_by_role("button", name="Optie B").click()
    expect(first.page.get_by_role("button", name="Optie A")).to_have_attribute(
        "aria-pressed", "true"
    )
    distribution = projector.page.locator("#live-position-dist")
    expect(distribution).to_contain_text("Optie A: 2")
    expect(distribution).to_contain_text("Optie B: 1")
    for name in (t["name"] for t in server.data["teachers"]):
        expect(projector.page.locator("#live-positions")).not_to_contain_text(name)
    third.page.get_by_role("button", name="Optie A").click()  # changing one's mind
    expect(distribution).to_contain_text("Optie A: 3")
    # The facilitator leads and takes no position: the console shows the figure only.
    expect(console.page.locator("#live-position-dist")).to_contain_text("Optie A: 3")
    expect(console.page.get_by_role("button", name="Optie A")).to_have_count(0)

    # The facilitator words the dilemma, by keyboard (Enter in the form shows it): every
    # screen shows the question, the options carry its words, and the positions stay.
    question = "Toetsen we begrijpend lezen elke periode?"
    console.page.locator("#live-dilemma-question").fill(question)
    console.page.get_by_role("textbox", name="Optie A").fill("Ja, elke periode")
    console.page.get_by_role("textbox", name="Optie B").fill("Nee, we observeren")
    console.page.get_by_role("textbox", name="Optie B").press("Enter")
    for screen in (console, projector, *phones):
        expect(screen.page.locator("#live-dilemma")).to_have_text(question)
    expect(first.page.locator("#live-announce")).to_contain_text(question)
    expect(distribution).to_contain_text("A: Ja, elke periode: 3")
    chosen = first.page.get_by_role("button", name="A: Ja, elke periode")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    assert_accessible(console.page, "the console wording a dilemma")

    # The next dilemma: the counts so far stay with the first, everyone chooses again.
    console.page.locator("#live-dilemma-question").fill("Meten we leesplezier?")
    console.page.get_by_role("button", name="Als nieuw dilemma peilen").click()
    polled = projector.page.locator("#live-polls-list")
    expect(polled).to_have_text(f"{question} — A: 3")
    expect(distribution).to_contain_text("A: Ja, elke periode: 0")
    expect(chosen).to_have_attribute("aria-pressed", "false")
    second.page.get_by_role("button", name="B: Nee, we observeren").click()
    expect(distribution).to_contain_text("B: Nee, we observeren: 1")
    expect(polled).to_have_text(f"{question} — A: 3")
    assert_accessible(first.page, "a phone taking a position")
    assert_accessible(projector.page, "the projector with positions")

    # Option B's phase polls the same dilemma again, from scratch.
    console.button("phase.next").click()
    for screen in (projector, *phones):
        expect(screen.page.locator("#live-phase-title")).to_have_text("Positie kiezen: optie B")
        expect(screen.page.locator("#live-dilemma")).to_have_text("Meten we leesplezier?")
    expect(polled).to_be_hidden()
    expect(distribution).to_contain_text("B: Nee, we observeren: 0")


def test_a_round_in_free_order(browser, server, screens):
    """Popcorn: no order to wait for. The console gives the floor to whoever speaks up;
    every screen shows who has spoken and who is still to speak; anyone still to speak
    may pass at any time."""
    console, projector, phones = room_screens(browser, server, server.data["popcorn"], screens)
    first, second, third = phones
    names = [t["name"] for t in server.data["teachers"]]
    console.button("room.start").click()
    console.button("phase.next").click()
    console.button("round.start").click()
    for screen in (console, projector, *phones):
        expect(screen.page.locator("#live-round-heading")).to_have_text(
            "Vrije volgorde: wie nog aan het woord komt"
        )
        expect(screen.page.locator("#live-order li")).to_have_count(3)
        expect(screen.page.locator("#live-order li[aria-current]")).to_have_count(0)
        # No numbers before the names: they would suggest an order.
        expect(screen.page.locator("#live-order")).to_have_css("list-style-type", "none")
    expect(console.button("turn.next")).to_have_count(0)  # nobody has the floor yet
    for phone in phones:  # no turn to wait for: each may pass
        expect(phone.page.locator("#live-pass")).to_be_visible()
        expect(phone.page.locator("#live-your-turn")).to_be_hidden()
    order = console.page.locator("#live-order li")
    give = order.filter(has_text=names[2]).get_by_role("button", name="Het woord geven")
    give.focus()
    console.page.keyboard.press("Enter")  # by keyboard: the focus goes on to "End the turn"
    expect(third.page.locator("#live-your-turn")).to_be_visible()
    expect(console.button("turn.next")).to_be_focused()
    now = projector.page.locator("#live-order li[aria-current]")
    expect(now).to_contain_text(names[2])
    # Twenty seconds a person (the work form's setting), counting down on every screen.
    for screen in (projector, third):
        expect(screen.page.locator("#live-turn-time")).to_have_text(
            re.compile(rf"^{re.escape(names[2])}: nog 00:[0-2]\d voor deze beurt$")
        )
    # The list is drawn anew with every change: a focused "Give the floor" stays focused.
    first_give = order.filter(has_text=names[0]).get_by_role("button", name="Het woord geven")
    first_give.focus()
    second.page.locator("#live-pass").click()
    expect(order.filter(has_text=names[1])).to_have_class(re.compile(r"live-turn--passed"))
    expect(first_give).to_be_focused()
    expect(projector.page.locator("#live-order li", has_text=names[1])).to_have_class(
        re.compile(r"live-turn--passed")
    )
    expect(second.page.locator("#live-pass")).to_be_hidden()
    expect(now).to_contain_text(names[2])  # the floor stays with who has it
    assert_accessible(console.page, "the console in a round in free order")
    expect(console.button("turn.next")).to_have_text("Beurt afronden")
    console.button("turn.next").click()
    expect(projector.page.locator("#live-order li", has_text=names[2])).to_have_class(
        re.compile(r"live-turn--done")
    )
    expect(third.page.locator("#live-your-turn")).to_be_hidden()
    expect(projector.page.locator("#live-turn-time")).to_be_hidden()  # nobody has the floor
    waiting = projector.page.locator("#live-order li.live-turn--waiting")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(names[0])
    assert_accessible(first.page, "a phone still to speak in a free round")
    assert_accessible(projector.page, "the projector with a free round")
