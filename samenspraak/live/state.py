"""The full state of a room as one viewer may see it: sent on connect, on reconnect and
whenever a client asks (it saw a gap in the event sequence). It filters exactly as the
events do (engine.py, kinds.py): hidden notes and vote totals only for the console, a
World Café table's notes only for the people sitting at that table (their own notes from
earlier tables apart, in `my_earlier_notes`), consent reasons only for the console once
the check is closed, and never who answered what in an anonymous check."""

from django.utils import timezone
from django.utils.translation import get_language

from samenspraak.followup.models import Agreement, SupportGiven
from samenspraak.live import kinds
from samenspraak.live.engine import (
    dilemma_summary,
    note_payload,
    participant_payload,
    phases,
    position_summary,
    talk_summary,
    timer,
)
from samenspraak.live.models import Cluster, Contribution, Participant, Room
from samenspraak.methods.models import prompt_lines
from samenspraak.planning.services import ground_rules_for


def _localized(phase: dict, name: str) -> str:
    language = (get_language() or "nl")[:2]
    return phase.get(f"{name}_{language}") or phase.get(f"{name}_nl", "")


def _notes(room, items, participant, facilitator, projector):
    """(notes this viewer sees, own notes from earlier tables, counts per phase).

    A World Café table's notes stay at the table: a phone sees those of the table it sits
    at in the current round (written in any round). Its own notes from tables it sat at
    before come apart, with their table and round, not among the notes of its table."""
    notes = Contribution.objects.filter(room=room).select_related("author__user")
    visible, earlier = [], []
    counts: dict[int, int] = {}
    my_tables: dict[int, int | None] = {}
    for note in notes:
        counts[note.phase_index] = counts.get(note.phase_index, 0) + 1
        mine = participant is not None and note.author_id == participant.pk
        payload = note_payload(note) | ({"yours": True} if mine else {})
        if facilitator or kinds.shared_with_room(room, items, note.phase_index):
            visible.append(payload)
        elif note.table is None:
            if mine:
                visible.append(payload)
        elif projector:
            visible.append(payload)
        elif participant is not None:
            if note.phase_index not in my_tables:
                seat = kinds.table_of(room, note.phase_index, participant.pk)
                my_tables[note.phase_index] = seat[0] if seat else None
            if my_tables[note.phase_index] == note.table:
                visible.append(payload)
            elif mine:
                earlier.append(payload)
    return visible, earlier, counts


def _votes(room, items, participant, facilitator):
    votes = {}
    for index, phase in enumerate(items):
        if phase["kind"] != "dot_voting":
            continue
        summary = kinds.vote_summary(room, index)
        if not facilitator and kinds.votes_hidden(room, phase, index):
            del summary["totals"]
        if participant is not None:
            summary["mine"] = room.dots.get(str(index), {}).get(str(participant.pk), {})
        votes[str(index)] = summary
    return votes


def _agreements(room, participant, facilitator):
    agreements = list(Agreement.objects.filter(session=room.session).prefetch_related("answers"))
    answered = set()
    if participant is not None and agreements:
        answered = set(
            SupportGiven.objects.filter(
                agreement__in=agreements, voter=kinds.voter_key(participant)
            ).values_list("agreement_id", flat=True)
        )
    return [
        kinds.agreement_payload(
            a, facilitator=facilitator, mine=(a.pk in answered) if participant else None
        )
        for a in agreements
    ]


def _decks(room):
    decks = []
    for deck in kinds.decks_for(room).prefetch_related("cards"):
        count = len(deck.cards.all())
        name = (
            deck.name_en if (get_language() or "nl")[:2] == "en" and deck.name_en else deck.name_nl
        )
        decks.append(
            {
                "id": deck.pk,
                "name": name,
                "cards": count,
                "left": kinds.cards_left(room, deck, count),
            }
        )
    return decks


def state_for(
    room: Room, *, participant: Participant | None, facilitator: bool, projector: bool
) -> dict:
    session = room.session
    items = phases(room)
    visible, earlier, counts = _notes(room, items, participant, facilitator, projector)
    dilemma = dilemma_summary(room)
    people = list(room.participants.select_related("user").order_by("joined_at"))
    return {
        "type": "state",
        "seq": room.seq,
        "now": timezone.now().isoformat(),
        "status": room.status,
        "session": {"title": session.title, "join_code": session.join_code},
        "ground_rules": [r.text for r in ground_rules_for(session.school)]
        + ([session.extra_ground_rules] if session.extra_ground_rules else []),
        "phase_index": room.phase_index,
        "phases": [
            {
                "title": _localized(p, "title"),
                "kind": p["kind"],
                "minutes": p["minutes"],
                "purpose": _localized(p, "purpose"),
                "prompts": prompt_lines(_localized(p, "prompts")),
                "guidance": _localized(p, "guidance") if facilitator else "",
                "settings": p.get("settings", {}),
                "speaking": p.get("speaking", []),
                "silent": p.get("silent", []),
            }
            for p in items
        ],
        "timer": timer(room),
        "participants": [participant_payload(room, p) for p in people],
        "me": participant_payload(room, participant) if participant else None,
        "facilitator": facilitator,
        "projector": projector,
        "roles_in_use": kinds.roles_in_use(room),
        "revealed": room.revealed,
        "notes": visible,
        "my_earlier_notes": earlier,
        "note_counts": {str(k): v for k, v in counts.items()},
        "speaking": room.speaking.get(str(room.phase_index), {}),
        "talk": talk_summary(room),
        "positions": position_summary(room)
        | {
            "mine": room.positions.get(str(room.phase_index), {}).get(str(participant.pk))
            if participant
            else None
        },
        "dilemma": dilemma["dilemma"],
        "polls": dilemma["polls"],
        "clusters": [
            kinds.cluster_payload(c) for c in Cluster.objects.filter(room=room).order_by("pk")
        ],
        "votes": _votes(room, items, participant, facilitator),
        "cards": room.cards.get("shown", {}),
        "decks": _decks(room) if facilitator else [],
        "groups": room.groups,
        "tables": room.tables,
        "agreements": _agreements(room, participant, facilitator),
        "captured": kinds.captured(room),
        "review": kinds.review(room) if room.phase_index < 0 else [],
    }
