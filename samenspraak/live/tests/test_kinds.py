"""The interaction kinds of the live room through the engine (one locked transaction per
action) and the state a (re)connecting screen gets: clustering, dot voting, card draw,
pairs, World Café tables, the consent check, capture and the review of open action points.
Each kind: what it does, who sees what (events and state filtered alike), and refusals
that change nothing."""

import json
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from conftest import make_person
from samenspraak.core.models import AuditEntry
from samenspraak.followup.models import ActionPoint, Agreement, Insight, SupportAnswer
from samenspraak.followup.services import action_add, support_give, voter_key
from samenspraak.live import engine, kinds
from samenspraak.live.access import room_of
from samenspraak.live.models import (
    ClientAction,
    Cluster,
    Contribution,
    Participant,
    Room,
    WithdrawnNote,
)
from samenspraak.live.state import state_for
from samenspraak.methods.models import Card, CardDeck, Method
from samenspraak.methods.services import method_copy, snapshot_take
from samenspraak.planning.models import Cycle, Session
from samenspraak.schools.models import GroupMember

pytestmark = pytest.mark.django_db


def phase(kind, **settings):
    return {
        "position": 1,
        "kind": kind,
        "minutes": 10,
        "settings": settings,
        "speaking": [],
        "silent": [],
        "produces": [],
        "title_nl": f"Fase {kind}",
        "title_en": f"Phase {kind}",
        "prompts_nl": "",
        "prompts_en": "",
        "guidance_nl": "",
        "guidance_en": "",
        "purpose_nl": "",
        "purpose_en": "",
    }


def make_room(group, facilitator, school, phases, **session_fields) -> Room:
    builtin = Method.objects.builtin().get(slug="check-in-round")
    method = method_copy(method=builtin, school=school, by=facilitator)
    snapshot = snapshot_take(method=method)
    snapshot.data["phases"] = phases
    snapshot.save()
    session = Session.objects.create(
        school=school,
        group=group,
        facilitator=facilitator,
        title="Live",
        starts_at=session_fields.pop("starts_at", timezone.now() + timedelta(minutes=5)),
        method_snapshot=snapshot,
        **session_fields,
    )
    return room_of(session)


class Room_:
    """A room with seats: `lead` (the session's facilitator) and members p[0] … p[n-1]."""

    def __init__(self, room, lead, people):
        self.room = room
        self.lead = Participant.objects.create(room=room, user=lead)
        self.p = [
            Participant.objects.create(room=room, user=u)
            if not isinstance(u, str)
            else Participant.objects.create(room=room, guest_name=u)
            for u in people
        ]

    def do(self, who, kind, payload=None, facilitator=None, client_id=None):
        actor = who
        return engine.apply(
            room_id=self.room.pk,
            actor=actor,
            is_facilitator=(actor == self.lead) if facilitator is None else facilitator,
            client_id=client_id or uuid.uuid4(),
            kind=kind,
            payload=payload or {},
            phase=None,
        )

    def refused(self, who, kind, payload=None, reason=None, facilitator=None):
        before = Room.objects.get(pk=self.room.pk)
        with pytest.raises(engine.Refused) as caught:
            self.do(who, kind, payload, facilitator=facilitator)
        after = Room.objects.get(pk=self.room.pk)
        assert after.seq == before.seq
        for field in ("dots", "dot_totals", "cards", "groups", "tables", "revealed"):
            assert getattr(after, field) == getattr(before, field)
        assert caught.value.message
        if reason:
            assert caught.value.reason == reason, caught.value.reason
        return caught.value

    def state(self, who=None, projector=False):
        room = Room.objects.select_related("session__method_snapshot").get(pk=self.room.pk)
        return state_for(
            room,
            participant=who,
            facilitator=who == self.lead and not projector,
            projector=projector,
        )

    def start(self, steps=0):
        self.do(self.lead, "room.start")
        for _ in range(steps):
            self.do(self.lead, "phase.next")


def events_for(outcome, audience):
    return [i["event"] for i in outcome.events if i["audience"] == audience]


def members(school, group, count):
    people = []
    for i in range(count):
        user = make_person(school, f"lid{i}@delinde.nl", f"Lid Nummer{i}")
        GroupMember.objects.create(group=group, user=user)
        people.append(user)
    return people


@pytest.fixture
def people(school, group):
    return members(school, group, 6)


# --- Clustering ---------------------------------------------------------------------------


def test_the_facilitator_sorts_revealed_notes_into_themes(
    group, facilitator, school, people, other_school
):
    room = make_room(
        group, facilitator, school, [phase("writing", anonymous=True), phase("clustering")]
    )
    r = Room_(room, facilitator, people[:3])
    r.start()
    for text in ("Rust in de klas", "Meer tijd", "Duidelijke regels"):
        r.do(r.p[0], "note.add", {"text": text})
    r.do(r.lead, "phase.next")
    r.refused(r.p[0], "cluster.create", {"title": "Zelf"}, "forbidden")
    for bad in ({}, {"title": 5}, {"title": "  "}, {"title": "x" * 121}):
        r.refused(r.lead, "cluster.create", bad)
    outcome = r.do(r.lead, "cluster.create", {"title": "Klassenmanagement"})
    [event] = events_for(outcome, "all")
    assert event["kind"] == "clusters" and event["clusters"][0]["title"] == "Klassenmanagement"
    cluster = Cluster.objects.get(room=room)

    # Notes still hidden: participants see themes but not the notes in them.
    assert r.state(r.p[1])["clusters"][0]["title"] == "Klassenmanagement"
    assert r.state(r.p[1])["notes"] == []
    r.do(r.lead, "notes.reveal")  # in a clustering phase: the notes of the writing phase
    assert len(r.state(r.p[1])["notes"]) == 3

    note = Contribution.objects.get(room=room, text="Rust in de klas")
    outcome = r.do(r.lead, "note.cluster", {"note": str(note.pk), "cluster": cluster.pk})
    assert events_for(outcome, "all")[0]["placed"] == {"note": str(note.pk), "cluster": cluster.pk}
    seen = {n["text"]: n["cluster"] for n in r.state(r.p[1])["notes"]}
    assert seen["Rust in de klas"] == cluster.pk and seen["Meer tijd"] is None

    # Forged and wrong ids: a note and a theme of another room, garbage.
    other = make_room(group, facilitator, school, [phase("writing"), phase("clustering")])
    foreign_note = Contribution.objects.create(room=other, phase_index=0, text="elders")
    foreign_theme = Cluster.objects.create(room=other, phase_index=1, title="elders")
    for payload in (
        {"note": str(foreign_note.pk), "cluster": cluster.pk},
        {"note": str(note.pk), "cluster": foreign_theme.pk},
        {"note": "not-a-uuid", "cluster": cluster.pk},
        {"note": 7, "cluster": cluster.pk},
        {"note": str(note.pk), "cluster": "1"},
    ):
        r.refused(r.lead, "note.cluster", payload, "invalid")
    r.do(r.lead, "note.cluster", {"note": str(note.pk), "cluster": None})
    assert Contribution.objects.get(pk=note.pk).cluster is None


def test_clustering_actions_are_refused_outside_their_phase(group, facilitator, school, people):
    room = make_room(group, facilitator, school, [phase("writing"), phase("round")])
    r = Room_(room, facilitator, people[:2])
    r.start()
    r.refused(r.lead, "cluster.create", {"title": "Thema"}, "wrong_phase")
    r.refused(r.p[0], "vote.add", {"target": "c1"}, "wrong_phase")


def test_only_roles_of_the_library_are_assigned(group, facilitator, school, people):
    room = make_room(group, facilitator, school, [phase("round")])
    r = Room_(room, facilitator, people[:1])
    r.start()
    for role in ("", "   ", "beheerder", 5, ["case_owner"]):
        r.refused(r.lead, "role.assign", {"participant": r.p[0].pk, "role": role}, "invalid")
    r.do(r.lead, "role.assign", {"participant": r.p[0].pk, "role": "case_owner"})
    assert Participant.objects.get(pk=r.p[0].pk).roles == ["case_owner"]


def test_whoever_leads_takes_no_role(group, facilitator, school, people):
    """The facilitator is in no round's order, pair or table: a role would do nothing. A
    role held from before someone led can still be taken off."""
    room = make_room(group, facilitator, school, [phase("round")])
    r = Room_(room, facilitator, people[:1])
    r.start()
    for role in ("case_owner", "table_host"):
        r.refused(r.lead, "role.assign", {"participant": r.lead.pk, "role": role}, "invalid")
    assert Participant.objects.get(pk=r.lead.pk).roles == []
    Participant.objects.filter(pk=r.lead.pk).update(roles=["table_host"])
    r.do(r.lead, "role.assign", {"participant": r.lead.pk, "role": "table_host"})
    assert Participant.objects.get(pk=r.lead.pk).roles == []


def test_the_timer_waits_for_the_start(group, facilitator, school, people):
    """Before the first phase there is no timer to pause, resume or extend."""
    room = make_room(group, facilitator, school, [phase("round")])
    r = Room_(room, facilitator, people[:1])
    for kind, payload in (
        ("phase.pause", {}),
        ("phase.resume", {}),
        ("phase.extend", {"minutes": 5}),
    ):
        r.refused(r.lead, kind, payload, "not_started")
    assert Room.objects.get(pk=room.pk).extra_seconds == 0
    r.start()
    r.do(r.lead, "phase.extend", {"minutes": 5})
    assert Room.objects.get(pk=room.pk).extra_seconds == 300


