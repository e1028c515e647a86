"""The live room's other interaction kinds in real browsers: the review of open action
points while the room waits, themes, dot voting, a card draw, pairs, a consent check and
capturing on the console; and World Café tables over three rounds with a latecomer.
Screens as in test_live_room.py, on a uvicorn server of its own with its own seed."""

import re
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.live_screens import seeded_server
from tests.browser.test_live_room import (
    Screen,
    Server,
    open_screen,
    screens,  # noqa: F401  (the fixture)
    write_note,
)
from tests.browser.test_pages_axe import assert_accessible, log_in
from tests.live_server_util import SCHOOL_SEED

pytestmark = pytest.mark.browser

SEED = (
    SCHOOL_SEED
    + r"""
from samenspraak.live.access import room_of
from samenspraak.live.models import Participant

facilitator, teachers, group = section(5)
today = date.today()
cycle = Cycle.objects.create(
    school=school, group=group, title="Begrijpend lezen", goal="Samen leren",
    period_start=today - timedelta(days=60), period_end=today + timedelta(days=60),
    start_time="15:30", facilitator=facilitator,
)
earlier = Session.objects.create(
    school=school, group=group, cycle=cycle, facilitator=facilitator, title="Vorige keer",
    starts_at=timezone.now() - timedelta(days=14),
)
action_add(session=earlier, by=facilitator, text="Leesstrategie uitproberen",
           owners=[teachers[0]], due_date=today - timedelta(days=7))


def phase(kind, title, **settings):
    return {
        "position": 1, "kind": kind, "minutes": 10, "settings": settings, "speaking": [],
        "silent": [], "produces": [], "title_nl": title, "title_en": title,
        "prompts_nl": "", "prompts_en": "", "guidance_nl": "", "guidance_en": "",
        "purpose_nl": "", "purpose_en": "",
    }


def session(title, phases, **extra):
    snapshot = snapshot_take(method=Method.objects.get(slug="check-in-round", school__isnull=True))
    snapshot.data["phases"] = phases
    snapshot.save()
    extra.setdefault("group", group)
    return Session.objects.create(
        school=school, title=title, facilitator=facilitator,
        starts_at=timezone.now(), duration_minutes=60, method_snapshot=snapshot,
        created_by=facilitator, **extra,
    )


kinds = session("Alle werkvormen", [
    phase("writing", "Ideeen opschrijven", anonymous=True, hidden_until_revealed=True, max_items=5),
    phase("clustering", "Thema's maken"),
    phase("dot_voting", "Stemmen", dots_per_person=2, reveal_on_command=True),
    phase("card_draw", "Kaart trekken", cards_per_draw=1),
    phase("pairs", "In tweetallen", group_size=2, switch_roles=True),
    phase("consent", "Besluiten", anonymous=True, reasons_required=True),
], cycle=cycle)
cafe = session("World Cafe", [
    phase("information", "Uitleg"),
    phase("tables", "Aan tafel", table_size=2, rounds=3, hosts_stay=True),
])
handover = session(
    "Overdracht", [phase("dot_voting", "Stemmen", dots_per_person=2)],
    occasion="De sectie wisselt van voorzitter", goal="Kiezen", shared_interest="Rust in de les",
)
three = phase("feedback_3xw", "Goed, beter, meenemen", anonymous=True, minutes_per_w=2)
three["prompts_nl"] = "Wat ging goed?\nWat kan beter?\nWat neem je mee?"
feedback = session("Terugblik", [three, phase("clustering", "Sorteren")])
reflect = session("Leren van een les", [
    phase("reflection", "Reflecteren", form="starrt"),
    phase("quality_check", "Hoe ging het gesprek?", instrument="dialogue_scan"),
])
follow = session("Vervolg", [phase("actions", "Vervolgstappen", hidden_until_revealed=False)])
keys = session("Met het toetsenbord", [
    phase("writing", "Opschrijven", anonymous=False, hidden_until_revealed=True, max_items=3),
    phase("clustering", "Ordenen"),
    phase("dot_voting", "Kiezen", dots_per_person=1, reveal_on_command=True),
    phase("round", "Rondje", order="fixed", pass_allowed=True, seconds_per_person=0),
    phase("positions", "Stelling", mode="ab"),
    phase("consent", "Afspreken", anonymous=False, reasons_required=True),
])
heard = session("Voorlezen", [
    phase("information", "Uitleg"),
    phase("round", "Rondje", order="fixed", pass_allowed=True, seconds_per_person=0),
])
regret = session("Terugnemen", [phase("writing", "Schrijven", anonymous=True)])
beamer = session("Beamer", [
    phase("information", "Uitleg"),
    phase("round", "Rondje", order="fixed", pass_allowed=True, seconds_per_person=0),
])
# A full room: fourteen seats, more than the console lists owners without a filter.
crowd = Group.objects.create(school=school, name="Team onderbouw", kind="team")
GroupMember.objects.create(group=crowd, user=facilitator)
full = session("Volle zaal", [phase("actions", "Vervolgstappen")], group=crowd)
for number in range(14):
    name = f"Collega {chr(ord('A') + number)}{'ë' if number == 4 else ''}lders"
    user = person(f"collega{number}@linde.test", name, is_teacher=True)
    GroupMember.objects.create(group=crowd, user=user)
    Participant.objects.create(room=room_of(full), user=user)
quiet = session("Open gesprek", [
    phase("dialogue", "Zonder spreektijd", talk_time=False),
    phase("dialogue", "Met spreektijd"),
])
print(json.dumps({
    "follow": follow.pk,
    "reflect": reflect.pk,
    "feedback": feedback.pk,
    "quiet": quiet.pk,
    "keys": keys.pk,
    "full": full.pk,
    "heard": heard.pk,
    "beamer": beamer.pk,
    "regret": regret.pk,
    "kinds": kinds.pk,
    "cafe": cafe.pk,
    "handover": handover.pk,
    "facilitator": {"email": facilitator.email, "name": facilitator.name},
    "teachers": [{"email": t.email, "name": t.name} for t in teachers],
}))
"""
)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    with seeded_server(tmp_path_factory.mktemp("live-kinds"), "live-kinds", SEED) as (url, data, _):
        yield Server(url=url, data=data)


