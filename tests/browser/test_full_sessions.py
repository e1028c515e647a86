"""Two whole sessions run end to end as a new user would: the facilitator's console, a
projector and six participants' phones, each in its own browser context, on a real uvicorn
server (the pattern of test_room_kinds.py with its own seed).

1. The incident method (short variant, from the library): look back with the review and a
   captured insight; a round of short cases (someone passes); a dot vote over the cases the
   console adds, hidden until the reveal; a case owner; a round of questions with talk time;
   trios (the case owner listens); a round of advice; an action point with an owner and a
   due date; the end, and what the database keeps afterwards.
2. A World Café with three table rounds: two table hosts chosen on the console, tables set,
   hosts staying and travellers meeting new people, a note per table per round that only
   that table (and the console and projector) sees, the harvest round, themes and sorting,
   the end.
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.live_screens import seeded_server
from tests.browser.test_live_room import (
    screens,  # noqa: F401  (the fixture)
    write_note,
)
from tests.browser.test_pages_axe import assert_accessible
from tests.browser.test_room_kinds import open_room
from tests.live_server_util import (
    ROOT,
    SCHOOL_SEED,
)

pytestmark = pytest.mark.browser

SEED = (
    SCHOOL_SEED
    + r"""


facilitator, teachers, group = section(6)
today = date.today()
cycle = Cycle.objects.create(
    school=school, group=group, title="Intervisie", goal="Van elkaar leren",
    period_start=today - timedelta(days=60), period_end=today + timedelta(days=60),
    start_time="15:30", facilitator=facilitator,
)
earlier = Session.objects.create(
    school=school, group=group, cycle=cycle, facilitator=facilitator, title="Vorige intervisie",
    starts_at=timezone.now() - timedelta(days=21),
)
action_add(session=earlier, by=facilitator, text="Vaste plek bij de deur proberen",
           owners=[teachers[3]], due_date=today)


def session(title, slug, **extra):
    snapshot = snapshot_take(method=Method.objects.get(slug=slug, school__isnull=True))
    for phase in snapshot.data["phases"]:
        if phase["kind"] == "tables":
            phase["settings"]["rounds"] = 3  # three rounds, whatever the library says
    snapshot.save()
    made = Session.objects.create(
        school=school, group=group, title=title, facilitator=facilitator,
        starts_at=timezone.now(), duration_minutes=60, method_snapshot=snapshot,
        created_by=facilitator, **extra,
    )
    return {
        "id": made.pk,
        "phases": [
            {"kind": p["kind"], "title": p["title_nl"], "purpose": p.get("purpose_nl") or "",
             "settings": p.get("settings") or {}, "silent": p.get("silent") or []}
            for p in snapshot.data["phases"]
        ],
    }


print(json.dumps({
    "incident": session("Intervisie: lastige momenten", "incident-method-60", cycle=cycle),
    "cafe": session("World Café: samen leren", "world-cafe"),
    "facilitator": {"email": facilitator.email, "name": facilitator.name},
    "teachers": [{"email": t.email, "name": t.name} for t in teachers],
}))
"""
)

# Read back what the database holds once a room has ended.
OUTCOME = r"""
import json
import sys

import django

django.setup()

from samenspraak.followup.models import ActionPoint, Insight
from samenspraak.live.models import Contribution, Room
from samenspraak.planning.models import Session

session = Session.objects.get(pk=int(sys.argv[1]))
room = Room.objects.get(session=session)
print(json.dumps({
    "status": session.status,
    "room_status": room.status,
    "talk_distribution": room.talk_distribution,
    "talk_time": room.talk_time,
    "dots": room.dots,
    "insights": list(Insight.objects.filter(session=session).values_list("text", flat=True)),
    "actions": [
        {"text": a.text, "owners": sorted(u.name for u in a.owners.all()),
         "due": a.due_date.isoformat() if a.due_date else None}
        for a in ActionPoint.objects.filter(session=session)
    ],
    "table_notes": sorted(
        [n.text, n.table, n.table_round]
        for n in Contribution.objects.filter(room=room, table__isnull=False)
    ),
}))
"""


@dataclass
class FullServer:
    url: str
    data: dict
    env: dict = field(repr=False)

    def outcome(self, session_id: int) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", OUTCOME, str(session_id)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[FullServer]:
    folder = tmp_path_factory.mktemp("full-sessions")
    with seeded_server(folder, "full-sessions", SEED) as (url, data, env):
        yield FullServer(url=url, data=data, env=env)


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Eight screens on a busy two-core machine: give each expectation the browser tests'
    own timeout instead of Playwright's 5 seconds, and put the default back afterwards."""
    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)