def test_true_names_nobody_not_the_seat_with_id_1(group, facilitator, school, people):
    """JSON's true is Python's 1: as a person it is refused, whoever has id 1. (Talk time
    once stored true as the speaker, and every later action failed on it.)"""
    room = make_room(group, facilitator, school, [phase("round")])
    r = Room_(room, facilitator, people[:2])
    if not room.participants.filter(pk=1).exists():
        Participant.objects.create(pk=1, room=room, guest_name="Eén")
    r.start()
    r.refused(r.lead, "talk.start", {"participant": True}, "invalid")
    r.refused(r.lead, "role.assign", {"participant": True, "role": "case_owner"}, "invalid")
    assert "talking" not in Room.objects.get(pk=room.pk).speaking
    assert not any(seat.roles for seat in room.participants.all())


# --- Dot voting ---------------------------------------------------------------------------


def test_dot_voting_keeps_the_budget_and_hides_results_until_revealed(
    group, facilitator, school, people
):
    room = make_room(
        group,
        facilitator,
        school,
        [
            phase("writing", hidden_until_revealed=False),
            phase("clustering"),
            phase("dot_voting", dots_per_person=2, reveal_on_command=True),
        ],
    )
    r = Room_(room, facilitator, people[:3])
    r.start(1)
    r.do(r.lead, "cluster.create", {"title": "Rust"})
    r.do(r.lead, "cluster.create", {"title": "Tijd"})
    rust, tijd = Cluster.objects.filter(room=room).order_by("pk")
    r.do(r.lead, "phase.next")
    a, b = f"c{rust.pk}", f"c{tijd.pk}"

    outcome = r.do(r.p[0], "vote.add", {"target": a})
    mine = events_for(outcome, f"participant:{r.p[0].pk}")
    assert mine == [{"kind": "my_votes", "phase": 2, "dots": {a: 1}, "seq": outcome.seq}]
    [public] = events_for(outcome, "all")
    assert "totals" not in public and public["placed"] == 1 and public["voters"] == 1
    [console] = events_for(outcome, "facilitators")
    assert console["totals"] == {a: 1}
    r.do(r.p[0], "vote.add", {"target": a})
    r.refused(r.p[0], "vote.add", {"target": b}, "over_budget")
    r.do(r.p[0], "vote.remove", {"target": a})
    r.do(r.p[0], "vote.add", {"target": b})
    r.refused(r.p[0], "vote.remove", {"target": "c999999"}, "invalid")
    r.do(r.p[1], "vote.add", {"target": b})
    for bad in ({"target": 1}, {"target": "n123"}, {}, {"target": ["c1"]}):
        r.refused(r.p[1], "vote.add", bad, "invalid")
    r.refused(r.lead, "vote.add", {"target": a}, "forbidden")

    # Reconnect: a phone gets its own dots and the count, not the totals.
    phone = r.state(r.p[0])["votes"]["2"]
    assert phone["mine"] == {a: 1, b: 1} and phone["placed"] == 3 and "totals" not in phone
    assert r.state(projector=True)["votes"]["2"].get("totals") is None
    assert r.state(r.lead)["votes"]["2"]["totals"] == {a: 1, b: 2}

    r.refused(r.p[0], "votes.reveal", {}, "forbidden")
    outcome = r.do(r.lead, "votes.reveal")
    assert events_for(outcome, "all")[0]["totals"] == {a: 1, b: 2}
    assert r.state(r.p[2])["votes"]["2"]["totals"] == {a: 1, b: 2}
    r.refused(r.p[2], "vote.add", {"target": a}, "closed")

    r.do(r.lead, "room.end")
    ended = Room.objects.get(pk=room.pk)
    assert ended.dots == {} and ended.dot_totals == {"2": {a: 1, b: 2}}
    # Only the end itself is remembered (so that a replay of it is recognised).
    kept = ClientAction.objects.filter(participant__room=room)
    assert list(kept.values_list("participant", flat=True)) == [r.lead.pk]
    # The session has now been held (portfolio, leadership view, the review next time).
    assert room.session.__class__.objects.get(pk=room.session_id).status == "held"


def test_without_themes_the_votes_go_to_the_visible_notes(group, facilitator, school, people):
    room = make_room(
        group,
        facilitator,
        school,
        [phase("writing"), phase("dot_voting", dots_per_person=1, reveal_on_command=False)],
    )
    r = Room_(room, facilitator, people[:2])
    r.start()
    r.do(r.p[0], "note.add", {"text": "Casus van Anna"})
    note = Contribution.objects.get(room=room)
    r.do(r.lead, "phase.next")
    r.refused(r.p[1], "vote.add", {"target": f"n{note.pk}"}, "invalid")  # still hidden
    r.do(r.lead, "notes.reveal")
    outcome = r.do(r.p[1], "vote.add", {"target": f"n{note.pk}"})
    assert events_for(outcome, "all")[0]["totals"] == {f"n{note.pk}": 1}  # no reveal needed


# --- Card draw ----------------------------------------------------------------------------


def test_cards_are_not_drawn_twice_until_the_deck_is_exhausted(
    group, facilitator, school, people, other_school
):
    room = make_room(group, facilitator, school, [phase("card_draw", cards_per_draw=2)])
    deck = CardDeck.objects.create(school=school, slug="eigen", name_nl="Eigen stapel")
    for i in range(5):
        Card.objects.create(deck=deck, position=i, theme_nl="T", text_nl=f"Vraag {i}")
    foreign = CardDeck.objects.create(school=other_school, slug="x", name_nl="Elders")
    r = Room_(room, facilitator, people[:2])
    r.start()
    decks = {d["id"]: d for d in r.state(r.lead)["decks"]}
    assert decks[deck.pk]["cards"] == 5 and foreign.pk not in decks
    assert r.state(r.p[0])["decks"] == []
    seen = []
    for _ in range(2):
        outcome = r.do(r.lead, "card.draw", {"deck": deck.pk})
        [event] = events_for(outcome, "all")
        assert event["kind"] == "cards" and len(event["cards"]) == 2
        seen += [c["text"]["nl"] for c in event["cards"]]
    assert len(set(seen)) == 4
    last = r.do(r.lead, "card.draw", {"deck": deck.pk})
    texts = [c["text"]["nl"] for c in events_for(last, "all")[0]["cards"]]
    assert len(set(texts)) == 2 and set(texts) - set(seen)  # the fifth card, then anew
    assert r.state(r.p[0])["cards"]["0"]["cards"][0]["text"]["nl"] == texts[0]
    for payload in ({"deck": foreign.pk}, {"deck": "1"}, {}, {"deck": 10**9}):
        r.refused(r.lead, "card.draw", payload, "invalid")
    r.refused(r.p[0], "card.draw", {"deck": deck.pk}, "forbidden")


# --- Pairs --------------------------------------------------------------------------------


def test_pairs_leave_out_the_facilitator_and_an_odd_count_makes_a_trio(
    group, facilitator, school, people
):
    room = make_room(group, facilitator, school, [phase("pairs", group_size=2, switch_roles=True)])
    r = Room_(room, facilitator, [*people[:4], "Gast Ouder"])
    r.start()
    r.refused(r.lead, "pairs.switch", {}, "no_pairs")
    outcome = r.do(r.lead, "pairs.form")
    groups = events_for(outcome, "all")[0]["groups"]
    assert sorted(len(g) for g in groups) == [2, 3]
    assert sorted(p for g in groups for p in g) == sorted(p.pk for p in r.p)
    assert r.lead.pk not in {p for g in groups for p in g}
    assert r.do(r.lead, "pairs.switch").events[0]["event"]["switched"] is True
    assert r.state(r.p[4])["groups"]["0"]["groups"] == groups
    r.refused(r.p[0], "pairs.form", {}, "forbidden")


def test_trios_and_roles_that_stay(group, facilitator, school, people):
    room = make_room(group, facilitator, school, [phase("pairs", group_size=3, switch_roles=False)])
    r = Room_(room, facilitator, people[:5])
    r.start()
    groups = r.do(r.lead, "pairs.form").events[0]["event"]["groups"]
    assert sorted(len(g) for g in groups) == [2, 3]
    r.refused(r.lead, "pairs.switch", {}, "invalid")


# --- World Café ---------------------------------------------------------------------------