def open_room(browser, server, session_id, people, opened) -> tuple[Screen, Screen, list]:
    phones = [
        open_screen(browser, server, person, reverse("live:participant", args=[session_id]), 390)
        for person in people
    ]
    opened.extend(phones)
    boss = server.data["facilitator"]
    console = open_screen(browser, server, boss, reverse("live:console", args=[session_id]))
    projector = open_screen(
        browser, server, boss, reverse("live:projector", args=[session_id]), width=1600
    )
    opened.extend([console, projector])
    return console, projector, phones


def next_phase(console, screens_, title):
    console.button("phase.next").click()
    for screen in screens_:
        expect(screen.page.locator("#live-phase-title")).to_have_text(title)


def assert_projector_size(projector, selector: str, at_least: float) -> None:
    """The first `selector` on the projector is at least `at_least` times its body text."""
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    text = projector.page.locator(".live--projector").evaluate(size)
    found = projector.page.locator(selector).first.evaluate(size)
    assert found >= at_least * text - 0.5, (selector, found, text)


def test_themes_votes_cards_pairs_consent_and_capture(browser, server, screens):  # noqa: F811
    teachers = server.data["teachers"][:3]
    console, projector, phones = open_room(browser, server, server.data["kinds"], teachers, screens)
    everyone = (console, projector, *phones)

    # Waiting: the open action points of the cycle come back on every screen.
    for screen in everyone:
        expect(screen.page.locator("#live-review")).to_contain_text("Leesstrategie uitproberen")
        expect(screen.page.locator("#live-review")).to_contain_text("(te laat)")  # overdue
    assert_accessible(phones[0].page, "a phone with the review")

    console.button("room.start").click()
    write_note(phones[0], "Meer rust")
    write_note(phones[1], "Meer tijd")
    write_note(phones[2], "Rust in de gang")
    expect(console.page.locator("#live-notes-list li")).to_have_count(3)

    # Themes: the facilitator makes them and sorts notes with two selects and a button.
    next_phase(console, everyone, "Thema's maken")
    console.button("notes.reveal").click()
    expect(phones[0].page.locator("#live-notes-list li")).to_have_count(3)
    for title in ("Rust", "Tijd"):
        console.page.locator("#live-theme-title").fill(title)
        console.page.locator("#live-theme-form button[type=submit]").click()
    expect(projector.page.locator("#live-theme-list > li")).to_have_count(2)
    for note, theme in (("Meer rust", "Rust"), ("Rust in de gang", "Rust"), ("Meer tijd", "Tijd")):
        console.page.locator("#live-cluster-note").select_option(label=note)
        console.page.locator("#live-cluster-theme").select_option(label=theme)
        console.page.locator("#live-cluster-form button[type=submit]").click()
        expect(projector.page.locator("#live-theme-list")).to_contain_text(note)
    expect(phones[1].page.locator("#live-theme-list > li").first).to_contain_text("(2)")
    expect(phones[1].page.locator("#live-notes")).to_be_hidden()  # all sorted
    assert_accessible(console.page, "the console sorting notes")
    # The projector's own texts scale with it, to be read from the back of the room.
    assert_projector_size(projector, "#live-theme-list .live-theme__title", 1.1)

    # Dot voting: two dots each, never more; results only when the facilitator shows them.
    next_phase(console, everyone, "Stemmen")
    vote = phones[0].page.locator("#live-vote-list > li")
    expect(vote).to_have_count(2)
    add = 'button[data-vote="vote.add"]'
    vote.filter(has_text="Rust").locator(add).click()
    expect(vote.filter(has_text="Rust").locator(".live-vote-option__mine")).to_contain_text("1")
    placed = projector.page.locator("#live-dots-placed")
    expect(placed).to_have_text("1 stip gezet door 1 persoon")
    vote.filter(has_text="Rust").locator(add).click()
    expect(phones[0].page.locator("#live-dots-left")).to_contain_text("0")
    expect(vote.filter(has_text="Tijd").locator(add)).to_be_disabled()
    phones[1].page.locator("#live-vote-list > li", has_text="Tijd").locator(add).click()
    expect(placed).to_have_text("3 stippen gezet door 2 mensen")
    tijd = phones[2].page.locator("#live-vote-list > li", has_text="Tijd").locator(add)
    tijd.click()
    expect(placed).to_contain_text("4 stippen")
    tijd.click()
    expect(placed).to_have_text("5 stippen gezet door 3 mensen")
    expect(projector.page.locator("#live-vote-list .live-bar:visible")).to_have_count(0)
    # The projector's hint is as large as its other text, to be read from the back.
    assert_projector_size(projector, "#live-vote-hidden", 0.9)
    assert_accessible(phones[0].page, "a phone voting")
    console.button("votes.reveal").click()
    expect(projector.page.locator("#live-vote-list > li", has_text="Rust")).to_contain_text("2")
    # Once the votes are shown, the most dots come first on every screen.
    for screen in everyone:
        results = screen.page.locator("#live-vote-list > li")
        expect(results.first).to_contain_text("Tijd")
        expect(results.first).to_contain_text("3 stippen")
    expect(phones[2].page.locator("#live-vote-list .live-bar").first).to_be_visible()

    # A card from a deck: everyone sees the same card.
    next_phase(console, everyone, "Kaart trekken")
    console.page.locator("#live-draw").click()
    card = projector.page.locator("#live-card-list .live-card__text")
    expect(card).to_have_count(1)
    expect(phones[0].page.locator("#live-card-list .live-card__text")).to_have_text(
        card.inner_text()
    )
    assert_projector_size(projector, "#live-card-list .live-card__text", 1.4)

    # Pairs: three people make one trio; every phone names its partners.
    next_phase(console, everyone, "In tweetallen")
    expect(console.button("pairs.form")).to_have_text("Tweetallen vormen")
    expect(phones[0].page.locator("#live-groups-heading")).to_have_text("Tweetallen")
    console.button("pairs.form").click()
    for phone in phones:
        expect(phone.page.locator("#live-my-group")).to_be_visible()
    expect(projector.page.locator("#live-group-list li")).to_have_count(1)
    console.button("pairs.switch").click()
    assert_accessible(phones[0].page, "a phone in a pair")

    # Consent: a proposal, answers with a reason, counts for the room, reasons on closing.
    next_phase(console, everyone, "Besluiten")
    for screen in (projector, *phones):  # before the proposal: a word, not an empty panel
        expect(screen.page.locator("#live-consent-none")).to_have_text(re.compile("Nog geen"))
    console.page.locator("#live-consent-text").fill("We beginnen elke les met twee minuten stilte.")
    console.page.locator("#live-consent-form button[type=submit]").click()
    for screen in (projector, *phones):
        expect(screen.page.locator("#live-consent-none")).to_be_hidden()
    for phone, answer in zip(phones, ("agree", "agree", "objection"), strict=True):
        phone.page.locator(f'#live-consent-list input[type=radio][value="{answer}"]').check()
        if answer == "objection":
            phone.page.locator("#live-consent-list textarea").fill("Te weinig tijd")
        phone.page.locator(".live-consent__form button[type=submit]").click()
        expect(phone.page.locator('#live-consent-list [data-slot="answered"]')).to_be_visible()
    assert_projector_size(projector, "#live-consent-list .live-consent__text", 1.1)
    counts = projector.page.locator('#live-consent-list [data-slot="counts"]')
    expect(counts).to_contain_text("2")
    console.page.locator('#live-consent-list [data-slot="close"]').click()
    reasons = console.page.locator('#live-consent-list [data-slot="reasons"]')
    expect(reasons).to_contain_text("Te weinig tijd")
    for name in (t["name"] for t in teachers):
        expect(reasons).not_to_contain_text(name)
        expect(projector.page.locator("#live-consent")).not_to_contain_text(name)

    # Capture: an insight and an action point with an owner and a due date.
    console.page.locator("#live-capture-text").fill("Stilte helpt het begin")
    console.page.locator("#live-capture form button[type=submit]").click()
    console.page.locator("#live-capture-kind").select_option("action")
    console.page.locator("#live-capture-text").fill("Stilte uitproberen in 2B")
    console.page.locator("#live-capture-owners-list label", has_text=teachers[1]["name"]).click()
    console.page.locator("#live-capture-due").fill("2027-03-01")
    console.page.locator("#live-capture form button[type=submit]").click()
    for phone in phones:
        captured = phone.page.locator("#live-captured")
        expect(captured).to_contain_text("Stilte helpt het begin")
        expect(captured).to_contain_text("Stilte uitproberen in 2B")
        expect(captured).to_contain_text(teachers[1]["name"])
        expect(captured).to_contain_text("uiterlijk 1 maart 2027")  # a date as people write it
    assert_accessible(console.page, "the console with consent and capture")
    assert_accessible(projector.page, "the projector with consent")
    assert_accessible(phones[2].page, "a phone after the consent check")


