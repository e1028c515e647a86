"""The full state of a room as one viewer may see it: sent on connect, on reconnect and
whenever a client asks (it saw a gap in the event sequence)."""

from django.utils import timezone
from django.utils.translation import get_language

from samenspraak.live.engine import note_payload, phases, position_summary, talk_summary, timer
from samenspraak.live.models import Contribution, Participant, Room
from samenspraak.planning.services import ground_rules_for


def _localized(phase: dict, name: str) -> str:
    language = (get_language() or "nl")[:2]
    return phase.get(f"{name}_{language}") or phase.get(f"{name}_nl", "")


def state_for(
    room: Room, *, participant: Participant | None, facilitator: bool, projector: bool
) -> dict:
    session = room.session
    items = phases(room)
    notes = Contribution.objects.filter(room=room).select_related("author__user")
    visible = []
    counts: dict[int, int] = {}
    for note in notes:
        counts[note.phase_index] = counts.get(note.phase_index, 0) + 1
        phase = items[note.phase_index] if note.phase_index < len(items) else {}
        hidden = (
            phase.get("settings", {}).get("hidden_until_revealed", True)
            and note.phase_index not in room.revealed
        )
        mine = participant is not None and note.author_id == participant.pk
        if facilitator or not hidden or mine:
            visible.append(note_payload(note) | ({"yours": True} if mine else {}))
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
                "prompts": [line for line in _localized(p, "prompts").splitlines() if line.strip()],
                "guidance": _localized(p, "guidance") if facilitator else "",
                "settings": p.get("settings", {}),
                "speaking": p.get("speaking", []),
                "silent": p.get("silent", []),
            }
            for p in items
        ],
        "timer": timer(room),
        "participants": [{"id": p.pk, "name": p.display_name, "roles": p.roles} for p in people],
        "me": (
            {"id": participant.pk, "name": participant.display_name, "roles": participant.roles}
            if participant
            else None
        ),
        "facilitator": facilitator,
        "projector": projector,
        "revealed": room.revealed,
        "notes": visible,
        "note_counts": {str(k): v for k, v in counts.items()},
        "speaking": room.speaking.get(str(room.phase_index), {}),
        "talk": talk_summary(room),
        "positions": position_summary(room)
        | {
            "mine": room.positions.get(str(room.phase_index), {}).get(str(participant.pk))
            if participant
            else None
        },
    }