def test_world_cafe_tables_rounds_latecomer_and_table_notes(group, facilitator, school, people):
    room = make_room(
        group,
        facilitator,
        school,
        [phase("information"), phase("tables", table_size=3, rounds=3, hosts_stay=True)],
    )
    r = Room_(room, facilitator, people)
    r.start()
    r.refused(r.lead, "tables.assign", {}, "wrong_phase")
    for host in r.p[:2]:
        r.do(r.lead, "role.assign", {"participant": host.pk, "role": "table_host"})
    r.do(r.lead, "phase.next")
    r.refused(r.p[0], "note.add", {"text": "te vroeg"}, "no_table")
    r.refused(r.lead, "tables.next", {}, "no_tables")
    outcome = r.do(r.lead, "tables.assign")
    seating = events_for(outcome, "all")[0]
    schedule = seating["schedule"]
    assert len(schedule) == 3 and all(len(tables) == 2 for tables in schedule)
    assert set(seating["hosts"]) == {r.p[0].pk, r.p[1].pk}
    for tables in schedule:  # hosts stay, first at their table; the facilitator is not seated
        assert [t[0] for t in tables] == seating["hosts"]
        assert r.lead.pk not in {p for t in tables for p in t}

    # A note at a table: that table, the console and the projector; the rest a count.
    writer = r.p[0]
    table = next(t for t in schedule[0] if writer.pk in t)
    away = next(p for p in r.p if p.pk not in table)
    once = uuid.uuid4()
    outcome = r.do(writer, "note.add", {"text": "Wat ons opviel"}, client_id=once)
    assert r.do(writer, "note.add", {"text": "Wat ons opviel"}, client_id=once).replayed
    audiences = {i["audience"] for i in outcome.events}
    assert {f"participant:{pk}" for pk in table} <= audiences
    assert f"participant:{away.pk}" not in audiences
    assert {"facilitators", "projector", "all"} <= audiences
    assert events_for(outcome, "all")[0]["kind"] == "note_count"
    for pk in table:
        assert events_for(outcome, f"participant:{pk}")[0]["kind"] == "note"
    assert events_for(outcome, "projector")[0]["text"] == "Wat ons opviel"
    note = Contribution.objects.get(room=room)
    assert (note.table, note.table_round) == (schedule[0].index(table), 0)
    assert [n["text"] for n in r.state(writer)["notes"]] == ["Wat ons opviel"]
    mate = next(p for p in r.p if p.pk in table and p.pk != writer.pk)
    assert [n["table"] for n in r.state(mate)["notes"]] == [note.table]
    assert r.state(away)["notes"] == []
    assert len(r.state(projector=True)["notes"]) == 1 and len(r.state(r.lead)["notes"]) == 1

    r.do(r.lead, "tables.next")
    r.refused(r.lead, "tables.assign", {}, "started")
    assert r.state(r.p[3])["tables"]["1"]["round"] == 1

    # A latecomer is seated from this round on; nobody else moves.
    late_user = make_person(school, "laat@delinde.nl", "Laat Komer")
    GroupMember.objects.create(group=group, user=late_user)
    late = Participant.objects.create(room=room, user=late_user)
    outcome = engine.seat_taken(room_id=room.pk, participant=late)
    kinds_sent = [i["event"]["kind"] for i in outcome.events]
    assert kinds_sent == ["joined", "tables"]
    after = Room.objects.get(pk=room.pk).tables["1"]["schedule"]
    assert after[0] == schedule[0]  # the round that was
    for before_tables, now_tables in zip(schedule[1:], after[1:], strict=True):
        assert sum(late.pk in t for t in now_tables) == 1
        for old, new in zip(before_tables, now_tables, strict=True):
            assert [p for p in new if p != late.pk] == old
    r.do(r.lead, "tables.next")
    r.refused(r.lead, "tables.next", {}, "no_such_round")


def test_a_traveller_sees_the_notes_of_the_table_they_sit_at_and_their_own_apart(
    group, facilitator, school, people
):
    """At the next table a traveller's phone lists that table's notes (of every round),
    not what they wrote at the table before: that comes apart, with its table and round.
    Nobody else's note from another table reaches a phone; console and projector see all."""
    room = make_room(group, facilitator, school, [phase("tables", table_size=2, rounds=2)])
    r = Room_(room, facilitator, people)
    r.start()
    r.do(r.lead, "tables.assign")
    schedule = Room.objects.get(pk=room.pk).tables["0"]["schedule"]

    def table(person, round_):
        return next(n for n, t in enumerate(schedule[round_]) if person.pk in t)

    traveller = next(p for p in r.p if table(p, 0) != table(p, 1))
    before, after = table(traveller, 0), table(traveller, 1)
    for person in r.p:  # everyone writes at their first table
        r.do(person, "note.add", {"text": f"Ronde 1, tafel {table(person, 0)}, {person.pk}"})
    mine_before = f"Ronde 1, tafel {before}, {traveller.pk}"
    state = r.state(traveller)
    assert {n["table"] for n in state["notes"]} == {before} and state["my_earlier_notes"] == []

    r.do(r.lead, "tables.next")
    r.do(traveller, "note.add", {"text": "Ronde 2, mijn nieuwe tafel"})
    state = r.state(traveller)
    # The notes of the table they sit at now, whoever wrote them and in which round.
    assert {n["table"] for n in state["notes"]} == {after}
    assert {n["text"] for n in state["notes"]} == {
        *(f"Ronde 1, tafel {after}, {pk}" for pk in schedule[0][after]),
        "Ronde 2, mijn nieuwe tafel",
    }
    # Their own note from the table before: apart, with its table and round.
    assert [
        (n["text"], n["table"], n["round"], n.get("yours")) for n in state["my_earlier_notes"]
    ] == [(mine_before, before, 0, True)]
    for person in r.p:  # every phone: its own table only, and only its own notes apart
        state = r.state(person)
        assert {n["table"] for n in state["notes"]} <= {table(person, 1)}
        assert all(n.get("yours") for n in state["my_earlier_notes"])
    assert len(r.state(r.lead)["notes"]) == len(r.p) + 1
    assert len(r.state(projector=True)["notes"]) == len(r.p) + 1
    assert r.state(r.lead)["my_earlier_notes"] == r.state(projector=True)["my_earlier_notes"] == []

    # Once the facilitator shows all tables' notes, everyone sees them in one list.
    r.do(r.lead, "notes.reveal")
    state = r.state(traveller)
    assert len(state["notes"]) == len(r.p) + 1 and state["my_earlier_notes"] == []


# --- Consent check ------------------------------------------------------------------------


def test_an_anonymous_consent_check_shows_counts_and_never_who(
    group, facilitator, school, people, caplog
):
    room = make_room(
        group, facilitator, school, [phase("consent", anonymous=True, reasons_required=True)]
    )
    r = Room_(room, facilitator, [people[0], "Gast Pieter"])
    staff, guest = r.p
    r.start()
    r.refused(staff, "consent.propose", {"text": "Wij doen X"}, "forbidden")
    r.refused(r.lead, "consent.propose", {"text": ""}, "invalid")
    outcome = r.do(r.lead, "consent.propose", {"text": "Vanaf maart starten we elke les met X."})
    agreement = Agreement.objects.get(session=room.session)
    assert agreement.anonymous and agreement.check_open
    r.refused(r.lead, "consent.propose", {"text": "Nog een"}, "check_open")

    r.refused(
        staff, "consent.answer", {"agreement": agreement.pk, "answer": "objection"}, "invalid"
    )
    r.refused(staff, "consent.answer", {"agreement": agreement.pk, "answer": "maybe"}, "invalid")
    r.refused(staff, "consent.answer", {"agreement": str(agreement.pk), "answer": "agree"})
    sent = []
    outcome = r.do(
        staff,
        "consent.answer",
        {"agreement": agreement.pk, "answer": "objection", "reason": "Te weinig tijd"},
    )
    sent += outcome.events
    public = events_for(outcome, "all")[0]["agreement"]
    assert public["counts"] == {"agree": 0, "concern": 0, "objection": 1}
    assert "reasons" not in public and not events_for(outcome, "facilitators")
    action = uuid.uuid4()
    outcome = r.do(
        guest, "consent.answer", {"agreement": agreement.pk, "answer": "agree"}, client_id=action
    )
    sent += outcome.events
    r.refused(guest, "consent.answer", {"agreement": agreement.pk, "answer": "agree"}, "invalid")
    # No row ties a person to the moment of an anonymous answer, so a replay of the same
    # action is refused by the register ("already answered") and changes nothing.
    assert not ClientAction.objects.filter(participant__in=r.p).exists()
    with pytest.raises(engine.Refused) as caught:
        r.do(guest, "consent.answer", {"agreement": agreement.pk, "answer": "agree"}, None, action)
    assert caught.value.message == "Je hebt deze draagvlakcheck al beantwoord."
    assert SupportAnswer.objects.filter(agreement=agreement).count() == 2
    # Answered in the room means answered on the agreements page too (one register key).
    with pytest.raises(ValidationError):
        support_give(agreement=agreement, voter=voter_key(people[0]), name="x", answer="agree")

    assert r.state(staff)["agreements"][0]["answered"] is True
    assert "reasons" not in r.state(r.lead)["agreements"][0]  # not while the check is open
    r.refused(staff, "consent.close", {"agreement": agreement.pk}, "forbidden")
    outcome = r.do(r.lead, "consent.close", {"agreement": agreement.pk})
    sent += outcome.events
    [closed] = events_for(outcome, "facilitators")
    assert closed["agreement"]["reasons"] == [
        {"answer": "objection", "reason": "Te weinig tijd", "name": None}
    ]
    assert closed["agreement"]["status"] == "proposed"  # an objection is open
    assert "reasons" not in r.state(staff)["agreements"][0]
    assert r.state(r.lead)["agreements"][0]["reasons"][0]["reason"] == "Te weinig tijd"

    # No author anywhere: the rows, the messages, the audit log, the log lines.
    names = [people[0].name, "Gast Pieter", people[0].email]
    for row in SupportAnswer.objects.filter(agreement=agreement):
        assert row.author_name == ""
    everything = json.dumps(
        [i["event"] for i in sent if not i["audience"].startswith("participant:")]
    )
    log = caplog.text + json.dumps(list(AuditEntry.objects.values()), default=str)
    for name in names:
        assert name not in everything and name not in log


def test_a_named_consent_check_without_reasons_required(group, facilitator, school, people):
    room = make_room(
        group, facilitator, school, [phase("consent", anonymous=False, reasons_required=False)]
    )
    r = Room_(room, facilitator, people[:1])
    r.start()
    r.do(r.lead, "consent.propose", {"text": "Afspraak"})
    agreement = Agreement.objects.get()
    action = uuid.uuid4()
    r.do(r.p[0], "consent.answer", {"agreement": agreement.pk, "answer": "concern"}, None, action)
    # A named answer is remembered as an action: a replay gets the original outcome.
    assert ClientAction.objects.filter(participant=r.p[0], client_id=action).exists()
    replay = r.do(
        r.p[0], "consent.answer", {"agreement": agreement.pk, "answer": "concern"}, None, action
    )
    assert replay.replayed and SupportAnswer.objects.filter(agreement=agreement).count() == 1
    outcome = r.do(r.lead, "consent.close", {"agreement": agreement.pk})
    reasons = events_for(outcome, "facilitators")[0]["agreement"]["reasons"]
    assert reasons == [{"answer": "concern", "reason": "", "name": people[0].name}]
    assert Agreement.objects.get().status == "adopted"
    r.refused(r.lead, "consent.close", {"agreement": agreement.pk}, "closed")
    other = make_room(group, facilitator, school, [phase("consent")])
    foreign = Agreement.objects.create(session=other.session, text="x", check_open=True)
    r.refused(r.p[0], "consent.answer", {"agreement": foreign.pk, "answer": "agree"}, "invalid")
    r.refused(r.lead, "consent.close", {"agreement": foreign.pk}, "invalid")