def test_world_cafe_three_rounds_and_a_latecomer(browser, server, screens):  # noqa: F811
    teachers = server.data["teachers"]
    console, projector, phones = open_room(
        browser, server, server.data["cafe"], teachers[:4], screens
    )
    for host in teachers[:2]:
        row = console.page.locator("#live-people li", has_text=host["name"])
        row.locator('button[data-role="table_host"]').click()
        expect(row.locator('button[data-role="table_host"]')).to_have_attribute(
            "aria-pressed", "true"
        )
    console.button("room.start").click()
    next_phase(console, (console, projector, *phones), "Aan tafel")
    console.button("tables.assign").click()
    for phone in phones:
        expect(phone.page.locator("#live-my-table")).to_have_attribute("data-round", "1")
    for host in phones[:2]:
        expect(host.page.locator("#live-my-table")).to_have_attribute("data-host", "yes")
    expect(projector.page.locator("#live-table-list li")).to_have_count(2)
    # Two tables for four: each traveller sits with a host alone, said without an empty "with".
    for phone in phones[2:]:
        expect(phone.page.locator("#live-my-table")).to_have_text(
            re.compile(r"^Ronde 1: tafel [12]\. Tafelhost: [^—]+\.$")
        )

    # A note at the table: the tablemate sees it, the other table does not.
    write_note(phones[0], "Onze tafel: meer samenwerken")
    expect(console.page.locator("#live-notes-list")).to_contain_text("meer samenwerken")
    expect(projector.page.locator("#live-notes-list")).to_contain_text("meer samenwerken")
    seen = [
        "meer samenwerken" in phone.page.locator("#live-notes").inner_text()
        if phone.page.locator("#live-notes").is_visible()
        else False
        for phone in phones
    ]
    assert seen.count(True) == 2, seen

    # A latecomer is seated without moving anyone.
    before = [phone.page.locator("#live-my-table").get_attribute("data-table") for phone in phones]
    late = open_screen(
        browser, server, teachers[4], reverse("live:participant", args=[server.data["cafe"]]), 390
    )
    screens.append(late)
    expect(late.page.locator("#live-my-table")).to_have_attribute("data-round", "1")
    for phone, table in zip(phones, before, strict=True):
        expect(phone.page.locator("#live-my-table")).to_have_attribute("data-table", table)
    # The latecomer's tablemates hear who joined them, before the next round is news.
    seat = late.page.locator("#live-my-table").get_attribute("data-table")
    for phone, table in zip(phones, before, strict=True):
        if table == seat:
            mine = phone.page.locator("#live-my-table")
            expect(mine).to_contain_text(teachers[4]["name"])
            expect(phone.page.locator("#live-announce")).to_have_text(mine.inner_text())

    for number in (2, 3):
        console.button("tables.next").click()
        for phone in (*phones, late):
            table = phone.page.locator("#live-my-table")
            expect(table).to_have_attribute("data-round", str(number))
            # A screen reader hears the new table without looking for it.
            expect(phone.page.locator("#live-announce")).to_have_text(table.inner_text())
    expect(console.button("tables.next")).to_have_count(0)
    assert_accessible(late.page, "a latecomer's phone at a table")
    assert_accessible(projector.page, "the projector with the tables")
    assert_accessible(console.page, "the console with the tables")