# --- Helpers ------------------------------------------------------------------------------


def to_phase(console, everyone, session: dict, index: int) -> None:
    """The console goes to phase `index` (the next one); every screen follows."""
    console.button("phase.next").click()
    title = session["phases"][index]["title"]
    purpose = session["phases"][index]["purpose"]  # what the phase is for, under its title
    total = len(session["phases"])
    assert purpose, f"phase {index} of the built-in work form has no purpose"
    for screen in everyone:
        expect(screen.page.locator("#live-phase-title")).to_have_text(title)
        expect(screen.page.locator("#live-purpose:visible")).to_have_text(purpose)
        expect(screen.page.locator("#live-phase-count")).to_contain_text(f"{index + 1}")
        expect(screen.page.locator("#live-phase-count")).to_contain_text(f"{total}")


def person_row(console, name: str):
    return console.page.locator("#live-people li", has_text=name)


def run_round(console, everyone, phones, *, passes: int | None = None, silent=()) -> None:
    """Start a fixed round and move the turns until everyone has had one. The phone at
    `passes` passes on its own turn; the others' turns end with "next speaker". Every
    screen shows who is still to speak after every turn."""
    console.button("round.start").click()
    count = len(phones)
    for screen in everyone:
        expect(screen.page.locator("#live-order li")).to_have_count(count)
        expect(screen.page.locator("#live-order li.live-turn--waiting")).to_have_count(count - 1)
    for turn, phone in enumerate(phones):
        for screen in everyone:
            now = screen.page.locator("#live-order li").nth(turn)
            expect(now).to_have_attribute("aria-current", "step")
            expect(screen.page.locator("#live-order li.live-turn--waiting")).to_have_count(
                count - turn - 1
            )
        if turn in silent:  # a silent role: no turn on the phone, the facilitator moves on
            expect(phone.page.locator("#live-silent")).to_be_visible()
            expect(phone.page.locator("#live-your-turn")).to_be_hidden()
            expect(phone.page.locator("#live-pass")).to_be_hidden()
        else:
            expect(phone.page.locator("#live-your-turn")).to_be_visible()
        for other in phones:
            if other is not phone:
                expect(other.page.locator("#live-your-turn")).to_be_hidden()
        if turn == passes:
            phone.page.locator("#live-pass").click()
            expect(phone.page.locator("#live-pass")).to_be_hidden()
        else:
            console.button("turn.next").click()
    for screen in everyone:
        expect(screen.page.locator("#live-order li.live-turn--waiting")).to_have_count(0)
        expect(screen.page.locator("#live-order li[aria-current]")).to_have_count(0)
        passed = screen.page.locator("#live-order li.live-turn--passed")
        expect(passed).to_have_count(1 if passes is not None else 0)
        expect(screen.page.locator("#live-order li.live-turn--done")).to_have_count(
            count - (1 if passes is not None else 0)
        )
    expect(console.button("turn.next")).to_have_count(0)


def clock_ticks(screen, ticks: int) -> None:
    """Let real time pass (talk time is counted in whole seconds) by watching the phase's
    clock change `ticks` times: at least ticks - 1 seconds."""
    clock = screen.page.locator("#live-timer")
    for _ in range(ticks):
        expect(clock).not_to_have_text(clock.inner_text())


def capture(console, kind: str, text: str, *, owner: str | None = None, due: str = "") -> None:
    console.page.locator("#live-capture-kind").select_option(kind)
    console.page.locator("#live-capture-text").fill(text)
    if owner:
        console.page.locator("#live-capture-owners-list label", has_text=owner).click()
        console.page.locator("#live-capture-due").fill(due)
    console.page.locator("#live-capture-form button[type=submit]").click()


def end_room(console, projector, phones) -> None:
    console.page.locator("#live-end").click()
    console.button("room.end").click()
    for screen in (console, projector, *phones):
        expect(screen.page.locator("#live-ended")).to_be_visible()
        expect(screen.page.locator("#live-phase")).to_be_hidden()
    for phone in phones:
        expect(phone.page.locator("#live-note-form")).to_be_hidden()
        expect(phone.page.locator("#live-your-turn")).to_be_hidden()