def test_a_check_left_open_takes_answers_in_the_next_phase(group, facilitator, school, people):
    """As on the agreements page, an open check takes answers until it is closed, also after
    the room has moved on; there a concern always needs a reason (the phase that could
    waive it is over)."""
    room = make_room(
        group,
        facilitator,
        school,
        [phase("consent", anonymous=False, reasons_required=False), phase("dialogue")],
    )
    r = Room_(room, facilitator, people[:2])
    r.start()
    r.do(r.lead, "consent.propose", {"text": "Afspraak"})
    agreement = Agreement.objects.get()
    r.do(r.lead, "phase.next")
    r.do(r.p[0], "consent.answer", {"agreement": agreement.pk, "answer": "agree"})
    r.refused(r.p[1], "consent.answer", {"agreement": agreement.pk, "answer": "concern"}, "invalid")
    r.do(
        r.p[1], "consent.answer", {"agreement": agreement.pk, "answer": "concern", "reason": "Tijd"}
    )
    assert sorted(SupportAnswer.objects.values_list("answer", flat=True)) == ["agree", "concern"]
    r.do(r.lead, "consent.close", {"agreement": agreement.pk})
    r.refused(r.lead, "consent.answer", {"agreement": agreement.pk, "answer": "agree"}, "invalid")


# --- Capture and review -------------------------------------------------------------------


def test_the_facilitator_captures_insights_agreements_and_action_points(
    group, facilitator, school, people
):
    room = make_room(group, facilitator, school, [phase("dialogue")])
    r = Room_(room, facilitator, [people[0], "Gast"])
    staff, guest = r.p
    r.start()
    r.do(r.lead, "capture.insight", {"text": "Leerlingen willen meer structuur"})
    outcome = r.do(r.lead, "capture.agreement", {"text": "We starten elke les met een doel"})
    assert events_for(outcome, "all")[0]["agreement"]["status"] == "adopted"
    due = (date.today() + timedelta(days=14)).isoformat()
    outcome = r.do(
        r.lead,
        "capture.action",
        {"text": "Voorbeeldles delen", "owners": [staff.pk, r.lead.pk], "due": due},
    )
    action = events_for(outcome, "all")[0]["action"]
    assert action["owners"] == sorted([people[0].name, facilitator.name]) and action["due"] == due
    assert ActionPoint.objects.get().owners.count() == 2
    for payload in (
        {"text": "x", "owners": [guest.pk]},  # a guest cannot own an action point
        {"text": "x", "owners": []},
        {"text": "x", "owners": [10**9]},
        {"text": "x", "owners": [2**64]},  # SQLite cannot compare with it
        {"text": "x", "owners": ["1"]},
        {"text": "x", "owners": [staff.pk], "due": "morgen"},
        {"text": "x", "owners": [staff.pk], "due": 20270101},
        {"text": "x", "owners": [staff.pk], "due": "0001-01-01"},  # its reminder: year 0
        {"text": "x", "owners": [staff.pk], "due": "9999-12-31"},
        {"text": "", "owners": [staff.pk]},
    ):
        r.refused(r.lead, "capture.action", payload, "invalid")
    r.refused(staff, "capture.insight", {"text": "x"}, "forbidden")
    assert Insight.objects.count() == 1 and ActionPoint.objects.count() == 1
    captured = r.state(guest)["captured"]
    assert captured["insights"][0]["text"] == "Leerlingen willen meer structuur"
    assert captured["actions"][0]["text"] == "Voorbeeldles delen"
    assert r.state(guest)["agreements"][0]["text"] == "We starten elke les met een doel"


def test_waiting_room_reviews_the_open_action_points_of_the_cycle(
    group, facilitator, school, teacher
):
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        school=school,
        group=group,
        title="Begrijpend lezen",
        goal="Samen leren",
        period_start=today - timedelta(days=60),
        period_end=today + timedelta(days=60),
        start_time="15:30",
        facilitator=facilitator,
    )
    earlier = Session.objects.create(
        school=school,
        group=group,
        cycle=cycle,
        facilitator=facilitator,
        title="Eerste",
        starts_at=timezone.now() - timedelta(days=14),
    )
    late = action_add(
        session=earlier,
        by=facilitator,
        text="Leeslijst maken",
        owners=[teacher],
        due_date=today - timedelta(days=1),
    )
    on_time = action_add(
        session=earlier, by=facilitator, text="Toets nakijken", owners=[teacher], due_date=today
    )
    room = make_room(group, facilitator, school, [phase("round")], cycle=cycle)
    r = Room_(room, facilitator, [teacher])
    review = r.state(r.p[0])["review"]
    common = {"owners": [teacher.name], "session": "Eerste", "status": "open"}
    assert review == [
        {"id": late.pk, "text": "Leeslijst maken", "due": late.due_date.isoformat(),
         "overdue": True} | common,
        {"id": on_time.pk, "text": "Toets nakijken", "due": today.isoformat(),
         "overdue": False} | common,
    ]  # fmt: skip
    assert r.state(projector=True)["review"] == review
    r.start()
    assert r.state(r.p[0])["review"] == []


# --- Known gaps ---------------------------------------------------------------------------


def test_the_facilitator_is_out_of_the_round_and_the_equal_share(
    group, facilitator, school, people
):
    room = make_room(group, facilitator, school, [phase("information"), phase("round")])
    r = Room_(room, facilitator, people[:3])
    r.start()
    r.do(r.lead, "phase.next")
    r.do(r.lead, "round.start")
    outcome = r.do(r.lead, "phase.back")
    outcome = r.do(r.lead, "phase.next")
    event = events_for(outcome, "all")[0]
    assert event["kind"] == "phase" and event["speaking"]["order"] == [p.pk for p in r.p]
    assert r.lead.pk not in event["speaking"]["order"]
    talk = r.state(r.lead)["talk"]
    assert talk["equal_share"] == round(1 / 3, 3)
    assert [p["leads"] for p in r.state(r.p[0])["participants"]] == [True, False, False, False]


def test_a_round_in_free_order_shows_who_is_still_to_speak(group, facilitator, school, people):
    """Popcorn: everyone in the round, no order to wait for. The console gives the floor
    to whoever speaks (the one before is then done), ends a turn, and anyone still to
    speak may pass at any time; the room sees who is still to speak throughout."""
    room = make_room(group, facilitator, school, [phase("round", order="free")])
    r = Room_(room, facilitator, people[:4])
    a, b, c, d = (p.pk for p in r.p)
    r.start()
    state = events_for(r.do(r.lead, "round.start"), "all")[0]["state"]
    assert state["order"] == [a, b, c, d] and state["free"] and state["current"] is None
    r.refused(r.lead, "turn.next", reason="invalid")  # nobody has the floor yet
    state = events_for(r.do(r.lead, "turn.give", {"participant": c}), "all")[0]["state"]
    assert state["current"] == c and state["done"] == []
    r.do(r.p[3], "turn.pass")  # d passes while c speaks: c keeps the floor
    state = events_for(r.do(r.lead, "turn.give", {"participant": a}), "all")[0]["state"]
    assert (state["current"], state["done"], state["passed"]) == (a, [c], [d])
    for gone in (a, c, d, r.lead.pk, True, None, "x"):  # has the floor, had a turn, passed…
        r.refused(r.lead, "turn.give", {"participant": gone}, "invalid")
    r.refused(r.p[2], "turn.pass", reason="not_your_turn")  # c has had a turn
    r.refused(r.p[1], "turn.give", {"participant": b}, "forbidden")
    state = events_for(r.do(r.lead, "turn.next"), "all")[0]["state"]
    assert (state["current"], state["done"]) == (None, [c, a])
    r.do(r.lead, "turn.give", {"participant": b})
    state = events_for(r.do(r.p[1], "turn.pass"), "all")[0]["state"]  # the floor, passed on
    assert (state["current"], state["passed"]) == (None, [d, b])
    r.refused(r.lead, "turn.next", reason="nobody_waiting")
    assert r.state(r.p[0])["speaking"]["done"] == [c, a]


def test_a_turn_is_timed_on_the_phases_clock(group, facilitator, school, people):
    """`turn_at` is how long the phase had run when the floor moved (pauses left out): the
    screens count the phase's seconds per person down from it. Going back to the round
    starts the clock of whoever has the floor again."""
    room = make_room(
        group, facilitator, school, [phase("round", seconds_per_person=90), phase("dialogue")]
    )
    r = Room_(room, facilitator, people[:3])
    r.start()

    def run_for(seconds, paused=0):
        started = timezone.now() - timedelta(seconds=seconds + paused)
        Room.objects.filter(pk=room.pk).update(phase_started_at=started, paused_seconds=paused)

    def turn_at(outcome):
        return events_for(outcome, "all")[0]["state"]["turn_at"]

    run_for(30)
    assert 29 <= turn_at(r.do(r.lead, "round.start")) <= 31
    run_for(100, paused=40)  # a pause of 40 s does not count
    assert 99 <= turn_at(r.do(r.lead, "turn.next")) <= 101
    timer = r.state(r.lead)["timer"]
    assert 99 <= timer["running"] <= 101
    r.do(r.p[1], "turn.pass")
    r.do(r.lead, "turn.next")
    assert Room.objects.get(pk=room.pk).speaking["0"]["turn_at"] is None  # everyone spoke
    r.do(r.lead, "round.start")
    r.do(r.lead, "phase.next")
    run_for(50)
    r.do(r.lead, "phase.back")
    assert Room.objects.get(pk=room.pk).speaking["0"]["turn_at"] == 0