def test_a_phone_whose_seat_starts_leading_stops_voting(browser, server, screens):  # noqa: F811
    """A teacher made the facilitator in planning while the room runs leads from then on;
    their phone, which knows its own seat from the state it got on joining, hears that
    from the `joined` event about that seat and stops offering dots at once, no reload."""
    teachers = server.data["teachers"][:2]
    session_id = server.data["handover"]
    console, _, phones = open_room(browser, server, session_id, teachers, screens)
    console.button("room.start").click()
    for phone in phones:
        expect(phone.page.locator("#live-phase-title")).to_have_text("Stemmen")
        expect(phone.page.locator("#live-dots-left")).to_be_visible()

    planning = browser.new_context(base_url=server.url, locale="nl-NL")
    planning.set_default_timeout(TIMEOUT_MS)
    try:
        page = planning.new_page()
        log_in(page, SimpleNamespace(email=server.data["facilitator"]["email"]))
        page.goto(reverse("planning:session_edit", args=[session_id]))
        page.get_by_label("Gespreksleider").select_option(label=teachers[0]["name"])
        page.get_by_role("button", name="Opslaan en de deelnemers laten weten").click()
        expect(page.locator(".messages")).to_be_visible()
    finally:
        planning.close()

    expect(phones[0].page.locator("#live-dots-left")).to_be_hidden()
    expect(phones[0].page.locator("#live-phase-title")).to_have_text("Stemmen")
    expect(phones[1].page.locator("#live-dots-left")).to_be_visible()


def test_open_dialogues_with_and_without_talk_time(browser, server, screens):  # noqa: F811
    """The work form turned "Track talk time" off for the first dialogue: the console offers
    no "Speaks now" there, but gives a raised hand the word from the queue, in any order
    and by keyboard (the focus goes on to the next hand); the next dialogue tracks talk
    time again. In a dialogue a phone raises a hand: every screen lists it; whoever the
    console marks as speaking leaves the queue."""
    teachers = server.data["teachers"][:2]
    console, projector, phones = open_room(browser, server, server.data["quiet"], teachers, screens)
    speaks = console.page.locator('#live-people button[data-action="talk.start"]:visible')
    expect(speaks).to_have_count(3)  # before the start: any phase may use it
    console.button("room.start").click()
    expect(console.page.locator("#live-phase-title")).to_have_text("Zonder spreektijd")
    expect(speaks).to_have_count(0)
    first, second = phones
    for phone in (first, second):
        phone.page.get_by_role("button", name="Steek je hand op").click()
    queue = projector.page.locator("#live-queue-list li")
    expect(queue).to_have_text([teachers[0]["name"], teachers[1]["name"]])
    expect(projector.page.locator("#live-queue-list button")).to_have_count(0)
    hands = console.page.locator("#live-queue-list li")
    later = hands.filter(has_text=teachers[1]["name"]).get_by_role("button")
    expect(later).to_have_accessible_name(f"Het woord geven ({teachers[1]['name']})")
    assert_accessible(console.page, "the console with two hands up")
    later.focus()
    console.page.keyboard.press("Enter")  # the second hand first: the chair decides
    expect(queue).to_have_text([teachers[0]["name"]])
    expect(second.page.get_by_role("button", name="Steek je hand op")).to_be_visible()
    expect(hands.get_by_role("button")).to_be_focused()  # on to the next hand
    console.page.keyboard.press("Enter")
    expect(projector.page.locator("#live-queue")).to_be_hidden()
    expect(console.page.locator("#live-phase-title")).to_be_focused()
    console.button("phase.next").click()
    expect(console.page.locator("#live-phase-title")).to_have_text("Met spreektijd")
    expect(speaks).to_have_count(3)
    for phone in (second, first):  # the second teacher's hand goes up first
        phone.page.get_by_role("button", name="Steek je hand op").click()
    queue = projector.page.locator("#live-queue-list li")
    expect(queue).to_have_text([teachers[1]["name"], teachers[0]["name"]])
    expect(first.page.get_by_role("button", name="Laat je hand zakken")).to_be_visible()
    expect(console.page.locator("#live-hand")).to_be_hidden()  # the chair gives the floor
    assert_accessible(first.page, "a phone with its hand up")
    row = console.page.locator("#live-people li", has_text=teachers[1]["name"])
    row.locator('button[data-action="talk.start"]').click()
    expect(queue).to_have_text([teachers[0]["name"]])
    first.page.get_by_role("button", name="Laat je hand zakken").click()
    expect(projector.page.locator("#live-queue")).to_be_hidden()