# --- The incident method ------------------------------------------------------------------


def test_a_whole_incident_method_session(browser, server, screens):  # noqa: F811
    session = server.data["incident"]
    kinds = [p["kind"] for p in session["phases"]]
    assert kinds == ["actions", "round", "dot_voting", "round", "pairs", "round", "actions"]
    teachers = server.data["teachers"]
    names = [t["name"] for t in teachers]
    console, projector, phones = open_room(browser, server, session["id"], teachers, screens)
    everyone = (console, projector, *phones)
    expect(console.page.locator("#live-people li")).to_have_count(7)

    # Waiting: the ground rules, and last time's open action point on every screen.
    for screen in everyone:
        expect(screen.page.locator("#live-review")).to_contain_text(
            "Vaste plek bij de deur proberen"
        )
    for screen in (projector, *phones):
        expect(screen.page.locator("#live-waiting")).to_be_visible()

    # 1. Look back: the facilitator captures what last time's advice brought.
    console.button("room.start").click()
    for screen in everyone:
        expect(screen.page.locator("#live-phase-title")).to_have_text(session["phases"][0]["title"])
    capture(console, "insight", "Een vaste plek bij de deur geeft rust bij binnenkomst")
    for screen in (projector, *phones):
        expect(screen.page.locator("#live-captured")).to_contain_text("vaste plek bij de deur")
    assert_accessible(console.page, "the console in the look-back phase")

    # 2. Short cases from everyone: a fixed round in the order of joining; Joris passes.
    to_phase(console, everyone, session, 1)
    run_round(console, everyone, phones, passes=2)
    assert_accessible(phones[0].page, "a phone after a round")

    # 3. Choose one case: the console adds the cases told as options; one dot each.
    to_phase(console, everyone, session, 2)
    cases = ["Telefoon in de les", "Ruzie na de pauze", "Ouder boos aan de deur"]
    for case in cases:
        console.page.locator("#live-option-title").fill(case)
        console.page.locator("#live-option-form button[type=submit]").click()
        expect(projector.page.locator("#live-vote-list > li", has_text=case)).to_be_visible()
    for phone in phones:
        expect(phone.page.locator("#live-vote-list > li")).to_have_count(3)
        expect(phone.page.locator("#live-dots-left")).to_contain_text("1")
        # No notes were written before: no "0 notes so far" under the vote.
        expect(phone.page.locator("#live-note-count")).to_be_hidden()
    add = 'button[data-vote="vote.add"]'
    choices = [cases[1], cases[1], cases[1], cases[0], cases[1], cases[2]]
    for phone, case in zip(phones, choices, strict=True):
        options = phone.page.locator("#live-vote-list > li")
        options.filter(has_text=case).locator(add).click()
        expect(phone.page.locator("#live-dots-left")).to_contain_text("0")
        for other in cases:  # the budget is spent: no second dot anywhere
            expect(options.filter(has_text=other).locator(add)).to_be_disabled()
    expect(projector.page.locator("#live-dots-placed")).to_contain_text("6")
    # Hidden until the reveal: no bars, no totals on the phones and the projector.
    for screen in (projector, *phones):
        expect(screen.page.locator("#live-vote-list .live-bar:visible")).to_have_count(0)
        expect(screen.page.locator("#live-vote-hidden")).to_be_visible()
        for total in screen.page.locator(".live-vote-option__total").all():
            expect(total).to_have_text("")
    # The facilitator alone sees the count while it is hidden.
    expect(console.page.locator("#live-vote-list .live-bar:visible")).to_have_count(3)
    expect(
        console.page.locator("#live-vote-list > li", has_text=cases[1]).locator(
            ".live-vote-option__total"
        )
    ).to_contain_text("4")
    assert_accessible(phones[3].page, "a phone after voting")
    console.button("votes.reveal").click()
    for screen in (projector, *phones):
        expect(screen.page.locator("#live-vote-list .live-bar:visible")).to_have_count(3)
        expect(
            screen.page.locator("#live-vote-list > li", has_text=cases[1]).locator(
                ".live-vote-option__total"
            )
        ).to_contain_text("4")
    for phone in phones:  # closed: no more voting
        expect(phone.page.locator(f"#live-vote-list {add}:visible")).to_have_count(0)
    assert_accessible(projector.page, "the projector with the vote's results")

    # The case's owner (Sanne) becomes the case owner.
    owner_index = 1
    owner, owner_name = phones[owner_index], names[owner_index]
    toggle = person_row(console, owner_name).locator('button[data-role="case_owner"]')
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(owner.page.locator("#live-your-role")).to_have_text("Jouw rol: inbrenger")

    # 4. Questions to the case owner, with her talk time measured; Noah passes.
    to_phase(console, everyone, session, 3)
    row = person_row(console, owner_name)
    row.locator('button[data-action="talk.start"]').click()
    expect(projector.page.locator("#live-talking")).to_contain_text(owner_name)
    run_round(console, everyone, phones, passes=4)
    clock_ticks(console, 3)  # however fast the round went: two seconds of her talking
    row.locator('button[data-action="talk.stop"]').click()
    expect(projector.page.locator("#live-talking")).to_be_hidden()
    expect(projector.page.locator("#live-shares li")).to_have_count(6)  # not the facilitator

    # 5. Analysis in trios: the case owner listens, so five people make a trio and a pair.
    to_phase(console, everyone, session, 4)
    assert session["phases"][4]["settings"]["group_size"] == 3
    expect(owner.page.locator("#live-silent")).to_be_visible()
    for phone in phones:
        if phone is not owner:
            expect(phone.page.locator("#live-silent")).to_be_hidden()
    expect(console.button("pairs.form")).to_have_text("Drietallen vormen")
    for screen in everyone:  # named for what the phase makes
        expect(screen.page.locator("#live-groups-heading")).to_have_text("Drietallen")
    console.button("pairs.form").click()
    expect(projector.page.locator("#live-group-list li")).to_have_count(2)
    expect(console.page.locator("#live-group-list li")).to_have_count(2)
    expect(console.button("pairs.switch")).to_have_count(0)  # switch_roles is off here
    partners: dict[str, set[str]] = {}
    for phone, name in zip(phones, names, strict=True):
        mine = phone.page.locator("#live-my-group")
        if phone is owner:
            expect(mine).to_be_hidden()
            continue
        expect(mine).to_be_visible()
        expect(phone.page.locator("#live-my-role")).to_be_hidden()
        text = mine.inner_text()
        partners[name] = {other for other in names if other != name and other in text}
        assert name not in text, text
        assert owner_name not in partners[name], (name, text)
    assert sorted(len(others) for others in partners.values()) == [1, 1, 2, 2, 2], partners
    for name, others in partners.items():  # the trios agree on who is with whom
        for other in others:
            assert partners[other] == ({name} | others) - {other}, partners
    assert_accessible(owner.page, "the case owner's phone in the trios")

    # 6. Advice: the case owner listens; the facilitator moves on at her place in the order.
    to_phase(console, everyone, session, 5)
    expect(owner.page.locator("#live-silent")).to_be_visible()
    expect(owner.page.locator("#live-your-role")).to_have_text("Jouw rol: inbrenger")
    for phone in phones:
        if phone is not owner:
            expect(phone.page.locator("#live-your-role")).to_be_hidden()
    expect(owner.page.locator("#live-note-form")).to_be_hidden()
    run_round(console, everyone, [phone for phone in phones if phone is not owner])
    expect(owner.page.locator("#live-your-turn")).to_be_hidden()

    # 7. Evaluation and follow-up: the case owner's next step, with a date.
    to_phase(console, everyone, session, 6)
    capture(
        console,
        "action",
        "Afspraken over telefoons met de klas maken",
        owner=owner_name,
        due="2027-03-01",
    )
    for screen in (projector, *phones):
        captured = screen.page.locator("#live-captured")
        expect(captured).to_contain_text("Afspraken over telefoons met de klas maken")
        expect(captured).to_contain_text(owner_name)
        expect(captured).to_contain_text("vaste plek bij de deur")
    expect(console.button("phase.next")).to_have_count(0)  # the last phase
    assert_accessible(console.page, "the console in the last phase")
    assert_accessible(projector.page, "the projector in the last phase")
    assert_accessible(phones[5].page, "a phone with what was captured")

    end_room(console, projector, phones)
    assert_accessible(phones[0].page, "a phone after the end")

    outcome = server.outcome(session["id"])
    assert outcome["status"] == "held", outcome
    assert outcome["room_status"] == "ended", outcome
    assert outcome["insights"] == ["Een vaste plek bij de deur geeft rust bij binnenkomst"]
    assert outcome["actions"] == [
        {
            "text": "Afspraken over telefoons met de klas maken",
            "owners": [owner_name],
            "due": "2027-03-01",
        }
    ]
    # Talk time is kept as shares only: numbers, no names, no participant ids.
    distribution = outcome["talk_distribution"]
    assert distribution == [1.0], distribution
    assert outcome["talk_time"] == {} and outcome["dots"] == {}, outcome
    stored = json.dumps(distribution)
    assert not any(name.split()[0] in stored for name in names)