def test_a_rooms_running_time_leaves_out_its_pauses():
    start = timezone.now()
    room = Room(phase_started_at=start, paused_seconds=20)
    assert room.running_seconds(start + timedelta(seconds=90)) == 70
    room.paused_at = start + timedelta(seconds=60)  # paused now: the clock stands still
    assert room.running_seconds(start + timedelta(seconds=500)) == 40
    assert Room().running_seconds() is None


def test_a_dialogue_without_talk_time_refuses_to_time_anyone(group, facilitator, school, people):
    room = make_room(
        group, facilitator, school, [phase("round"), phase("dialogue", talk_time=False)]
    )
    r = Room_(room, facilitator, people[:2])
    r.start()
    r.do(r.lead, "talk.start", {"participant": r.p[0].pk})  # a round: timed
    r.do(r.lead, "phase.next")
    r.refused(r.lead, "talk.start", {"participant": r.p[1].pk}, "wrong_phase")
    r.do(r.lead, "talk.stop")  # stopping is always fine
    assert list(Room.objects.get(pk=room.pk).talk_time) == [str(r.p[0].pk)]


def test_talk_time_runs_only_while_the_phase_runs(group, facilitator, school, people, monkeypatch):
    """A pause holds the speaker's clock: they keep the floor, and their seconds go on at
    the resume (someone given the floor during the pause starts then). A new phase stops
    the clock: it starts with nobody timed, also a phase whose work form turned talk time
    off, where nobody could stop it. Every screen hears it in a `talk` event."""
    room = make_room(
        group, facilitator, school, [phase("round"), phase("dialogue", talk_time=False)]
    )
    r = Room_(room, facilitator, people[:2])
    a, b = r.p
    clock = [timezone.now()]
    monkeypatch.setattr(engine.timezone, "now", lambda: clock[0])

    def wait(seconds):
        clock[0] += timedelta(seconds=seconds)

    def kinds_of(outcome):
        return [e["kind"] for e in events_for(outcome, "all")]

    def talked():
        return Room.objects.get(pk=room.pk).talk_time

    r.start()
    r.do(r.lead, "talk.start", {"participant": a.pk})
    wait(30)
    assert kinds_of(r.do(r.lead, "phase.pause")) == ["phase", "talk"]
    assert talked() == {str(a.pk): 30}
    wait(600)  # a coffee break
    assert r.state(b)["talk"]["talking"] == a.pk
    assert r.state(b)["talk"]["shares"] == {str(a.pk): 1.0}
    r.do(r.lead, "talk.start", {"participant": b.pk})
    wait(100)
    assert kinds_of(r.do(r.lead, "phase.resume")) == ["phase", "talk"]
    wait(20)
    assert r.state(a)["talk"]["shares"] == {str(a.pk): 0.6, str(b.pk): 0.4}

    outcome = r.do(r.lead, "phase.next")  # talk time off here
    assert kinds_of(outcome) == ["phase", "talk"]
    assert events_for(outcome, "all")[1]["talk"]["talking"] is None
    assert talked() == {str(a.pk): 30, str(b.pk): 20}
    wait(300)
    assert r.state(a)["talk"]["shares"] == {str(a.pk): 0.6, str(b.pk): 0.4}
    assert kinds_of(r.do(r.lead, "phase.pause")) == ["phase"]  # nobody to hold
    assert kinds_of(r.do(r.lead, "phase.back")) == ["phase"]
    assert r.state(a)["talk"]["talking"] is None


def test_the_facilitator_words_the_dilemma_and_polls_the_next(group, facilitator, school, people):
    """The console words the dilemma (a question, the words for A and B) and every screen
    gets it. Reworded, the positions stay; as a new dilemma, the positions so far are kept
    as counts beside the dilemma they answered and everyone chooses again. A later phase
    polls the same dilemma until it is worded anew there; only the console words it, and
    only in a dilemma phase."""
    room = make_room(
        group,
        facilitator,
        school,
        [phase("positions", mode="ab"), phase("positions", mode="ab"), phase("information")],
    )
    r = Room_(room, facilitator, people[:2])
    a, b = r.p
    r.start()
    first = {"question": "Huiswerk afschaffen?", "a": "Ja", "b": "Nee"}
    r.refused(a, "dilemma.set", first, "forbidden")
    for junk, reason in (
        ({"a": "Ja"}, "invalid"),
        ({"question": "  "}, "invalid"),
        ({"question": 7}, "invalid"),
        ({"question": "x" * 201}, "too_long"),
        ({"question": "Ja?", "a": "x" * 101}, "too_long"),
        ({"question": "Ja?", "b": ["Nee"]}, "invalid"),
        ({"question": "Ja?", "fresh": "yes"}, "invalid"),
    ):
        r.refused(r.lead, "dilemma.set", junk, reason)
    event = events_for(r.do(r.lead, "dilemma.set", first | {"a": " Ja "}), "all")[0]
    assert event["kind"] == "dilemma" and event["dilemma"] == first and not event["fresh"]
    assert r.state(a)["dilemma"] == r.state(projector=True)["dilemma"] == first
    r.do(a, "position.take", {"value": "A"})
    r.do(b, "position.take", {"value": "B"})

    reworded = first | {"question": "Huiswerk in de onderbouw afschaffen?"}
    r.do(r.lead, "dilemma.set", reworded)
    assert r.state(a)["positions"] | {"mine": None} == {
        "distribution": {"A": 1, "B": 1},
        "count": 2,
        "mine": None,
    }
    assert r.state(a)["positions"]["mine"] == "A" and r.state(a)["polls"] == []

    second = {"question": "Cijfers op elke toets?", "a": "Ja", "b": "Nee", "fresh": True}
    event = events_for(r.do(r.lead, "dilemma.set", second), "all")[0]
    assert event["fresh"] and event["positions"]["count"] == 0
    poll = reworded | {"phase": 0, "distribution": {"A": 1, "B": 1}}
    assert event["polls"] == [poll] and r.state(b)["polls"] == [poll]
    assert r.state(b)["positions"]["mine"] is None
    seats = {str(seat.pk) for seat in (*r.p, r.lead)}
    assert not seats & set(json.dumps(Room.objects.get(pk=room.pk).polls).split('"'))
    event = events_for(r.do(r.lead, "dilemma.set", second), "all")[0]  # none taken yet
    assert not event["fresh"] and len(event["polls"]) == 1

    event = events_for(r.do(r.lead, "phase.next"), "all")[0]  # polled again
    assert event["dilemma"] == {k: v for k, v in second.items() if k != "fresh"}
    assert event["polls"] == [] and r.state(a)["polls"] == []
    r.do(r.lead, "dilemma.set", {"question": "Anders gezegd?", "a": "", "b": ""})
    r.do(r.lead, "phase.back")  # the first phase keeps its own
    assert r.state(a)["dilemma"]["question"] == second["question"]
    r.do(r.lead, "phase.next")
    r.do(r.lead, "phase.next")
    r.refused(r.lead, "dilemma.set", first, "wrong_phase")


def test_who_took_which_position_is_dropped_when_the_room_ends(group, facilitator, school, people):
    """As with dots: the room only ever saw how many took each position; once it ends, that
    distribution is all the database keeps (no seat next to a position)."""
    room = make_room(group, facilitator, school, [phase("positions", mode="ab")])
    r = Room_(room, facilitator, people[:3])
    r.start()
    for seat, value in zip(r.p, ("B", "A", "B"), strict=True):
        r.do(seat, "position.take", {"value": value})
    r.do(r.lead, "room.end")
    kept = Room.objects.get(pk=room.pk).positions["0"]
    assert sorted(kept.values()) == ["A", "B", "B"]
    seats = {str(seat.pk) for seat in (*r.p, r.lead)}
    assert not seats & set(kept), kept
    state = r.state(r.p[1])["positions"]
    assert state["distribution"] == {"A": 1, "B": 2} and state["mine"] is None


def test_the_id_of_an_anonymous_note_is_spent_for_any_other_action(
    group, facilitator, school, people
):
    """An anonymous note keeps no ClientAction row (it would tie the writer to it), yet its
    action id is as spent as any other: sent again with another action, it is a replay."""
    room = make_room(group, facilitator, school, [phase("writing", anonymous=True)])
    r = Room_(room, facilitator, people[:1])
    r.start()
    once = uuid.uuid4()
    r.do(r.p[0], "note.add", {"text": "Anoniem"}, client_id=once)
    assert not ClientAction.objects.filter(participant=r.p[0]).exists()
    before = Room.objects.get(pk=room.pk)
    again = r.do(r.p[0], "note.add", {"text": "Iets anders"}, client_id=once)
    other = r.do(r.p[0], "hand.lower", client_id=once)
    assert again.replayed and other.replayed and other.events == []
    assert Room.objects.get(pk=room.pk).seq == before.seq
    assert list(Contribution.objects.values_list("text", flat=True)) == ["Anoniem"]