def test_3xw_notes_answer_one_question_each(browser, server, screens):  # noqa: F811
    """3xW feedback: the note form asks which question a note answers (the one whose two
    minutes run now is chosen); once shown, the notes come in the order of the questions,
    each labelled with its question."""
    teachers = server.data["teachers"][:2]
    console, projector, phones = open_room(
        browser, server, server.data["feedback"], teachers, screens
    )
    console.button("room.start").click()
    first, second = phones
    questions = first.page.locator("#live-note-prompt")
    expect(questions.get_by_role("radio", name="Wat ging goed?")).to_be_checked()  # minute 0
    for phone, choice, text in (
        (first, "Wat neem je mee?", "Vaker samen kijken"),
        (second, "Wat kan beter?", "Korter vergaderen"),
        (first, None, "Goede voorbereiding"),
    ):
        if choice:
            phone.page.locator("#live-note-prompt").get_by_role("radio", name=choice).check()
        else:  # the choice stays where one put it
            expect(phone.page.get_by_role("radio", name="Wat neem je mee?")).to_be_checked()
            phone.page.get_by_role("radio", name="Wat ging goed?").check()
        phone.page.locator("#live-note-text").fill(text)
        phone.page.locator("#live-note-form button[type=submit]").click()
    assert_accessible(first.page, "a phone writing 3xW feedback")
    console.button("notes.reveal").click()
    notes = projector.page.locator("#live-notes-list li")
    expect(notes).to_have_count(3)
    expect(notes.locator(".live-note__text")).to_have_text(
        ["Goede voorbereiding", "Korter vergaderen", "Vaker samen kijken"]
    )
    expect(notes.locator(".live-note__prompt")).to_have_text(
        ["Wat ging goed?", "Wat kan beter?", "Wat neem je mee?"]
    )
    assert_accessible(projector.page, "the projector with 3xW notes")


def test_a_reflection_is_written_where_only_its_writer_reads_it(browser, server, screens):  # noqa: F811
    """No note for the room in a reflection phase: each phone points to its own reflection
    page, in the work form's reflection form (STARR(T) here)."""
    teachers = server.data["teachers"][:1]
    console, projector, phones = open_room(
        browser, server, server.data["reflect"], teachers, screens
    )
    console.button("room.start").click()
    phone = phones[0].page
    expect(phone.locator("#live-reflection")).to_be_visible()
    expect(phone.locator("#live-note-form")).to_be_hidden()
    expect(projector.page.locator("#live-note-count")).to_be_hidden()
    link = phone.get_by_role("link", name="Schrijf je reflectie (opent in een nieuw tabblad)")
    expect(link).to_have_attribute("href", re.compile(r"/reflect/\?form=starrt$"))
    assert_accessible(phone, "a phone in a reflection phase")
    with phone.context.expect_page() as opened:
        link.click()
    page = opened.value
    page.wait_for_load_state()
    expect(page.locator("input[name=form][value=starrt]")).to_have_count(1)
    page.close()

    # A quality check: the work form's questionnaire, on its own page.
    console.button("phase.next").click()
    expect(phone.locator("#live-reflection")).to_be_hidden()
    scan = phone.get_by_role("link", name="Vul de dialoogscan in (opent in een nieuw tabblad)")
    expect(scan).to_have_attribute("href", re.compile(r"/quality/$"))
    expect(phone.locator("#live-quality-safety")).to_be_hidden()
    assert_accessible(phone, "a phone in a quality check")
    # The end: the way to feedback, the scan and a reflection of one's own.
    console.page.locator("#live-end").click()
    console.button("room.end").click()
    after = phone.locator("#live-after a")
    expect(after).to_have_count(3)
    for link in after.all():
        response = phone.request.get(link.get_attribute("href"))
        assert response.status == 200, (link.get_attribute("href"), response.status)
    assert_accessible(phone, "a phone after the end")
    # The console has nothing left to run and points to the report; nobody joins any more.
    for gone in ("#live-controls", "#live-join", "#live-end-panel"):
        expect(console.page.locator(gone)).to_be_hidden()
    roles = console.page.locator('#live-people button[data-action="role.assign"]:visible')
    expect(roles).to_have_count(0)
    expect(projector.page.locator("#live-join")).to_be_hidden()
    assert_accessible(console.page, "the console after the end")
    assert_accessible(projector.page, "the projector after the end")
    report = console.page.get_by_role("link", name="Het verslag maken")
    assert phone.request.get(report.get_attribute("href")).status == 404  # not published yet
    report.click()
    expect(console.page.get_by_role("heading", level=1)).to_contain_text("Verslag")
    assert_accessible(console.page, "the report a console leads to")


