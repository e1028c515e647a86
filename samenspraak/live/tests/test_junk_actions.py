"""Every live action, with junk and with near-valid payloads, in every kind of phase.

The socket lets through any JSON object as a payload (see consumers.handle_action), so
the engine must answer each one with an outcome or with a refusal that has a reason and
a message, and a refusal must change nothing. Any other exception would close the
sender's socket instead of telling them what was wrong. What is accepted must stay
sendable: events and the state a screen gets are strict JSON (no NaN, which the
browser's JSON.parse cannot read).

The payloads come from a seeded generator (the room's own ids differ from run to run);
a failure names the phase, the action, who sent it and the payload.
"""

import json
import math
import random
import reprlib

import pytest
from django.db import connection
from django.db.models import F, Func, IntegerField, OuterRef, Subquery

from samenspraak.followup.models import ActionPoint, Agreement, Insight, SupportAnswer
from samenspraak.live import engine
from samenspraak.live.models import ClientAction, Cluster, Contribution, Participant, Room
from samenspraak.live.tests.test_kinds import Room_, make_room, members, phase
from samenspraak.methods.models import Card, CardDeck

pytestmark = pytest.mark.django_db

PHASES = [
    phase("information"),
    phase("round", order="free"),
    phase("dialogue"),
    phase("writing", anonymous=True, max_items=3),
    phase("clustering"),
    phase("dot_voting", dots_per_person=2),
    phase("card_draw", cards_per_draw=2),
    phase("pairs", group_size=2),
    phase("tables", table_size=3, rounds=2),
    phase("positions", mode="ab"),
    phase("positions", mode="scale", scale_points=5),
    phase("consent", anonymous=False, reasons_required=True),
    phase("actions"),
    phase("reflection"),
    {**phase("feedback_3xw"), "prompts_nl": "Wat\nWaarom\nWat nu", "prompts_en": "a\nb\nc"},
    phase("quality_check"),
]
# Moving between phases is checked apart (see the end of the test): a move in the middle
# of the walk would fuzz another phase than the one named.
MOVES = {"room.start", "room.end", "phase.next", "phase.back"}
KEYS = [
    "agreement",
    "answer",
    "cluster",
    "deck",
    "due",
    "minutes",
    "note",
    "owners",
    "participant",
    "prompt",
    "reason",
    "role",
    "target",
    "text",
    "title",
    "value",
]
JUNK = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    math.nan,  # json.loads reads NaN and Infinity
    math.inf,
    2**63,
    10**40,
    "",
    "   ",
    "1",
    "abc",
    "x" * 3000,
    "2027-02-30",
    "\u202eevil",
    "00000000-0000-4000-8000-000000000000",  # a well-formed id of nothing
    [],
    [1, "a", None],
    [[1]],
    {},
    {"pk": 1},
]
# Payloads per action and phase: many where the action belongs (any refusal but
# "wrong_phase"), a few for the actions that belong to every phase.
WHERE_IT_BELONGS = 10
ANY_PHASE = {
    "capture.action",
    "capture.agreement",
    "capture.insight",
    "hand.lower",
    "phase.extend",
    "phase.pause",
    "phase.resume",
    "role.assign",
    "talk.start",
    "talk.stop",
}
IN_ANY_PHASE = 3
ENOUGH_ACCEPTED = 3  # of one action in one phase: what junk does is in the refusals


SHORT = reprlib.Repr()  # a failure's payload, with long texts cut short
SHORT.maxstring = SHORT.maxother = 40
SHORT.maxdict = 20


def counted(model, **where) -> Subquery:
    """How many rows of `model` match, as a subquery (COUNT without a GROUP BY)."""
    rows = model.objects.filter(**where).order_by()
    count = Func(F("pk"), function="COUNT", output_field=IntegerField())
    return Subquery(rows.annotate(n=count).values("n"))


def fingerprinter(room: Room):
    """A function that returns what an action could change: the room's row and how many
    rows hang off it. One query, built once (it runs twice for each of some 1,500
    actions; building it each time took most of the test's time)."""
    rows = Room.objects.filter(pk=room.pk).annotate(
        notes=counted(Contribution, room=OuterRef("pk")),
        themes=counted(Cluster, room=OuterRef("pk")),
        seats=counted(Participant, room=OuterRef("pk")),
        actions_kept=counted(ClientAction, participant__room=OuterRef("pk")),
        agreements=counted(Agreement, session=OuterRef("session_id")),
        answers=counted(SupportAnswer, agreement__session=OuterRef("session_id")),
        action_points=counted(ActionPoint, session=OuterRef("session_id")),
        insights=counted(Insight, session=OuterRef("session_id")),
    )
    sql, params = rows.values_list().query.sql_with_params()

    def fingerprint() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    return fingerprint


def near_valid(r: Room_) -> dict:
    """Ids and values of this room (and of no room), mixed with junk: enough of them pass
    the first checks to reach the later ones."""
    seats = [r.lead, *r.p]
    notes = [
        str(pk) for pk in Contribution.objects.filter(room=r.room).values_list("pk", flat=True)
    ]
    clusters = list(Cluster.objects.filter(room=r.room).values_list("pk", flat=True))
    agreements = Agreement.objects.filter(session_id=r.room.session_id)
    # An open check most often: answers to it get furthest.
    agreements = [a.pk for a in agreements for _ in range(4 if a.check_open else 1)]
    decks = list(CardDeck.objects.values_list("pk", flat=True))
    return {
        "agreement": agreements + [10**9],
        "answer": ["agree", "concern", "objection", "AGREE"],
        "cluster": clusters + [10**9],
        "deck": decks + [10**9],
        "due": ["2027-03-01", "2020-01-01", "01-03-2027"],
        "minutes": [1, 60, 61, 0],
        "note": notes + ["not-a-uuid"],
        "owners": [[s.pk for s in seats], [r.p[0].pk, r.p[0].pk], [10**9], list(range(1, 30))],
        "participant": [s.pk for s in seats] + [10**9],
        "prompt": [0, 2, 3],
        "reason": ["Omdat het zo is.", "", "x" * 3000],
        "role": ["case_owner", "table_host", "facilitator", "timekeeper"],
        "target": ["A", "B", *(f"c{c}" for c in clusters), *(f"n{n}" for n in notes), *notes],
        "text": ["Een gewone zin.", "x" * 1001],
        "title": ["Thema", "x" * 121],
        "value": ["A", "B", 1, 5, 6],
    }