def test_hands_are_raised_in_an_open_dialogue(group, facilitator, school, people):
    """The queue keeps the order hands went up; a second raise keeps its place; the one
    the facilitator marks as speaking leaves it; the facilitator raises none. No hands in a
    round, nor in a dialogue whose work form turned the queue off."""
    room = make_room(
        group,
        facilitator,
        school,
        [phase("dialogue"), phase("round"), phase("dialogue", hand_queue=False)],
    )
    r = Room_(room, facilitator, people[:3])
    a, b, c = r.p
    r.start()

    def queue(outcome):
        return events_for(outcome, "all")[0]["state"]["queue"]

    assert queue(r.do(b, "hand.raise")) == [b.pk]
    assert queue(r.do(a, "hand.raise")) == [b.pk, a.pk]
    assert queue(r.do(b, "hand.raise")) == [b.pk, a.pk]  # a double tap keeps the place
    r.refused(r.lead, "hand.raise", reason="forbidden")  # who leads gives the floor
    assert queue(r.do(c, "hand.lower")) == [b.pk, a.pk]  # no hand up: nothing changes
    # b gets the word: the room hears that b's hand is down (it used to learn it only from
    # a later change of the queue).
    outcome = r.do(r.lead, "talk.start", {"participant": b.pk})
    assert [e["kind"] for e in events_for(outcome, "all")] == ["talk", "speaking"]
    assert r.state(c)["speaking"]["queue"] == [a.pk]
    assert queue(r.do(c, "hand.raise")) == [a.pk, c.pk]
    assert queue(r.do(a, "hand.lower")) == [c.pk]
    assert r.state(b)["speaking"]["queue"] == [c.pk]
    r.do(r.lead, "phase.next")  # a round
    r.refused(a, "hand.raise", reason="wrong_phase")
    r.do(r.lead, "phase.next")  # a dialogue without a queue
    r.refused(a, "hand.raise", reason="wrong_phase")
    r.do(a, "hand.lower")  # lowering is always fine


def test_the_chair_gives_a_raised_hand_the_word(group, facilitator, school, people):
    """From the console "Give the floor" takes a hand off the queue, in whatever order the
    chair chooses; where talk time is tracked that person's starts (a talk event, then
    the speaking event), where the work form turned it off only the queue changes. Only a
    hand that is up, only from the console, only in a dialogue with a queue."""
    room = make_room(
        group,
        facilitator,
        school,
        [phase("dialogue"), phase("dialogue", talk_time=False), phase("round")],
    )
    r = Room_(room, facilitator, people[:3])
    a, b, c = r.p
    r.start()
    r.do(a, "hand.raise")
    r.do(b, "hand.raise")
    r.refused(a, "hand.give", {"participant": a.pk}, reason="forbidden")  # not from a phone
    outcome = r.do(r.lead, "hand.give", {"participant": b.pk})  # not the first hand: fine
    assert [e["kind"] for e in events_for(outcome, "all")] == ["talk", "speaking"]
    assert r.state(c)["speaking"]["queue"] == [a.pk]
    assert r.state(c)["talk"]["talking"] == b.pk
    for junk in (b.pk, c.pk, r.lead.pk, "x", None, True):  # down already, never up, …
        r.refused(r.lead, "hand.give", {"participant": junk}, reason="invalid")
    assert r.state(c)["speaking"]["queue"] == [a.pk]

    r.do(r.lead, "phase.next")  # talk time off
    r.do(c, "hand.raise")
    outcome = r.do(r.lead, "hand.give", {"participant": c.pk})
    assert [e["kind"] for e in events_for(outcome, "all")] == ["speaking"]
    assert r.state(a)["speaking"]["queue"] == []
    assert r.state(a)["talk"]["talking"] != c.pk  # no talk time started
    r.do(r.lead, "phase.next")  # a round
    r.refused(r.lead, "hand.give", {"participant": a.pk}, reason="wrong_phase")


def test_a_seat_that_starts_leading_lowers_its_hand():
    state = {"order": [], "done": [], "passed": [], "queue": [3, 9, 2]}
    room = Room(speaking={"0": state})
    kinds.remove_leader(room, Participant(pk=9))
    assert room.speaking["0"]["queue"] == [3, 2]


def test_a_3xw_note_says_which_question_it_answers(group, facilitator, school, people):
    """3xW feedback: a note may say which of the phase's questions it answers (0-based);
    the room gets that with the note, and anyone working on the notes later too."""
    three = phase("feedback_3xw", anonymous=True, hidden_until_revealed=False)
    three["prompts_nl"] = "Wat ging goed?\n  Wat kan beter? \n\nWat neem je mee?"
    room = make_room(group, facilitator, school, [three, phase("clustering"), phase("writing")])
    r = Room_(room, facilitator, people[:1])
    r.start()
    # The screens get the questions as the engine and the report count them: 0, 1, 2.
    questions = ["Wat ging goed?", "Wat kan beter?", "Wat neem je mee?"]
    with translation.override("nl"):
        assert r.state(r.p[0])["phases"][0]["prompts"] == questions
    outcome = r.do(r.p[0], "note.add", {"text": "Meer tijd", "prompt": 1})
    assert events_for(outcome, "all")[0]["prompt"] == 1
    r.do(r.p[0], "note.add", {"text": "Zonder vraag"})
    for bad in (3, -1, True, "1", 1.0):
        r.refused(r.p[0], "note.add", {"text": "x", "prompt": bad}, "invalid")
    assert sorted(Contribution.objects.values_list("text", "prompt")) == [
        ("Meer tijd", 1),
        ("Zonder vraag", None),
    ]
    assert {n["text"]: n["prompt"] for n in r.state(r.p[0])["notes"]} == {
        "Meer tijd": 1,
        "Zonder vraag": None,
    }
    r.do(r.lead, "phase.next")
    r.do(r.lead, "phase.next")
    r.do(r.p[0], "note.add", {"text": "Gewoon", "prompt": 0})  # not a 3xW phase: ignored
    assert Contribution.objects.get(text="Gewoon").prompt is None


def test_a_reflection_phase_takes_no_notes_for_the_room(group, facilitator, school, people):
    """A reflection is private (PRODUCT.md: data classes): in its phase nothing goes to the
    room, where the console would read it at once and could show it to all; each writes
    it on their own reflection page. A clustering after it has no notes of it to sort."""
    room = make_room(
        group, facilitator, school, [phase("reflection", form="starrt"), phase("clustering")]
    )
    r = Room_(room, facilitator, people[:1])
    r.start()
    with translation.override("en"):  # the message says where to write instead
        refused = r.refused(r.p[0], "note.add", {"text": "Mijn eigen leerpunt"}, "wrong_phase")
        assert "reflection page" in str(refused.message)
    assert not Contribution.objects.exists()
    assert kinds.source_phase(engine.phases(Room.objects.get(pk=room.pk)), 1) is None


def test_the_floor_is_given_only_in_a_free_round(group, facilitator, school, people):
    room = make_room(group, facilitator, school, [phase("round"), phase("dialogue")])
    r = Room_(room, facilitator, people[:2])
    r.start()
    r.do(r.lead, "round.start")  # fixed order: the next in line speaks
    r.refused(r.lead, "turn.give", {"participant": r.p[1].pk}, "wrong_phase")
    r.do(r.lead, "phase.next")
    r.refused(r.lead, "turn.give", {"participant": r.p[1].pk}, "wrong_phase")


def test_after_a_round_the_facilitator_adds_the_options_to_vote_on(
    group, facilitator, school, people
):
    room = make_room(
        group, facilitator, school, [phase("round"), phase("dot_voting", dots_per_person=1)]
    )
    r = Room_(room, facilitator, people[:2])
    r.start(1)
    assert r.state(r.p[0])["votes"]["1"]["placed"] == 0
    r.refused(r.p[0], "vote.add", {"target": "c1"}, "invalid")  # nothing to vote on yet
    r.do(r.lead, "cluster.create", {"title": "Casus van Anna"})
    r.do(r.lead, "cluster.create", {"title": "Casus van Bram"})
    anna = Cluster.objects.get(title="Casus van Anna")
    r.do(r.p[0], "vote.add", {"target": f"c{anna.pk}"})
    r.refused(r.lead, "cluster.remove", {"cluster": anna.pk}, "has_votes")
    bram = Cluster.objects.get(title="Casus van Bram")
    r.do(r.lead, "cluster.rename", {"cluster": bram.pk, "title": "Casus van Bram (2b)"})
    r.do(r.lead, "cluster.remove", {"cluster": bram.pk})
    assert list(Cluster.objects.values_list("title", flat=True)) == ["Casus van Anna"]


def test_the_state_costs_the_same_few_queries_however_full_the_room(
    group, facilitator, school, people, django_assert_max_num_queries
):
    room = make_room(
        group,
        facilitator,
        school,
        [phase("writing", hidden_until_revealed=False), phase("clustering"), phase("consent")],
    )
    r = Room_(room, facilitator, people)
    r.start()
    for person in r.p:
        r.do(person, "note.add", {"text": f"Notitie van {person.pk}"})
    r.do(r.lead, "phase.next")
    for title in ("Een", "Twee", "Drie"):
        r.do(r.lead, "cluster.create", {"title": title})
    r.do(r.lead, "phase.next")
    r.do(r.lead, "consent.propose", {"text": "Afspraak"})
    r.do(r.lead, "capture.insight", {"text": "Inzicht"})
    r.do(r.lead, "capture.action", {"text": "Actie", "owners": [r.p[0].pk, r.p[1].pk]})
    room = Room.objects.select_related("session__method_snapshot").get(pk=room.pk)
    for viewer, facilitating in ((r.p[0], False), (r.lead, True)):
        with django_assert_max_num_queries(14):
            state = state_for(room, participant=viewer, facilitator=facilitating, projector=False)
        assert len(state["notes"]) == 6 and len(state["clusters"]) == 3


@pytest.mark.parametrize(
    ("speaking", "silent", "roles", "expected"),
    [
        ([], [], [], True),
        (["participants"], ["case_owner"], ["case_owner"], False),  # advice: she listens
        (["participants"], ["case_owner"], [], True),
        (["participants"], [], ["table_host"], True),  # a host is a participant too
        (["table_host"], [], [], False),  # harvest: only the hosts report back
        (["table_host"], [], ["table_host"], True),
        (["case_owner"], ["participants"], [], False),  # she tells, the others listen
        (["case_owner"], ["participants"], ["case_owner"], True),
    ],
)
def test_who_speaks_follows_the_phase_roles(speaking, silent, roles, expected):
    person = Participant(roles=roles)
    assert kinds.speaks({"speaking": speaking, "silent": silent}, person) is expected