def test_a_proposed_step_becomes_an_action_point(browser, server, screens):  # noqa: F811
    """In a phase for action points the console turns a note into one: the capture form
    gets its text (and the focus); the facilitator adds an owner and saves."""
    teachers = server.data["teachers"][:1]
    console, _, phones = open_room(browser, server, server.data["follow"], teachers, screens)
    console.button("room.start").click()
    write_note(phones[0], "Oudergesprek plannen voor de kerst")
    note = console.page.locator("#live-notes-list li", has_text="Oudergesprek plannen")
    note.get_by_role("button", name=re.compile("Vastleggen als actiepunt")).click()
    expect(console.page.locator("#live-capture-kind")).to_have_value("action")
    text = console.page.locator("#live-capture-text")
    expect(text).to_have_value("Oudergesprek plannen voor de kerst")
    expect(text).to_be_focused()
    owners = console.page.locator("#live-capture-owners-list")
    owners.get_by_label(teachers[0]["name"]).check()
    console.page.locator("#live-capture-form button[type=submit]").click()
    expect(phones[0].page.locator("#live-captured-action-list")).to_contain_text(
        "Oudergesprek plannen voor de kerst"
    )
    assert_accessible(console.page, "the console in a phase for action points")


# --- By keyboard alone ---------------------------------------------------------------------

FOCUSED = """() => {
    const e = document.activeElement;
    const text = (e.innerText || e.value || "").trim();
    return `${e.tagName.toLowerCase()}#${e.id} ${text}`.slice(0, 60);
}"""


def tab_to(screen: Screen, target, limit: int = 15) -> int:
    """Move the focus to `target` as a keyboard user does: Tab if it lies ahead of the
    focus, Shift+Tab if behind; returns how many presses that took. Fails, naming what
    got the focus on the way, when it takes more than `limit`: then the control cannot
    be reached without a mouse, or the focus was lost after the last step (the most
    this session takes is 12, for "Start" from the top of the page)."""
    handle = target.element_handle()
    where = "t => document.activeElement === t ? 0 : "
    where += "(document.activeElement.compareDocumentPosition(t) & 2) ? -1 : 1"
    direction = screen.page.evaluate(where, handle)
    key = "Shift+Tab" if direction < 0 else "Tab"
    passed = []
    for presses in range(limit + 1):
        if screen.page.evaluate("t => document.activeElement === t", handle):
            return presses
        screen.page.keyboard.press(key)
        passed.append(screen.page.evaluate(FOCUSED))
    pytest.fail(f"{key} did not reach {target} in {limit} presses; it went past: {passed}")


def press(screen: Screen, target, key: str = "Enter") -> None:
    tab_to(screen, target)
    screen.page.keyboard.press(key)


def type_in(screen: Screen, target, text: str) -> None:
    tab_to(screen, target)
    screen.page.keyboard.type(text)


def choose(screen: Screen, select, label: str) -> None:
    """A closed select answers the arrow keys: down until `label` is chosen."""
    tab_to(screen, select)
    for _ in range(select.locator("option").count()):
        if select.evaluate("s => s.options[s.selectedIndex]?.text") == label:
            return
        screen.page.keyboard.press("ArrowDown")
    expect(select.locator("option:checked")).to_have_text(label)