# --- World Café ---------------------------------------------------------------------------


def seating(phones, names) -> dict[str, tuple[str, str]]:
    """(table, host) per person, read from each phone's data attributes."""
    return {
        name: (
            phone.page.locator("#live-my-table").get_attribute("data-table"),
            phone.page.locator("#live-my-table").get_attribute("data-host"),
        )
        for phone, name in zip(phones, names, strict=True)
    }


def test_a_whole_world_cafe_with_three_rounds(browser, server, screens):  # noqa: F811
    session = server.data["cafe"]
    kinds = [p["kind"] for p in session["phases"]]
    assert kinds == ["information", "tables", "round", "clustering"]
    tables_phase = session["phases"][1]["settings"]
    assert tables_phase["rounds"] == 3
    teachers = server.data["teachers"]
    names = [t["name"] for t in teachers]
    console, projector, phones = open_room(browser, server, session["id"], teachers, screens)
    everyone = (console, projector, *phones)

    # Two table hosts, chosen on the console before anything starts.
    hosts = names[:2]
    for host in hosts:
        toggle = person_row(console, host).locator('button[data-role="table_host"]')
        toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "true")
    # Who leads is marked so on the console and gets no role: they sit at no table.
    lead = person_row(console, server.data["facilitator"]["name"])
    expect(lead).to_contain_text("leidt de sessie")
    expect(lead.locator('button[data-action="role.assign"]:visible')).to_have_count(0)
    expect(lead.get_by_role("button", name="Spreekt nu")).to_be_visible()
    # A host's phone names the role all session long; a traveller's names none.
    for phone, name in zip(phones, names, strict=True):
        role = phone.page.locator("#live-your-role")
        if name in hosts:
            expect(role).to_have_text("Jouw rol: tafelhost")
        else:
            expect(role).to_be_hidden()

    console.button("room.start").click()
    for screen in everyone:
        expect(screen.page.locator("#live-phase-title")).to_have_text(session["phases"][0]["title"])
    assert_accessible(projector.page, "the projector with the café's context")

    to_phase(console, everyone, session, 1)
    for phone in phones:
        expect(phone.page.locator("#live-tables-none")).to_be_visible()
    console.button("tables.assign").click()

    size = tables_phase["table_size"]
    table_count = -(-len(phones) // size)
    host_tables: dict[str, str] = {}
    tablemates: list[dict[str, set[str]]] = []
    notes: list[tuple[str, str, str]] = []  # (text, table, writer) in this phase so far
    written_in: dict[str, int] = {}  # text -> round
    for round_ in (1, 2, 3):
        if round_ > 1:
            console.button("tables.next").click()
        for phone in phones:
            expect(phone.page.locator("#live-my-table")).to_have_attribute(
                "data-round", str(round_)
            )
        for screen in (console, projector):
            expect(screen.page.locator("#live-table-list li")).to_have_count(table_count)
            expect(screen.page.locator("#live-table-round")).to_contain_text(str(round_))
        seats = seating(phones, names)
        # The hosts are the ones chosen, and they stay at their table every round.
        assert sorted(n for n, (_, host) in seats.items() if host == "yes") == hosts, seats
        for host in hosts:
            host_tables.setdefault(host, seats[host][0])
            assert seats[host][0] == host_tables[host], (round_, seats)
        assert len(set(host_tables.values())) == 2
        at: dict[str, set[str]] = {}
        for name, (table, _) in seats.items():
            at.setdefault(table, set()).add(name)
        assert all(len(people) <= size for people in at.values()), at
        tablemates.append({name: at[seats[name][0]] - {name} for name in names})
        # Each phone names the people at its table (its text is translated: names only).
        for phone, name in zip(phones, names, strict=True):
            mine = phone.page.locator("#live-my-table")
            for other in tablemates[-1][name]:
                expect(mine).to_contain_text(other)
            for other in set(names) - tablemates[-1][name] - {name}:
                expect(mine).not_to_contain_text(other)

        # A note per table, written by a traveller there.
        for table, people in sorted(at.items()):
            writer = next(n for n in sorted(people) if n not in hosts)
            text = f"Tafel {table}, ronde {round_}: wat {writer.split()[0]} opviel"
            write_note(phones[names.index(writer)], text)
            notes.append((text, table, writer))
            written_in[text] = round_
            for screen in (console, projector):
                expect(screen.page.locator("#live-notes-list")).to_contain_text(text)
        # Every phone lists the notes of the table it sits at (of every round), no others;
        # a traveller's own notes from tables before stay on their phone, apart and
        # labelled with their table and round.
        for phone, name in zip(phones, names, strict=True):
            listed = phone.page.locator("#live-notes-list")
            shown = [text for text, table, _ in notes if table == seats[name][0]]
            for text in shown:
                expect(listed).to_contain_text(text)
            expect(listed.locator("li")).to_have_count(len(shown))
            for text, _, _ in notes:
                if text not in shown:
                    expect(listed).not_to_contain_text(text)
            earlier = phone.page.locator("#live-earlier-list li")
            own = [(t, table) for t, table, by in notes if by == name and t not in shown]
            expect(earlier).to_have_count(len(own))
            for text, table in own:
                label = f"Tafel {table}, ronde {written_in[text]}"
                expect(earlier.filter(has_text=text)).to_contain_text(label)
        for screen in (console, projector):
            expect(screen.page.locator("#live-notes-list li")).to_have_count(len(notes))
        if round_ == 1:
            assert_accessible(phones[2].page, "a traveller's phone at a table")
            assert_accessible(console.page, "the console with the tables")
    expect(console.button("tables.next")).to_have_count(0)
    expect(console.button("tables.assign")).to_have_count(0)

    # Hosts never meet each other; travellers never sit together twice (with two tables of
    # three and three rounds that is possible: every pair of travellers meets once).
    travellers = [n for n in names if n not in hosts]
    for a, b in combinations(names, 2):
        assert not (a in hosts and b in hosts and any(b in r[a] for r in tablemates))
    for a, b in combinations(travellers, 2):
        together = sum(b in r[a] for r in tablemates)
        assert together == 1, (a, b, tablemates)

    # The harvest: a round in which the table hosts report back (only they are in it).
    to_phase(console, everyone, session, 2)
    for phone, name in zip(phones, names, strict=True):
        if name in hosts:
            expect(phone.page.locator("#live-your-role")).to_have_text("Jouw rol: tafelhost")
    run_round(
        console,
        everyone,
        [phone for phone, name in zip(phones, names, strict=True) if name in hosts],
    )

    # Themes and ideas for action: all tables' notes on every screen, sorted into themes.
    to_phase(console, everyone, session, 3)
    console.button("notes.reveal").click()
    for phone in phones:
        for text, _, _ in notes:
            expect(phone.page.locator("#live-notes-list")).to_contain_text(text)
    for title in ("Samenwerken", "Tijd"):
        console.page.locator("#live-theme-title").fill(title)
        console.page.locator("#live-theme-form button[type=submit]").click()
    expect(projector.page.locator("#live-theme-list > li")).to_have_count(2)
    for number, (text, _, _) in enumerate(notes):
        theme = "Samenwerken" if number % 2 == 0 else "Tijd"
        console.page.locator("#live-cluster-note").select_option(label=text)
        console.page.locator("#live-cluster-theme").select_option(label=theme)
        console.page.locator("#live-cluster-form button[type=submit]").click()
        expect(projector.page.locator("#live-theme-list")).to_contain_text(text)
    for screen in (projector, *phones):
        themes = screen.page.locator("#live-theme-list > li")
        expect(themes).to_have_count(2)
        expect(themes.filter(has_text="Samenwerken")).to_contain_text(f"({len(notes) // 2})")
        expect(themes.filter(has_text="Tijd")).to_contain_text(f"({len(notes) // 2})")
        expect(screen.page.locator("#live-notes")).to_be_hidden()  # all sorted
    assert_accessible(phones[4].page, "a phone with the themes")
    assert_accessible(console.page, "the console with the themes")

    end_room(console, projector, phones)
    outcome = server.outcome(session["id"])
    assert outcome["status"] == "held", outcome
    stored = sorted(
        [text, int(table) - 1, number // table_count]
        for number, (text, table, _) in enumerate(notes)
    )
    assert outcome["table_notes"] == stored, outcome["table_notes"]