# --- Who leads ----------------------------------------------------------------------------


def test_a_planner_off_the_console_is_told_to_use_it_and_a_member_is_forbidden(
    group, facilitator, school, leader, people
):
    """The engine acts as the socket's view says (`is_facilitator`), not as the person
    could: someone who may run the room gets a refusal that says where to go."""
    room = make_room(group, facilitator, school, [phase("round")])
    r = Room_(room, facilitator, [leader, people[0]])
    planner, member = r.p
    r.start()
    with translation.override("nl"):
        for who in (planner, r.lead):  # the session's facilitator on the phone page too
            for kind in ("phase.pause", "round.start", "tables.assign"):
                refused = r.refused(who, kind, facilitator=False, reason="console_only")
                assert refused.message == "Dat doe je vanaf de console; op deze pagina doe je mee."
        refused = r.refused(member, "phase.pause", reason="forbidden")
        assert refused.message == "Alleen de gespreksleider kan dat."
    r.do(planner, "phase.pause", facilitator=True)  # from the console


def test_opening_the_console_takes_a_seat_out_of_the_order_pairs_and_tables(
    group, facilitator, school, leader, people
):
    """A planner who took part on the phone page and then opens the console leads from
    then on: out of the round's order, their pair and every World Café table made while
    they took part, in one seq with an audit entry; nobody else moves."""
    room = make_room(
        group,
        facilitator,
        school,
        [
            phase("round", order="fixed"),
            phase("pairs", group_size=2),
            phase("tables", table_size=2, rounds=2, hosts_stay=True),
        ],
    )
    r = Room_(room, facilitator, [leader, *people[:3]])
    planner = r.p[0]
    r.start()
    r.do(r.lead, "round.start")
    r.do(r.lead, "turn.next")  # the planner (first to join) has spoken
    r.do(r.lead, "phase.next")
    pairs = r.do(r.lead, "pairs.form").events[0]["event"]["groups"]
    r.do(r.lead, "phase.next")
    r.do(r.lead, "tables.assign")
    r.do(r.lead, "tables.next")
    before = Room.objects.get(pk=room.pk)

    outcome = engine.console_opened(room_id=room.pk, participant=planner)

    after = Room.objects.get(pk=room.pk)
    assert after.seq == before.seq + 1
    assert {i["event"]["seq"] for i in outcome.events} == {after.seq}
    assert [i["event"]["kind"] for i in outcome.events] == [
        "joined",
        "speaking",
        "groups",
        "tables",
        "talk",
    ]
    assert all(i["audience"] == "all" for i in outcome.events)
    # The round: out of the order and done; the others keep their turns.
    others = [p.pk for p in r.p[1:]]
    assert after.speaking["0"]["order"] == others
    assert after.speaking["0"]["done"] == []
    # Pairs: the planner's partner joins the other pair, which keeps its order.
    partner = next(g for g in pairs if planner.pk in g)
    partner = next(pk for pk in partner if pk != planner.pk)
    other_pair = next(g for g in pairs if planner.pk not in g)
    assert after.groups["1"] == {"groups": [[*other_pair, partner]], "switched": False}
    # Tables: out of every round's table and no host; everyone else sits where they sat.
    assert after.tables["2"]["round"] == 1
    assert planner.pk not in after.tables["2"]["hosts"]
    assert set(after.tables["2"]["hosts"]) == set(before.tables["2"]["hosts"]) - {planner.pk}
    for tables_before, tables_after in zip(
        before.tables["2"]["schedule"], after.tables["2"]["schedule"], strict=True
    ):
        assert tables_after == [[p for p in t if p != planner.pk] for t in tables_before]
    # The equal share is among the three who take part now.
    assert events_for(outcome, "all")[-1]["talk"]["equal_share"] == round(1 / 3, 3)
    entry = AuditEntry.objects.get(action="room.lead")
    assert entry.actor == leader and entry.target == f"session:{room.session_id}"
    assert entry.detail == {"left": {"orders": [0], "pairs": [1], "tables": [2]}}
    # Already leading: nothing happens again.
    assert engine.console_opened(room_id=room.pk, participant=planner) is None
    assert AuditEntry.objects.filter(action="room.lead").count() == 1
    assert Room.objects.get(pk=room.pk).seq == after.seq
    state = r.state(r.p[1])
    assert state["groups"] == after.groups and state["tables"] == after.tables


def test_a_new_facilitator_leaves_the_order_they_were_in(group, facilitator, school, people):
    """Planning hands the session to someone in the room: their seat leads from then on
    (as on opening the console), one seq, audited; the old facilitator's seat stays and
    takes part from the next seq on, at the end of the round under way."""
    room = make_room(group, facilitator, school, [phase("round", order="fixed")])
    r = Room_(room, facilitator, people[:3])
    r.start()
    r.do(r.lead, "round.start")
    new = r.p[1]
    Session.objects.filter(pk=room.session_id).update(facilitator=new.user)
    before = Room.objects.get(pk=room.pk)

    outcome = engine.facilitator_changed(room_id=room.pk, previous_id=facilitator.pk)

    after = Room.objects.get(pk=room.pk)
    assert after.seq == before.seq + 2
    kinds_sent = [i["event"]["kind"] for i in outcome.events]
    assert kinds_sent == ["joined", "speaking", "talk", "joined", "speaking", "talk"]
    assert outcome.events[0]["event"]["participant"]["leads"] is True
    assert outcome.events[3]["event"]["participant"]["leads"] is False
    assert after.speaking["0"]["order"] == [r.p[0].pk, r.p[2].pk, r.lead.pk]
    assert AuditEntry.objects.get(action="room.lead").actor == new.user
    assert not kinds.leads(after, Participant.objects.get(pk=r.lead.pk))


def replace_facilitator(room, new_user, *, planner):
    """The session gets `new_user` as facilitator; the old one stays a planner or not."""
    from samenspraak.schools.models import Membership

    old = room.session.facilitator
    Membership.objects.filter(user=old).update(is_facilitator=planner)
    Session.objects.filter(pk=room.session_id).update(facilitator=new_user)
    return engine.facilitator_changed(room_id=room.pk, previous_id=old.pk)


def test_a_latecomer_joins_a_round_under_way_at_its_end(group, facilitator, school, people):
    """Someone who comes in while a round still has people to speak is put at the end of
    its order (nobody moves, the floor stays where it is); once everyone has spoken, or
    before the round begins, the order is left alone."""
    room = make_room(group, facilitator, school, [phase("round", order="fixed")])
    r = Room_(room, facilitator, people[:2])
    a, b = r.p
    r.start()

    def come_in(email):
        user = make_person(school, email, email.split("@")[0].title())
        GroupMember.objects.create(group=group, user=user)
        seat = Participant.objects.create(room=room, user=user)
        return seat, engine.seat_taken(room_id=room.pk, participant=seat)

    early, outcome = come_in("vroeg@delinde.nl")  # before the round: no order to join
    assert [i["event"]["kind"] for i in outcome.events] == ["joined"]
    r.do(r.lead, "round.start")
    r.do(r.lead, "turn.next")
    late, outcome = come_in("laat@delinde.nl")
    assert [i["event"]["kind"] for i in outcome.events] == ["joined", "speaking"]
    state = outcome.events[1]["event"]["state"]
    assert state["order"] == [a.pk, b.pk, early.pk, late.pk] and state["done"] == [a.pk]
    assert all(i["event"]["seq"] == outcome.seq for i in outcome.events)
    for _ in range(3):
        r.do(r.lead, "turn.next")
    after, outcome = come_in("na@delinde.nl")  # everyone has spoken: the round is over
    assert [i["event"]["kind"] for i in outcome.events] == ["joined"]
    assert after.pk not in Room.objects.get(pk=room.pk).speaking["0"]["order"]


def test_a_replaced_facilitator_takes_part_from_then_on(group, facilitator, school, people):
    """The old facilitator ran the room from the console and may no longer plan: their
    seat leads no more. It is seated at the World Café tables from the current round on
    (nobody else moves), counts in the equal share, and every screen hears of it, in the
    seq after the one in which the new facilitator's seat starts to lead."""
    room = make_room(
        group, facilitator, school, [phase("tables", table_size=2, rounds=3, hosts_stay=True)]
    )
    r = Room_(room, facilitator, people[:4])
    Participant.objects.filter(pk=r.lead.pk).update(on_console=True)
    r.start()
    r.do(r.lead, "tables.assign")
    r.do(r.lead, "tables.next")
    before = Room.objects.get(pk=room.pk)
    new = r.p[3]

    outcome = replace_facilitator(room, new.user, planner=False)

    after = Room.objects.get(pk=room.pk)
    old = Participant.objects.get(pk=r.lead.pk)
    assert not old.on_console and not kinds.leads(after, old)
    assert after.seq == before.seq + 2
    sent = [(i["event"]["kind"], i["event"]["seq"]) for i in outcome.events]
    assert sent == [
        ("joined", before.seq + 1),
        ("tables", before.seq + 1),
        ("talk", before.seq + 1),
        ("joined", after.seq),
        ("tables", after.seq),
        ("talk", after.seq),
    ]
    joined = [outcome.events[i]["event"]["participant"] for i in (0, 3)]
    assert [(p["id"], p["leads"]) for p in joined] == [(new.pk, True), (old.pk, False)]
    schedule, was = after.tables["0"]["schedule"], before.tables["0"]["schedule"]
    assert not any(old.pk in table for table in schedule[0])  # the round that was
    for round_before, round_after in zip(was[1:], schedule[1:], strict=True):
        assert sum(old.pk in table for table in round_after) == 1
        for table_before, table_after in zip(round_before, round_after, strict=True):
            # nobody else moves; the new facilitator has left every table
            assert [p for p in table_after if p != old.pk] == [
                p for p in table_before if p != new.pk
            ]
    # The equal share is among the old facilitator and three others.
    assert outcome.events[-1]["event"]["talk"]["equal_share"] == round(1 / 4, 3)
    assert r.state(old)["me"]["leads"] is False