def test_a_session_runs_by_keyboard_alone(browser, server, screens):  # noqa: F811
    """The console and two phones driven only by Tab, Enter, Space, arrow keys and typing:
    writing, themes, a vote, a speaking round with a pass, positions, a consent check with
    a reason and an action point. Every control is reached by Tab and works from the
    keyboard."""
    teachers = server.data["teachers"][:2]
    console, projector, phones = open_room(browser, server, server.data["keys"], teachers, screens)
    first, second = phones
    press(console, console.button("room.start"))
    for phone, text in ((first, "Meer rust"), (second, "Meer tijd")):
        type_in(phone, phone.page.locator("#live-note-text"), text)
        press(phone, phone.page.locator("#live-note-form button[type=submit]"))
    expect(console.page.locator("#live-notes-list li")).to_have_count(2)

    press(console, console.button("phase.next"))
    expect(first.page.locator("#live-phase-title")).to_have_text("Ordenen")
    press(console, console.button("notes.reveal"))
    for title in ("Rust", "Tijd"):
        type_in(console, console.page.locator("#live-theme-title"), title)
        console.page.keyboard.press("Enter")  # Enter in a text field sends its form
        expect(projector.page.locator("#live-theme-list")).to_contain_text(title)
    for note, theme in (("Meer rust", "Rust"), ("Meer tijd", "Tijd")):
        choose(console, console.page.locator("#live-cluster-note"), note)
        choose(console, console.page.locator("#live-cluster-theme"), theme)
        press(console, console.page.locator("#live-cluster-form button[type=submit]"))
        expect(projector.page.locator("#live-theme-list")).to_contain_text(note)

    press(console, console.button("phase.next"))
    for phone in phones:
        option = phone.page.locator("#live-vote-list > li", has_text="Tijd")
        press(phone, option.locator('button[data-vote="vote.add"]'))
        expect(option.locator(".live-vote-option__mine")).to_contain_text("1")
    press(console, console.button("votes.reveal"))
    expect(projector.page.locator("#live-vote-list > li").first).to_contain_text("2")

    press(console, console.button("phase.next"))
    press(console, console.button("round.start"))
    now = projector.page.locator("#live-order li[aria-current]")
    expect(now).to_have_count(1)
    speaker = now.inner_text()
    turn = next(p for p, t in zip(phones, teachers, strict=True) if t["name"] in speaker)
    press(turn, turn.page.locator("#live-pass"))
    expect(now).not_to_have_text(speaker)
    press(console, console.button("turn.next"))
    expect(now).to_have_count(0)

    press(console, console.button("phase.next"))
    for phone, position in ((first, "A"), (second, "B")):
        button = phone.page.locator("#live-position-buttons button").filter(
            has_text=re.compile(rf"\b{position}$")
        )
        press(phone, button)
        expect(button).to_have_attribute("aria-pressed", "true")

    press(console, console.button("phase.next"))
    type_in(console, console.page.locator("#live-consent-text"), "We starten met stilte.")
    press(console, console.page.locator("#live-consent-form button[type=submit]"))
    for phone, answer in ((first, "agree"), (second, "objection")):
        radios = phone.page.locator("#live-consent-list input[type=radio]")
        tab_to(phone, radios.first)  # the group takes one Tab; its arrows choose
        wanted = phone.page.locator(f'#live-consent-list input[type=radio][value="{answer}"]')
        for _ in range(radios.count()):
            if wanted.is_checked():
                break
            phone.page.keyboard.press("ArrowDown")
        expect(wanted).to_be_checked()
        if answer == "objection":
            type_in(phone, phone.page.locator("#live-consent-list textarea"), "Te kort dag")
        press(phone, phone.page.locator(".live-consent__form button[type=submit]"))
        expect(phone.page.locator('#live-consent-list [data-slot="answered"]')).to_be_visible()
    press(console, console.page.locator('#live-consent-list [data-slot="close"]'))
    expect(console.page.locator('#live-consent-list [data-slot="reasons"]')).to_contain_text(
        "Te kort dag"
    )

    # An action point: a kind from a select, an owner ticked with Space. (The date field
    # is the browser's own; the order of its parts follows the browser's language.)
    choose(console, console.page.locator("#live-capture-kind"), "Actiepunt")
    type_in(console, console.page.locator("#live-capture-text"), "Stilte proberen")
    owner = console.page.locator("#live-capture-owners-list").get_by_label(teachers[1]["name"])
    press(console, owner, "Space")
    expect(owner).to_be_checked()
    press(console, console.page.locator("#live-capture-form button[type=submit]"))
    captured = first.page.locator("#live-captured-action-list")
    expect(captured).to_contain_text("Stilte proberen")
    expect(captured).to_contain_text(teachers[1]["name"])


def test_a_full_rooms_owners_are_found_with_a_filter(browser, server, screens):  # noqa: F811
    """Fourteen people in the room: the console's list of owners gets a filter (accents
    folded: "eelders" finds "Eëlders"); a ticked owner stays in view whatever is typed; the
    next action point starts from the whole list again."""
    console, _, _ = open_room(browser, server, server.data["full"], [], screens)
    press(console, console.button("room.start"))
    page = console.page
    # Past the fourteen rows of people in one step: the console's own jump links.
    press(
        console,
        page.get_by_role("navigation", name="Panelen van de console").get_by_role(
            "link", name="Vastleggen"
        ),
    )
    choose(console, page.locator("#live-capture-kind"), "Actiepunt")
    owners = page.locator("#live-capture-owners-list label.choice")
    expect(owners).to_have_count(15)  # the fourteen and the facilitator
    search = page.get_by_label("Zoek in de lijst")
    expect(search).to_be_visible()
    type_in(console, search, "eelders")
    expect(owners.filter(visible=True)).to_have_text(["Collega Eëlders"])
    expect(page.locator("#live-capture-owners-count")).to_have_text(
        "1 van 15 getoond; aangevinkte blijven in de lijst."
    )
    press(console, page.get_by_label("Collega Eëlders"), "Space")
    search.fill("Bl")
    expect(owners.filter(visible=True)).to_have_text(["Collega Blders", "Collega Eëlders"])
    type_in(console, page.locator("#live-capture-text"), "Roosters afstemmen")
    press(console, page.locator("#live-capture-form button[type=submit]"))
    expect(page.locator("#live-captured-action-list")).to_contain_text("Collega Eëlders")
    expect(search).to_have_value("")
    expect(owners.filter(visible=True)).to_have_count(15)
    assert_accessible(page, "the console with a filter over its owners")