def payload_for(r: Room_, rng: random.Random) -> dict:
    """Most keys near-valid, some junk, some missing: deep enough to pass a handler's
    first checks, rough enough to trip its later ones."""
    choices = near_valid(r)
    payload = {}
    for key in KEYS:
        draw = rng.random()
        if draw < 0.7:
            payload[key] = rng.choice(choices[key] or JUNK)
        elif draw < 0.85:
            payload[key] = rng.choice(JUNK)
    if rng.random() < 0.1:
        payload[rng.choice(["x", "__proto__", "note_id", "seq"])] = rng.choice(JUNK)
    return payload


def send(r: Room_, fingerprint, who: Participant, kind: str, payload: dict, where: str) -> str:
    """Apply one action; fail with everything needed to replay it unless the engine
    either accepts it with strict-JSON events or refuses it and changes nothing.
    Returns the reason of the refusal, or "accepted"."""
    before = fingerprint()
    sender = "the facilitator" if who == r.lead else "a member"
    told = f"{where}: {kind} by {sender}, {SHORT.repr(payload)}"
    try:
        outcome = r.do(who, kind, payload)
    except engine.Refused as refused:
        assert refused.reason and refused.message, told
        assert fingerprint() == before, f"refused but changed: {told}"
        return refused.reason
    except Exception as error:  # noqa: BLE001  (the point of the test)
        pytest.fail(f"{type(error).__name__}: {error} — {told}")
    try:
        json.dumps([item["event"] for item in outcome.events], allow_nan=False)
    except ValueError as error:
        pytest.fail(f"an event is not strict JSON ({error}) — {told}")
    return "accepted"


def every_screen_can_load(r: Room_, where: str) -> None:
    """The state each seat and the projector get on (re)connecting is strict JSON."""
    states = [r.state(who) for who in (r.lead, *r.p)] + [r.state(r.lead, projector=True)]
    try:
        json.dumps(states, allow_nan=False)
    except ValueError as error:
        pytest.fail(f"a screen's state is not strict JSON ({error}) — {where}")


def test_junk_in_every_action_of_every_phase_is_refused_or_accepted_never_an_error(
    group, facilitator, school
):
    deck = CardDeck.objects.create(school=school, slug="eigen", name_nl="Eigen stapel")
    for i in range(3):
        Card.objects.create(deck=deck, position=i, theme_nl="T", text_nl=f"Vraag {i}")
    room = make_room(group, facilitator, school, PHASES)
    r = Room_(room, facilitator, [*members(school, group, 5), "Gast Ouder"])
    rng = random.Random(20261201)
    fingerprint = fingerprinter(room)
    actions = sorted((engine.FACILITATOR_ACTIONS | engine.PARTICIPANT_ACTIONS) - MOVES)
    r.start()
    for index, item in enumerate(PHASES):
        assert Room.objects.get(pk=room.pk).phase_index == index
        where = f"phase {index} ({item['kind']})"
        # Something to act on: notes to sort and vote on, a theme, a proposal.
        if item["kind"] == "writing":
            blank = fingerprint()
            for text in ("Rust", "Tijd", "Regels"):
                r.do(r.p[0], "note.add", {"text": text})
            assert fingerprint() != blank  # it sees what an action writes
        if item["kind"] == "clustering":
            r.do(r.lead, "notes.reveal")
            r.do(r.lead, "cluster.create", {"title": "Klas"})
        if item["kind"] == "consent":
            r.do(r.lead, "consent.propose", {"text": "We beginnen elke les met een vraag."})
        for kind in actions:
            accepted = 0
            for _ in range(IN_ANY_PHASE if kind in ANY_PHASE else WHERE_IT_BELONGS):
                # Mostly who may send it (so it gets past "forbidden"), now and then not.
                lead = (kind in engine.FACILITATOR_ACTIONS) != (rng.random() < 0.1)
                who = r.lead if lead else rng.choice(r.p)
                answer = send(r, fingerprint, who, kind, payload_for(r, rng), where)
                accepted += answer == "accepted"
                if answer == "wrong_phase" or accepted == ENOUGH_ACCEPTED:
                    break
        every_screen_can_load(r, where)
        if index < len(PHASES) - 1:
            r.do(r.lead, "phase.next")

    # The moves take no payload: junk beside them changes nothing about what they do.
    for kind in ("phase.back", "phase.next"):
        index = Room.objects.get(pk=room.pk).phase_index
        outcome = r.do(r.lead, kind, {key: math.nan for key in KEYS})
        json.dumps([i["event"] for i in outcome.events], allow_nan=False)
        assert Room.objects.get(pk=room.pk).phase_index == index + (
            1 if kind == "phase.next" else -1
        )
    r.do(r.lead, "room.end", {"text": math.inf})
    for kind in actions:
        send(r, fingerprint, r.lead, kind, payload_for(r, rng), "after the end")
    every_screen_can_load(r, "after the end")