def test_a_replaced_facilitator_who_still_plans_leads_on_from_the_console(
    group, facilitator, school, people
):
    """A planner may run any room of the school: opened from the console, their seat goes
    on leading after someone else becomes the facilitator."""
    room = make_room(group, facilitator, school, [phase("round", order="fixed")])
    r = Room_(room, facilitator, people[:3])
    Participant.objects.filter(pk=r.lead.pk).update(on_console=True)
    r.start()
    before = Room.objects.get(pk=room.pk)

    outcome = replace_facilitator(room, people[0], planner=True)

    after = Room.objects.get(pk=room.pk)
    assert kinds.leads(after, Participant.objects.get(pk=r.lead.pk))
    assert after.seq == before.seq + 1  # only the new facilitator's seat changed
    assert outcome.events[0]["event"]["participant"]["id"] == r.p[0].pk


def test_a_facilitator_taken_off_the_session_is_not_seated(group, facilitator, school, people):
    """Replaced and taken out of the group at once: the seat leads no more (the screens
    hear it), but is put at no table, as its holder may no longer see the room. (The new
    facilitator has no seat, so theirs sends nothing.)"""
    room = make_room(group, facilitator, school, [phase("tables", table_size=2, rounds=2)])
    r = Room_(room, facilitator, people[:4])
    r.start()
    r.do(r.lead, "tables.assign")
    GroupMember.objects.filter(group=group, user=facilitator).delete()
    successor = make_person(school, "nieuw@delinde.nl", "Nieuwe Leider", is_facilitator=True)

    outcome = replace_facilitator(room, successor, planner=False)

    after = Room.objects.get(pk=room.pk)
    assert [i["event"]["kind"] for i in outcome.events] == ["joined", "talk"]
    assert outcome.events[0]["event"]["participant"]["leads"] is False
    schedule = after.tables["0"]["schedule"]
    assert not any(r.lead.pk in table for tables in schedule for table in tables)


def test_a_seat_first_taken_on_the_console_is_audited_unless_it_is_the_facilitators(
    group, facilitator, school, leader
):
    room = make_room(group, facilitator, school, [phase("round")])
    own = Participant.objects.create(room=room, user=facilitator, on_console=True)
    engine.seat_taken(room_id=room.pk, participant=own)
    assert not AuditEntry.objects.filter(action="room.lead").exists()

    planner = Participant.objects.create(room=room, user=leader, on_console=True)
    engine.seat_taken(room_id=room.pk, participant=planner)
    entry = AuditEntry.objects.get(action="room.lead")
    assert entry.actor == leader and entry.target == f"session:{room.session_id}"
    assert entry.detail == {"left": {}}


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ([[9, 1], [2, 3]], [[2, 3, 1]]),  # the partner makes the other pair a trio
        ([[1, 2], [9, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]),  # the smallest group
        ([[1, 2, 3], [4, 5, 6], [9, 7]], [[1, 2, 3], [4, 5, 6, 7]]),  # only trios: a four
        ([[1, 9, 2], [3, 4]], [[1, 2], [3, 4]]),  # a trio goes on as a pair
        ([[9, 1]], [[1]]),  # nobody else: on their own
        ([[1, 2], [3, 4]], [[1, 2], [3, 4]]),  # not in a pair: nothing changes
    ],
)
def test_who_is_left_alone_when_their_partner_starts_leading(groups, expected):
    room = Room(groups={"0": {"groups": groups, "switched": True}})
    events, changed = kinds.remove_leader(room, Participant(pk=9))
    assert room.groups["0"] == {"groups": expected, "switched": True}
    assert changed["pairs"] == ([0] if events else [])


def test_a_seat_that_starts_leading_gives_up_the_floor_of_a_free_round():
    state = {"order": [1, 9, 2], "done": [1], "passed": [], "queue": [], "free": True}
    room = Room(speaking={"0": state | {"current": 9}, "1": state | {"current": 2}})
    events, changed = kinds.remove_leader(room, Participant(pk=9))
    assert room.speaking["0"]["current"] is None and room.speaking["0"]["order"] == [1, 2]
    assert room.speaking["1"]["current"] == 2  # someone else's floor stays theirs
    assert changed["orders"] == [0, 1] and len(events) == 2


@pytest.mark.parametrize(
    "slug, roles",
    [
        ("data-team-1-problem", []),
        ("check-in-round", []),
        ("incident-method", ["case_owner"]),
        ("gossip-method", ["case_owner"]),
        ("world-cafe", ["table_host"]),
        ("dilemma-cafe", ["case_owner", "table_host"]),
    ],
)
def test_the_console_offers_only_the_roles_the_work_form_uses(
    group, facilitator, school, slug, roles
):
    builtin = Method.objects.builtin().get(slug=slug)
    snapshot = snapshot_take(method=method_copy(method=builtin, school=school, by=facilitator))
    session = Session.objects.create(
        school=school, group=group, facilitator=facilitator, title="Rollen",
        starts_at=timezone.now(), method_snapshot=snapshot,
    )  # fmt: skip
    room = room_of(session)
    assert kinds.roles_in_use(room) == roles
    lead = Participant.objects.create(room=room, user=facilitator)
    assert (
        state_for(room, participant=lead, facilitator=True, projector=False)["roles_in_use"]
        == roles
    )
    if slug == "check-in-round":  # a World Café phase added by a school: hosts come with it
        snapshot.data["phases"][0]["kind"] = "tables"
        snapshot.save()
        assert kinds.roles_in_use(Room.objects.get(pk=room.pk)) == ["table_host"]


def test_a_writer_takes_a_note_back_before_it_is_shown(group, facilitator, school, people):
    """Until the notes are shown a writer can take a note back: named or anonymous, proven
    by the id of the action that wrote it (the note's key is derived from it and the seat).
    Nobody else can, not after the reveal, not from another phase. What stays is the key
    alone; a replay of the writing action writes nothing, and no withdrawal leaves a
    ClientAction (its event names the note)."""
    room = make_room(
        group,
        facilitator,
        school,
        [phase("writing"), phase("writing", anonymous=True), phase("writing")],
    )
    r = Room_(room, facilitator, people[:3])
    a, b, c = r.p
    r.start()
    wrote = uuid.uuid4()
    outcome = r.do(a, "note.add", {"text": "Een tikfout"}, client_id=wrote)
    (own,) = events_for(outcome, f"participant:{a.pk}")
    assert own["action"] == str(wrote) and own["yours"]
    assert all("action" not in e for e in events_for(outcome, "facilitators"))
    key = own["id"]
    r.refused(b, "note.withdraw", {"action": str(wrote)}, reason="gone")  # not b's note
    for junk in ({}, {"action": 5}, {"action": "nope"}, {"action": [str(wrote)]}):
        r.refused(a, "note.withdraw", junk, reason="invalid")
    r.refused(r.lead, "note.withdraw", {"action": str(wrote)}, reason="gone")
    kept = ClientAction.objects.filter(participant=a).count()  # the named note's own
    outcome = r.do(a, "note.withdraw", {"action": str(wrote).upper()})
    gone = {"kind": "note_withdrawn", "id": key, "phase": 0, "seq": outcome.seq}
    assert events_for(outcome, f"participant:{a.pk}") == [gone]
    assert events_for(outcome, "facilitators") == [gone]
    assert events_for(outcome, "all")[0]["count"] == 0
    assert not Contribution.objects.filter(room=room).exists()
    assert list(WithdrawnNote.objects.filter(room=room).values_list("id", flat=True)) == [
        uuid.UUID(key)
    ]
    assert ClientAction.objects.filter(participant=a).count() == kept
    assert r.do(a, "note.add", {"text": "Een tikfout"}, client_id=wrote).replayed
    assert not Contribution.objects.filter(room=room).exists()  # the replay wrote nothing
    r.refused(a, "note.withdraw", {"action": str(wrote)}, reason="gone")  # nor twice
    assert r.state(r.lead)["notes"] == []

    shown = uuid.uuid4()
    r.do(a, "note.add", {"text": "Blijft staan"}, client_id=shown)
    r.do(r.lead, "notes.reveal")
    r.refused(a, "note.withdraw", {"action": str(shown)}, reason="shown")

    r.do(r.lead, "phase.next")  # anonymous
    secret = uuid.uuid4()
    r.do(c, "note.add", {"text": "Anoniem, toch liever niet"}, client_id=secret)
    r.refused(b, "note.withdraw", {"action": str(secret)}, reason="gone")
    r.do(c, "note.withdraw", {"action": str(secret)})
    assert not Contribution.objects.filter(room=room, phase_index=1).exists()
    assert not ClientAction.objects.filter(participant=c).exists()
    assert r.do(c, "note.add", {"text": "Anoniem"}, client_id=secret).replayed
    assert not Contribution.objects.filter(room=room, phase_index=1).exists()

    earlier = uuid.uuid4()
    r.do(b, "note.add", {"text": "Van fase 2"}, client_id=earlier)
    r.do(r.lead, "phase.next")
    r.refused(b, "note.withdraw", {"action": str(earlier)}, reason="shown")  # its phase is over
    assert Contribution.objects.filter(room=room, phase_index=1).count() == 1