def test_a_screen_reader_hears_what_others_change(browser, server, screens):  # noqa: F811
    """What the facilitator changes reaches a phone's screen reader without moving its
    focus (WCAG 4.1.3): a polite live region says the new phase, a pause and its end, the
    phase's time running out, one's own turn, and the end. Nothing on arrival: the page
    itself is read then."""
    teachers = server.data["teachers"][:2]
    console, _, phones = open_room(browser, server, server.data["heard"], teachers, screens)
    # The first phone's clock can be wound on (the ten minutes of the phase).
    phones[0].page.clock.install()
    phones[0].page.reload()
    expect(phones[0].page.locator("#live-status")).to_have_attribute("data-state", "connected")
    news = [phone.page.locator("#live-announce") for phone in phones]
    for region in news:
        expect(region).to_have_attribute("aria-live", "polite")
        expect(region).to_have_text("")
    console.button("room.start").click()
    for region in news:
        expect(region).to_have_text("Fase 1 van 2: Uitleg.")
    console.button("phase.pause").click()
    for region in news:
        expect(region).to_have_text("De fase is gepauzeerd.")
    console.button("phase.resume").click()
    for region in news:
        expect(region).to_have_text("De fase gaat verder.")
    phones[0].page.clock.fast_forward("10:01")
    expect(phones[0].page.locator("#live-time-up")).to_be_visible()
    expect(news[0]).to_have_text("De tijd voor deze fase is om.")
    expect(news[1]).to_have_text("De fase gaat verder.")  # its ten minutes are not over
    console.button("phase.next").click()
    for region in news:
        expect(region).to_have_text("Fase 2 van 2: Rondje.")
    console.button("round.start").click()
    now = console.page.locator("#live-order li[aria-current]")
    expect(now).to_have_count(1)
    first = next(i for i, t in enumerate(teachers) if t["name"] in now.inner_text())
    expect(news[first]).to_have_text("Je bent aan de beurt.")
    expect(news[1 - first]).to_have_text("Fase 2 van 2: Rondje.")
    phones[first].page.locator("#live-pass").click()
    expect(news[1 - first]).to_have_text("Je bent aan de beurt.")
    console.page.locator("#live-end").click()
    console.button("room.end").click()
    for region in news:
        expect(region).to_have_text("De sessie is afgelopen.")


def test_the_projector_gives_a_running_phase_the_screen(browser, server, screens):  # noqa: F811
    """On a beamer of 1280 × 720 a running phase has the screen: the way to join (address,
    code, QR code) shrinks to a band for whoever comes late, and what the phase shows, here
    the speaking order, stands beside the phase. All of it in view without scrolling."""
    session_id = server.data["beamer"]
    boss = server.data["facilitator"]
    for teacher in server.data["teachers"][:3]:
        screens.append(
            open_screen(
                browser, server, teacher, reverse("live:participant", args=[session_id]), 390
            )
        )
    console = open_screen(browser, server, boss, reverse("live:console", args=[session_id]))
    projector = open_screen(
        browser, server, boss, reverse("live:projector", args=[session_id]), 1280, 720
    )
    screens.extend([console, projector])
    page = projector.page
    qr = page.locator(".projector__qr svg")
    waiting_qr = qr.bounding_box()["width"]

    console.button("room.start").click()
    expect(page.locator("#live-phase-title")).to_have_text("Uitleg")
    # Nothing beside the phase: it keeps the whole width.
    assert page.locator("#live-phase").bounding_box()["width"] > 0.9 * 1280 - 100

    next_phase(console, (console, projector), "Rondje")
    console.button("round.start").click()
    expect(page.locator("#live-order li")).to_have_count(3)
    for part in (
        "#live-phase-title",
        "#live-timer",
        "#live-order",
        ".live-code",
        ".projector__url",
    ):
        expect(page.locator(part)).to_be_in_viewport(ratio=1)
    expect(qr).to_be_in_viewport(ratio=1)
    assert qr.bounding_box()["width"] < waiting_qr
    phase_box = page.locator("#live-phase").bounding_box()
    order_box = page.locator("#live-round").bounding_box()
    assert order_box["x"] >= phase_box["x"] + phase_box["width"], (phase_box, order_box)
    assert_accessible(page, "the projector on a beamer, a round beside its phase")


def test_a_note_is_taken_back_before_it_is_shown(browser, server, screens):  # noqa: F811
    """Anonymous silent writing: a phone takes one of its notes back (by keyboard) before
    the reveal; the console no longer lists it, the room counts one note less, and the
    reveal shows only the note that stayed. Once shown, nothing is taken back."""
    teachers = server.data["teachers"][:2]
    console, projector, phones = open_room(
        browser, server, server.data["regret"], teachers, screens
    )
    writer, other = phones
    console.button("room.start").click()
    for text in ("Oeps, verkeerd", "Dit blijft staan"):
        write_note(writer, text)
    expect(console.page.locator("#live-notes-list li")).to_have_count(2)
    expect(other.page.locator("#live-note-count")).to_contain_text("2")
    mine = writer.page.locator("#live-mine-list li")
    expect(mine).to_have_count(2)
    assert_accessible(writer.page, "a phone with notes it can take back")
    back = writer.page.get_by_role("button", name=re.compile(r"^Terugnemen\W+Oeps, verkeerd$"))
    back.focus()
    writer.page.keyboard.press("Enter")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Dit blijft staan")
    expect(console.page.locator("#live-notes-list li")).to_have_count(1)
    expect(console.page.locator("#live-notes-list")).not_to_contain_text("Oeps")
    expect(other.page.locator("#live-note-count")).to_contain_text("1")
    console.button("notes.reveal").click()
    for screen in (projector, other, writer):
        expect(screen.page.locator("#live-notes-list li")).to_have_text(["Dit blijft staan"])
    expect(writer.page.get_by_role("button", name="Terugnemen")).to_have_count(0)
