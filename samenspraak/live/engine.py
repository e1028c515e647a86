"""The phase engine: every change to a live room goes through `apply()`.

An action is applied in one transaction that locks the room row, raises `Room.seq` and
records the client's action id, so a replayed action changes nothing and gets the first
answer again. The events to broadcast are returned; the consumer sends them after commit.
Actions name the phase they were meant for: one meant for another phase (a client that
is behind) is refused, so participants can never run ahead of the facilitator.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from samenspraak.core.audit import record
from samenspraak.followup.models import Agreement
from samenspraak.live import kinds
from samenspraak.live.access import may_stay, runs_room
from samenspraak.live.kinds import NOTE_KINDS, Refused, group_members, leads, whole_number
from samenspraak.live.models import (
    ClientAction,
    Contribution,
    Participant,
    Room,
    RoomStatus,
    WithdrawnNote,
)
from samenspraak.methods.kinds import MethodRole
from samenspraak.methods.models import prompt_lines
from samenspraak.planning.models import Session, SessionStatus

MAX_NOTE = 1000
MAX_DILEMMA = 200  # "a good dilemma question is short (≈15 words)": room to spare
MAX_OPTION = 100
FACILITATOR_ACTIONS = {
    "room.start",
    "room.end",
    "phase.next",
    "phase.back",
    "phase.pause",
    "phase.resume",
    "phase.extend",
    "notes.reveal",
    "round.start",
    "turn.next",
    "turn.give",
    "hand.give",
    "talk.start",
    "talk.stop",
    "role.assign",
    "dilemma.set",
    *kinds.FACILITATOR_HANDLERS,
}
PARTICIPANT_ACTIONS = {
    "note.add",
    "note.withdraw",
    "hand.raise",
    "hand.lower",
    "turn.pass",
    "position.take",
    *kinds.PARTICIPANT_HANDLERS,
}
__all__ = ["Refused", "apply", "seat_taken"]


@dataclass
class Outcome:
    seq: int
    events: list[dict] = field(default_factory=list)  # {"audience": ..., "event": {...}}
    replayed: bool = False


def phases(room: Room) -> list[dict]:
    snapshot = room.session.method_snapshot
    return list(snapshot.data.get("phases", [])) if snapshot else []


def current_phase(room: Room) -> dict | None:
    items = phases(room)
    return items[room.phase_index] if 0 <= room.phase_index < len(items) else None


def phase_seconds_left(room: Room, now=None) -> int | None:
    phase = current_phase(room)
    if phase is None or room.phase_started_at is None:
        return None
    return int(phase["minutes"] * 60 + room.extra_seconds - room.running_seconds(now))


def _all(event: dict) -> dict:
    return {"audience": "all", "event": event}


def _facilitators(event: dict) -> dict:
    return {"audience": "facilitators", "event": event}


def _only(participant: Participant, event: dict) -> dict:
    return {"audience": f"participant:{participant.pk}", "event": event}


def _start_phase(room: Room, index: int) -> None:
    # Whoever was speaking stops with the phase: a new phase starts with nobody timed.
    _close_talk(room, timezone.now())
    room.phase_index = index
    room.phase_started_at = timezone.now()
    room.paused_at = None
    room.paused_seconds = 0
    room.extra_seconds = 0
    room.status = RoomStatus.RUNNING
    # Back in a round that ran: whoever has the floor starts their turn's clock again.
    speaking = room.speaking.get(str(index))
    if speaking and "turn_at" in speaking:
        speaking["turn_at"] = 0 if kinds.floor_holder(speaking) is not None else None


def _phase_event(room: Room) -> dict:
    """The new phase with what a screen needs to show it at once: its speaking state, its
    dilemma and the distribution of positions (a phone's own position comes with the next
    `state`)."""
    return {
        "kind": "phase",
        "index": room.phase_index,
        "status": room.status,
        "timer": timer(room),
        "speaking": room.speaking.get(str(room.phase_index), {}),
        **dilemma_summary(room),
    }


def timer(room: Room) -> dict:
    phase = current_phase(room)
    running = room.running_seconds()
    return {
        "seconds_left": phase_seconds_left(room),
        "paused": room.paused_at is not None,
        "minutes": phase["minutes"] if phase else None,
        "running": int(running) if running is not None and phase else None,
    }


def _setting(phase: dict | None, name: str, default=None):
    return (phase or {}).get("settings", {}).get(name, default)


def _speaking_state(room: Room) -> dict:
    return room.speaking.setdefault(
        str(room.phase_index), {"order": [], "done": [], "passed": [], "queue": []}
    )


def _text(payload: dict, name: str, limit: int) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise Refused("invalid", _("Write something first."))
    if len(value) > limit:
        raise Refused(
            "too_long", _("This is too long: at most %(max)d characters.") % {"max": limit}
        )
    return value.strip()


def _do(
    room: Room, actor: Participant | None, is_facilitator: bool, kind: str, payload: dict
) -> list[dict]:
    """Apply one action to the locked room; return the events. Raises Refused."""
    items = phases(room)
    phase = current_phase(room)
    now = timezone.now()

    if kind in FACILITATOR_ACTIONS and not is_facilitator:
        if actor is not None and actor.user_id and runs_room(actor.user, room.session):
            # Someone who may run the room, on the phone page: that page takes part.
            raise Refused(
                "console_only",
                _("That is done from the console; on this page you take part."),
            )
        raise Refused("forbidden", _("Only the facilitator can do that."))
    if room.status == RoomStatus.ENDED:
        raise Refused("ended", _("This session has ended."))

    if kind == "room.start":
        if not items:
            raise Refused("no_method", _("Attach a work form to the session first."))
        if room.phase_index >= 0:
            raise Refused("already_started", _("The session has already started."))
        _start_phase(room, 0)
        return [_all(_phase_event(room))]
    if kind in ("phase.next", "phase.back"):
        target = room.phase_index + (1 if kind == "phase.next" else -1)
        if not 0 <= target < len(items):
            raise Refused("no_such_phase", _("There is no phase there."))
        talked = "talking" in room.speaking
        _start_phase(room, target)
        return [_all(_phase_event(room)), *_talk_events(room, talked)]
    if kind in ("phase.pause", "phase.resume", "phase.extend") and phase is None:
        raise Refused("not_started", _("The session has not started yet."))
    if kind == "phase.pause":
        if room.paused_at is None:
            room.paused_at = now
            room.status = RoomStatus.PAUSED
            _hold_talk(room, now)
        return [_all(_phase_event(room)), *_talk_events(room, "talking" in room.speaking)]
    if kind == "phase.resume":
        if room.paused_at is not None:
            room.paused_seconds += int((now - room.paused_at).total_seconds())
            room.paused_at = None
            room.status = RoomStatus.RUNNING
            talking = room.speaking.get("talking")
            if talking:
                talking["since"] = now.isoformat()
        return [_all(_phase_event(room)), *_talk_events(room, "talking" in room.speaking)]
    if kind == "phase.extend":
        minutes = payload.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 60:
            raise Refused("invalid", _("Extend by 1 to 60 minutes."))
        room.extra_seconds += minutes * 60
        return [_all(_phase_event(room))]
    if kind == "room.end":
        room.status = RoomStatus.ENDED
        room.ended_at = now
        _close_talk(room, now)
        total = sum(room.talk_time.values()) or 0
        # Keep only the distribution: shares, sorted, without names.
        room.talk_distribution = (
            sorted((round(seconds / total, 3) for seconds in room.talk_time.values()), reverse=True)
            if total
            else []
        )
        room.talk_time = {}
        room.dots = {}  # who placed which dot: gone; the totals stay
        # Who took which position: gone; how many took each stays (keys that are no seat).
        room.positions = {
            index: {f"x{i}": value for i, value in enumerate(sorted(taken.values(), key=str))}
            for index, taken in room.positions.items()
        }
        # Which seat sent which action (and in what order) is not needed any more: gone,
        # so that nothing lines a seat's actions up with anonymous rows afterwards.
        ClientAction.objects.filter(participant__room=room).delete()
        # A session whose room has ended has been held.
        Session.objects.filter(pk=room.session_id, status=SessionStatus.PLANNED).update(
            status=SessionStatus.HELD
        )
        return [_all({"kind": "ended"})]

    if kind == "role.assign":
        wanted = whole_number(payload, "participant")
        target = room.participants.filter(pk=wanted).first() if wanted is not None else None
        role = payload.get("role")
        if target is None or role not in MethodRole.values:
            raise Refused("invalid", _("Choose a person and a role."))
        if kinds.leads(room, target) and role not in target.roles:  # taking one off is fine
            # Not in a round's order, at a table or in a pair: a role would do nothing.
            raise Refused("invalid", _("Whoever leads the session takes no role in it."))
        roles = set(target.roles)
        roles.symmetric_difference_update({role})
        target.roles = sorted(roles)
        target.save(update_fields=["roles"])
        return [_all({"kind": "roles", "participant": target.pk, "roles": target.roles})]
    if phase is None:
        raise Refused("not_started", _("The session has not started yet."))
    handler = kinds.FACILITATOR_HANDLERS.get(kind) or kinds.PARTICIPANT_HANDLERS.get(kind)
    if handler is not None:
        return handler(room, actor, phase, payload, items)

    if kind == "note.add":
        if phase["kind"] == "reflection":
            raise Refused(
                "wrong_phase",
                _("A reflection is yours: write it on your reflection page, which only you read."),
            )
        if phase["kind"] not in NOTE_KINDS:
            raise Refused("wrong_phase", _("Notes cannot be written in this phase."))
        if actor is None:
            raise Refused("forbidden", _("Join the session to write."))
        text = _text(payload, "text", MAX_NOTE)
        if phase["kind"] == "tables":
            return _table_note(room, actor, phase, text, now, payload)
        mine = Contribution.objects.filter(room=room, phase_index=room.phase_index)
        limit = _setting(phase, "max_items", 20)
        anonymous = bool(_setting(phase, "anonymous", False))
        if not anonymous and mine.filter(author=actor).count() >= limit:
            raise Refused("limit", _("You have written the most notes this phase allows."))
        note = Contribution.objects.create(
            id=payload["note_id"],  # set by apply(): see note_id()
            room=room,
            phase_index=room.phase_index,
            text=text,
            author=None if anonymous else actor,
            created_at=None if anonymous else now,
            prompt=_prompt_answered(phase, payload),
        )
        public = {
            "kind": "note",
            "id": str(note.id),
            "phase": room.phase_index,
            "text": text,
            "author": None if anonymous else actor.display_name,
            "prompt": note.prompt,
        }
        # The writer's own copy names the action that wrote it: with that id (and only with
        # it) the note can be taken back, see note.withdraw.
        events = [_only(actor, public | {"yours": True, "action": payload["action_id"]})]
        if _notes_hidden(room, phase):
            events.append(_facilitators(public))
            events.append(
                _all({"kind": "note_count", "phase": room.phase_index, "count": mine.count()})
            )
        else:
            events.append(_all(public))
        return events
    if kind == "note.withdraw":
        return _withdraw_note(room, actor, phase, payload)
    if kind == "position.take":
        if phase["kind"] != "positions":
            raise Refused("wrong_phase", _("Positions are taken in a dilemma phase."))
        if actor is None or kinds.leads(room, actor):  # as with dots: the group's positions
            raise Refused("forbidden", _("The facilitator does not take a position."))
        value = payload.get("value")
        if _setting(phase, "mode", "ab") == "ab":
            valid = value in ("A", "B")
        else:
            points = _setting(phase, "scale_points", 5)
            valid = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= points
        if not valid:
            raise Refused("invalid", _("Choose one of the positions shown."))
        taken = room.positions.setdefault(str(room.phase_index), {})
        taken[str(actor.pk)] = value
        return [
            _only(actor, {"kind": "my_position", "phase": room.phase_index, "value": value}),
            _all({"kind": "positions", "phase": room.phase_index, **position_summary(room)}),
        ]
    if kind == "dilemma.set":
        return _set_dilemma(room, phase, payload)
    if kind == "notes.reveal":
        # In a clustering or voting phase: the notes of the phase they work on.
        target = room.phase_index
        if phase["kind"] in ("clustering", "dot_voting"):
            target = kinds.source_phase(items, room.phase_index)
            if target is None:
                raise Refused("wrong_phase", _("There are no notes to show in this phase."))
        elif phase["kind"] not in NOTE_KINDS:
            raise Refused("wrong_phase", _("There are no notes to show in this phase."))
        if target not in room.revealed:
            room.revealed = [*room.revealed, target]
        notes = Contribution.objects.filter(room=room, phase_index=target).select_related(
            "author__user"
        )
        return [
            _all({"kind": "revealed", "phase": target, "notes": [note_payload(n) for n in notes]})
        ]

    if kind == "round.start":
        order_kind = _setting(phase, "order", "fixed")
        # The session's facilitator leads the round and is not in its order; nor is
        # anyone whose role listens in this phase.
        people = [p.pk for p in kinds.speakers(room, phase)]
        if order_kind == "random":
            random.shuffle(people)
        state = _speaking_state(room)
        state.update({"order": people, "done": [], "passed": [], "free": order_kind == "free"})
        state.pop("current", None)
        if state["free"]:
            # Popcorn: everyone in the round, in no order; whoever speaks gets the floor
            # from the console (`turn.give`), and the room sees who is still to speak.
            state["current"] = None
        kinds.floor_moved(room, state, before=None)
        return [_all({"kind": "speaking", "phase": room.phase_index, "state": state})]
    if kind == "turn.give":
        state = _speaking_state(room)
        if phase["kind"] != "round" or not state.get("free"):
            raise Refused("wrong_phase", _("The floor is given in a round in free order."))
        waiting = kinds.still_to_speak(state)
        target = whole_number(payload, "participant")
        if target not in waiting:
            raise Refused("invalid", _("That person has had a turn or is not in this round."))
        before = state["current"]
        if before == target:
            raise Refused("invalid", _("That person already has the floor."))
        if before is not None:
            state["done"].append(before)
        state["current"] = target
        kinds.floor_moved(room, state, before)
        return [_all({"kind": "speaking", "phase": room.phase_index, "state": state})]
    if kind in ("turn.next", "turn.pass") and _speaking_state(room).get("free"):
        return _free_turn(room, actor, phase, kind)
    if kind in ("turn.next", "turn.pass"):
        state = _speaking_state(room)
        waiting = kinds.still_to_speak(state)
        if not waiting:
            raise Refused("nobody_waiting", _("Everyone has had a turn."))
        if kind == "turn.pass":
            if actor is None or waiting[0] != actor.pk or not _setting(phase, "pass_allowed", True):
                raise Refused("not_your_turn", _("You can only pass on your own turn."))
            state["passed"].append(actor.pk)
        else:
            state["done"].append(waiting[0])
        kinds.floor_moved(room, state, before=waiting[0])
        return [_all({"kind": "speaking", "phase": room.phase_index, "state": state})]
    if kind in ("hand.raise", "hand.lower"):
        if actor is None:
            raise Refused("forbidden", _("Join the session first."))
        if kind == "hand.raise" and not (
            phase["kind"] == "dialogue" and _setting(phase, "hand_queue", True)
        ):
            raise Refused("wrong_phase", _("Hands are raised in an open dialogue."))
        if kind == "hand.raise" and kinds.leads(room, actor):  # the chair gives the floor
            raise Refused("forbidden", _("The facilitator gives the floor and raises no hand."))
        state = _speaking_state(room)
        if kind == "hand.lower":
            state["queue"] = [p for p in state["queue"] if p != actor.pk]
        elif actor.pk not in state["queue"]:  # raised twice, a hand keeps its place
            state["queue"].append(actor.pk)
        return [_all({"kind": "speaking", "phase": room.phase_index, "state": state})]
    if kind == "hand.give":
        # The chair gives the word to a raised hand: it goes down, and where talk time is
        # tracked that person's starts (as with talk.start).
        if not (phase["kind"] == "dialogue" and _setting(phase, "hand_queue", True)):
            raise Refused("wrong_phase", _("Hands are raised in an open dialogue."))
        state = _speaking_state(room)
        target = whole_number(payload, "participant")
        if target is None or target not in state["queue"]:
            raise Refused("invalid", _("That person has no hand up."))
        state["queue"].remove(target)
        events = [_all({"kind": "speaking", "phase": room.phase_index, "state": state})]
        if _tracks_talk(phase):
            _start_talk(room, target, now)
            events.insert(0, _all({"kind": "talk", "talk": talk_summary(room)}))
        return events
    if kind == "talk.start" and not _tracks_talk(phase):
        raise Refused("wrong_phase", _("Talk time is not tracked in this phase."))
    if kind in ("talk.start", "talk.stop"):
        _close_talk(room, now)
        events = []
        if kind == "talk.start":
            target = whole_number(payload, "participant")
            if target is None or not room.participants.filter(pk=target).exists():
                raise Refused("invalid", _("That person is not in the room."))
            _start_talk(room, target, now)
            state = _speaking_state(room)
            if target in state["queue"]:  # they have the word now: their hand goes down
                state["queue"].remove(target)
                events.append(_all({"kind": "speaking", "phase": room.phase_index, "state": state}))
        return [_all({"kind": "talk", "talk": talk_summary(room)}), *events]
    raise Refused("unknown", _("Unknown action."))


def _free_turn(room: Room, actor: Participant | None, phase: dict, kind: str) -> list[dict]:
    """A round in free order: `turn.next` ends the turn of whoever has the floor;
    `turn.pass` lets someone still to speak pass, whenever they like (there is no order
    to wait for)."""
    state = _speaking_state(room)
    waiting = kinds.still_to_speak(state)
    before = state["current"]
    if kind == "turn.next":
        if state["current"] is None:
            if not waiting:
                raise Refused("nobody_waiting", _("Everyone has had a turn."))
            raise Refused("invalid", _("Nobody has the floor: give it to someone first."))
        state["done"].append(state["current"])
        state["current"] = None
    else:
        if actor is None or actor.pk not in waiting or not _setting(phase, "pass_allowed", True):
            raise Refused("not_your_turn", _("You can only pass while you are still to speak."))
        state["passed"].append(actor.pk)
        if state["current"] == actor.pk:
            state["current"] = None
    kinds.floor_moved(room, state, before)
    return [_all({"kind": "speaking", "phase": room.phase_index, "state": state})]


def _table_note(
    room: Room, actor: Participant, phase: dict, text: str, now, payload: dict
) -> list[dict]:
    """A note at a World Café table: it carries its table and round; the people at that
    table, the console and the projector see it; the rest of the room only a count."""
    seat = kinds.table_of(room, room.phase_index, actor.pk)
    if seat is None:
        raise Refused("no_table", _("You have no table in this round."))
    mine = Contribution.objects.filter(room=room, phase_index=room.phase_index)
    if mine.filter(author=actor).count() >= _setting(phase, "max_items", 20):
        raise Refused("limit", _("You have written the most notes this phase allows."))
    note = Contribution.objects.create(
        id=payload["note_id"],  # set by apply(): see note_id()
        room=room,
        phase_index=room.phase_index,
        text=text,
        author=actor,
        created_at=now,
        table=seat[0],
        table_round=seat[1],
    )
    note.author = actor
    public = {"kind": "note", **note_payload(note)}
    events = [_only(actor, public | {"yours": True})]
    if room.phase_index in room.revealed:
        return [*events, _all(public)]
    for pk in kinds.table_members(room, room.phase_index, seat[0]):
        if pk != actor.pk:
            events.append({"audience": f"participant:{pk}", "event": dict(public)})
    events += [
        _facilitators(public),
        kinds._projector(public),
        _all({"kind": "note_count", "phase": room.phase_index, "count": mine.count()}),
    ]
    return events


def _prompt_answered(phase: dict, payload: dict) -> int | None:
    """In 3xW feedback, which of the phase's questions a note answers (its prompts, 0-based;
    the screens offer them); none elsewhere, or when the note does not say."""
    if phase["kind"] != "feedback_3xw" or payload.get("prompt") is None:
        return None
    count = len(prompt_lines(phase.get("prompts_nl", "")))
    prompt = payload["prompt"]
    if not isinstance(prompt, int) or isinstance(prompt, bool) or not 0 <= prompt < count:
        raise Refused("invalid", _("Choose one of the questions shown."))
    return prompt


def _notes_hidden(room: Room, phase: dict) -> bool:
    """Whether the notes of the current phase are still for the facilitator's eyes only."""
    return bool(_setting(phase, "hidden_until_revealed", True)) and (
        room.phase_index not in room.revealed
    )


def _withdraw_note(room: Room, actor: Participant | None, phase: dict, payload: dict) -> list[dict]:
    """A writer takes a note back while only the facilitator has seen it: in its own phase,
    before the notes are shown (not at a World Café table, where the table reads along).
    The payload names the action that wrote the note: its key is derived from that id
    and the writer's seat (note_id()), which proves authorship of an anonymous note too,
    with nothing stored that ties the two. The key stays behind (WithdrawnNote), so that
    a replay of the writing action writes nothing."""
    if actor is None:
        raise Refused("forbidden", _("Join the session first."))
    gone = _("That note is not there (any more).")
    try:
        written = uuid.UUID(payload.get("action"))
    except (TypeError, ValueError, AttributeError):
        raise Refused("invalid", gone) from None
    key = note_id(room.pk, actor.pk, written)
    note = Contribution.objects.filter(pk=key, room=room).first()
    if note is None:
        raise Refused("gone", gone)
    if (
        note.phase_index != room.phase_index
        or phase["kind"] == "tables"
        or not _notes_hidden(room, phase)
    ):
        raise Refused(
            "shown",
            _("A note can only be taken back in its own phase, before the notes are shown."),
        )
    WithdrawnNote.objects.create(id=key, room=room)
    note.delete()
    left = Contribution.objects.filter(room=room, phase_index=room.phase_index).count()
    event = {"kind": "note_withdrawn", "id": str(key), "phase": room.phase_index}
    return [
        _only(actor, event),
        _facilitators(event),
        _all({"kind": "note_count", "phase": room.phase_index, "count": left}),
    ]


def _tracks_talk(phase: dict) -> bool:
    """Talk time can be marked in any phase, except a dialogue whose work form turned
    "Track talk time" off."""
    return phase["kind"] != "dialogue" or bool(_setting(phase, "talk_time", True))


def _start_talk(room: Room, participant: int, now) -> None:
    """`participant` has the floor. Their clock runs only while the phase does: marked
    during a pause, it starts when the phase resumes (`since` is None until then)."""
    _close_talk(room, now)
    since = None if room.paused_at is not None else now.isoformat()
    room.speaking["talking"] = {"participant": participant, "since": since}


def _hold_talk(room: Room, now) -> None:
    """Add the seconds the speaker has talked so far; their clock waits for a resume."""
    talking = room.speaking.get("talking")
    if talking and talking["since"]:
        seconds = max(0, int((now - datetime.fromisoformat(talking["since"])).total_seconds()))
        key = str(talking["participant"])
        room.talk_time[key] = room.talk_time.get(key, 0) + seconds
        talking["since"] = None


def _close_talk(room: Room, now) -> None:
    _hold_talk(room, now)
    room.speaking.pop("talking", None)


def _talk_events(room: Room, changed: bool) -> list[dict]:
    """A `talk` event after a phase event that stopped or held the speaker's clock."""
    return [_all({"kind": "talk", "talk": talk_summary(room)})] if changed else []


def talk_summary(room: Room) -> dict:
    """Each person's share of talk time against an equal share, and an equity figure
    (1 = everyone spoke equally; lower = more uneven), for the room to see live."""
    seconds = {int(k): v for k, v in room.talk_time.items()}
    talking = room.speaking.get("talking")
    if talking and talking["since"]:
        live = int((timezone.now() - datetime.fromisoformat(talking["since"])).total_seconds())
        seconds[talking["participant"]] = seconds.get(talking["participant"], 0) + max(0, live)
    # The equal share is among the group: the session's facilitator is not in it.
    group = [p.pk for p in group_members(room)]
    count = len(group)
    total = sum(seconds.values())
    shares = {pk: (s / total if total else 0.0) for pk, s in seconds.items()}
    equal = 1 / count if count else 0
    # Equity: 1 − half the total deviation from the equal share (0 … 1).
    deviation = sum(abs(shares.get(p, 0.0) - equal) for p in group)
    deviation += sum(share for pk, share in shares.items() if pk not in group)
    return {
        "shares": {str(pk): round(share, 3) for pk, share in shares.items()},
        "equal_share": round(equal, 3),
        "equity": round(1 - deviation / 2, 3) if total else None,
        "talking": talking["participant"] if talking else None,
    }


def _set_dilemma(room: Room, phase: dict, payload: dict) -> list[dict]:
    """The facilitator words the dilemma this phase polls: a question and its options A
    and B (in a scale: its two ends). Without `fresh` it is edited in place and the
    positions stay; with `fresh` (the next dilemma, as in a dilemma café's first poll)
    the positions taken so far are kept, as counts beside the dilemma they answered, in
    `polls`, and everyone chooses again."""
    if phase["kind"] != "positions":
        raise Refused("wrong_phase", _("A dilemma is set in a phase where positions are taken."))
    question = _text(payload, "question", MAX_DILEMMA)
    options = [payload.get(name, "") for name in ("a", "b")]
    fresh = payload.get("fresh", False)
    if not all(isinstance(option, str) for option in options) or not isinstance(fresh, bool):
        raise Refused("invalid", _("Word the dilemma and its two options."))
    if any(len(option) > MAX_OPTION for option in options):
        raise Refused(
            "too_long", _("This is too long: at most %(max)d characters.") % {"max": MAX_OPTION}
        )
    key = str(room.phase_index)
    taken = room.positions.get(key, {})
    fresh = fresh and bool(taken)
    if fresh:
        earlier = kinds.dilemma_of(room, room.phase_index)
        counts = kinds.position_counts(taken)
        room.polls.append({"phase": room.phase_index, **earlier, "distribution": counts})
        del room.positions[key]
    a, b = (option.strip() for option in options)
    room.dilemmas[key] = {"question": question, "a": a, "b": b}
    event = {"kind": "dilemma", "phase": room.phase_index, **dilemma_summary(room)}
    return [_all(event | {"fresh": fresh})]


def dilemma_summary(room: Room) -> dict:
    """The current phase's dilemma, its earlier polls and its positions: what every screen
    shows of a dilemma (counts, never who)."""
    return {
        "dilemma": kinds.dilemma_of(room, room.phase_index),
        "polls": [poll for poll in room.polls if poll["phase"] == room.phase_index],
        "positions": position_summary(room),
    }


def position_summary(room: Room) -> dict:
    """How many people took each position in the current phase: counts, never names."""
    taken = room.positions.get(str(room.phase_index), {})
    return {"distribution": kinds.position_counts(taken), "count": len(taken)}


def note_payload(note: Contribution) -> dict:
    return {
        "id": str(note.id),
        "phase": note.phase_index,
        "text": note.text,
        "author": note.author.display_name if note.author_id else None,
        "cluster": note.cluster_id,
        "table": note.table,
        "round": note.table_round,
        "prompt": note.prompt,
    }


def seat_taken(*, room_id: int, participant: Participant) -> Outcome:
    """Someone took a seat: everyone's list of people gets them (and the seq moves on, so
    no screen sees a gap). A seat first taken on the console by someone other than the
    session's facilitator is audited as `room.lead`, as when a seat switches to it."""
    with transaction.atomic():
        room = (
            Room.objects.select_for_update(of=("self",))
            .select_related("session__method_snapshot", "session__school")
            .get(pk=room_id)
        )
        if participant.on_console and participant.user_id != room.session.facilitator_id:
            _record_lead(room, participant, left={})
        room.seq += 1
        # A latecomer in a World Café is seated without moving anyone else, and joins a
        # round under way at the end of its order.
        items = phases(room)
        placed = kinds.place_latecomer(room, participant, items) if room.tables else []
        placed += kinds.join_round(room, participant, items)
        room.save(update_fields=["seq", "tables", "speaking"])
        event = {
            "kind": "joined",
            "seq": room.seq,
            "participant": participant_payload(room, participant),
        }
        for item in placed:
            item["event"]["seq"] = room.seq
    return Outcome(seq=room.seq, events=[_all(event), *placed])


def console_opened(*, room_id: int, participant: Participant) -> Outcome | None:
    """Someone who runs the room opened the console on a seat they had taken as a
    participant: from now on they lead, like the session's facilitator (`kinds.leads`).
    Everyone's list of people learns it from a `joined` event with `leads` set. Whoever
    leads is no speaker or table member: the seat leaves the orders, pairs and tables made
    while it took part (`kinds.remove_leader`; nobody else moves), in the same seq."""
    with transaction.atomic():
        room = _locked_with_school(room_id)
        participant.refresh_from_db()
        if leads(room, participant):
            return None
        participant.on_console = True
        participant.save(update_fields=["on_console"])
        return _now_leads(room, participant)


def facilitator_changed(*, room_id: int, previous_id: int | None) -> Outcome | None:
    """The room's session has a new facilitator (planning's `session_update`). If they had
    taken a seat in the room as a participant, that seat now leads, as in `console_opened`.
    The previous facilitator's seat (`previous_id`'s) leads no more unless they still run
    the room and opened its console (a planner may); it takes part from now on, as in
    `_stops_leading`. None when no seat changed or the room ended."""
    with transaction.atomic():
        room = _locked_with_school(room_id)
        if room.status == RoomStatus.ENDED:
            return None
        events = []
        seat = room.participants.filter(user_id=room.session.facilitator_id).first()
        if seat is not None and not seat.on_console:
            events += _now_leads(room, seat).events
        old = None
        if previous_id is not None and previous_id != room.session.facilitator_id:
            old = room.participants.select_related("user").filter(user_id=previous_id).first()
        if old is not None:
            if old.on_console and not runs_room(old.user, room.session):
                old.on_console = False
                old.save(update_fields=["on_console"])
            if not leads(room, old):
                # Seated only if they may still see the session (not taken off it at once).
                seated = may_stay(old.user_id, room.pk, runs=False)
                events += _stops_leading(room, old, seated=seated)
        return Outcome(seq=room.seq, events=events) if events else None


def seat_removed(*, room_id: int, seat_id: int) -> Outcome | None:
    """Seat `seat_id` goes: its holder is deleting their account
    (`followup.mydata.delete_me`). The room forgets it as if it had never come in: out of
    every order, pair and table (`kinds.remove_seat`; nobody else moves), its talk time
    gone (the shares and the equity figure are of those in the room), and the seat row
    deleted. Everyone's list of people loses it through a `left` event; the changed phases
    and the equal share follow, all in one new seq. The room is locked before the seat is
    deleted, in the order every action takes. None when the room has ended (its record
    keeps what it held)."""
    with transaction.atomic():
        room = _locked_with_school(room_id)
        if room.status == RoomStatus.ENDED:
            return None
        talking = room.speaking.get("talking")
        if talking and talking["participant"] == seat_id:
            room.speaking.pop("talking")
        room.talk_time.pop(str(seat_id), None)  # the shares are of those still in the room
        moved, _ = kinds.remove_seat(room, seat_id)
        Participant.objects.filter(pk=seat_id, room=room).delete()
        room.seq += 1
        room.save(update_fields=["seq", "speaking", "groups", "tables", "talk_time"])
        events = [
            _all({"kind": "left", "participant": seat_id}),
            *moved,
            _all({"kind": "talk", "talk": talk_summary(room)}),
        ]
        for item in events:
            item["event"]["seq"] = room.seq
    return Outcome(seq=room.seq, events=events)


def _locked_with_school(room_id: int) -> Room:
    return (
        Room.objects.select_for_update(of=("self",))
        .select_related("session__school")
        .get(pk=room_id)
    )


def _now_leads(room: Room, participant: Participant) -> Outcome:
    """The seat leads from now on: out of orders, pairs and tables, one seq, audited."""
    moved, changed = kinds.remove_leader(room, participant)
    events = _leading_changed(room, participant, moved, ["speaking", "groups", "tables"])
    _record_lead(room, participant, left={k: phases for k, phases in changed.items() if phases})
    return Outcome(seq=room.seq, events=events)


def _stops_leading(room: Room, participant: Participant, *, seated: bool) -> list[dict]:
    """The seat leads no more (its holder stopped facilitating): it takes part from now on
    like someone who just came in, counted in the equal share and, if `seated`, at the
    World Café tables from the current round on with nobody else moving
    (`kinds.place_latecomer`) and at the end of a round under way (`kinds.join_round`).
    One seq."""
    placed = []
    if seated:
        items = phases(room)
        placed = kinds.place_latecomer(room, participant, items) if room.tables else []
        placed += kinds.join_round(room, participant, items)
    return _leading_changed(room, participant, placed, ["tables", "speaking"])


def _leading_changed(room: Room, participant: Participant, moved: list, fields: list) -> list:
    """The seat started or stopped leading, and `moved` holds the events of the phases that
    changed with it: save the room's `fields` in a new seq and return, all in that seq, the
    seat's `joined` event, the `moved` events and a `talk` event (the equal share changed)."""
    room.seq += 1
    room.save(update_fields=["seq", *fields])
    events = [
        _all({"kind": "joined", "participant": participant_payload(room, participant)}),
        *moved,
        _all({"kind": "talk", "talk": talk_summary(room)}),
    ]
    for item in events:
        item["event"]["seq"] = room.seq
    return events


def _record_lead(room: Room, participant: Participant, *, left: dict) -> None:
    """Audit `room.lead`: who leads now, and the phases their seat left (no names)."""
    record(
        school=room.session.school,
        actor=participant.user,
        action="room.lead",
        target=f"session:{room.session_id}",
        detail={"left": left},
    )


def participant_payload(room: Room, participant: Participant) -> dict:
    return {
        "id": participant.pk,
        "name": participant.display_name,
        "roles": participant.roles,
        "leads": leads(room, participant),
        "guest": participant.user_id is None,
    }


def note_id(room_id: int, participant_pk: int, client_id) -> uuid.UUID:
    """The key of the note a `note.add` action makes, derived from the action with a keyed
    hash: a replay finds its note without any row that ties the author to the action. (A
    ClientAction row would: it keeps participant and seq, and the note's event carries
    that seq.) Without SECRET_KEY and the client's own action id, the key says nothing."""
    digest = salted_hmac(
        "live.note", f"{room_id}:{participant_pk}:{client_id}", algorithm="sha256"
    ).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def _anonymous(kind: str, payload: dict) -> bool:
    """Whether the action just applied made an anonymous contribution: an anonymous note or
    an answer in an anonymous consent check. Those keep no ClientAction (participant +
    seq), which would tie the person to the moment, and so to the row, of the answer.
    A replayed note finds its row by its key (see note_id()); a replayed answer is
    refused by the once-only register ("already answered"), having changed nothing. Nor
    does taking a note back, whose event names the note: its replay finds the note gone
    ("gone")."""
    if kind == "note.add":
        return Contribution.objects.filter(pk=payload["note_id"], author__isnull=True).exists()
    if kind == "note.withdraw":  # named or not: its event names the note's key
        return True
    if kind == "consent.answer":
        return Agreement.objects.filter(pk=payload.get("agreement"), anonymous=True).exists()
    return False


def apply(
    *,
    room_id: int,
    actor: Participant,
    is_facilitator: bool,
    client_id,
    kind: str,
    payload: dict,
    phase: int | None,
) -> Outcome:
    """Apply one action atomically. `phase` is the phase the client believed current."""
    with transaction.atomic():
        room = (
            # of=self: PostgreSQL cannot lock the nullable side of the snapshot join.
            Room.objects.select_for_update(of=("self",))
            .select_related("session__method_snapshot")
            .get(pk=room_id)
        )
        done = ClientAction.objects.filter(participant=actor, client_id=client_id).first()
        if done is not None:
            return Outcome(seq=done.seq, replayed=True)
        # A note keeps no ClientAction (see note_id()); its key is the trace of its action
        # id, whatever action that id comes back with.
        key = note_id(room_id, actor.pk, client_id)
        if (
            Contribution.objects.filter(pk=key).exists()
            or WithdrawnNote.objects.filter(pk=key).exists()
        ):
            return Outcome(seq=room.seq, replayed=True)
        if kind == "note.add":
            payload = {**payload, "note_id": key, "action_id": str(client_id)}
        # Also for "next" and "back": a second "next" meant for the same phase (two tabs,
        # a double tap) must not skip the phase after it.
        if phase is not None and phase != room.phase_index:
            raise Refused(
                "stale_phase", _("The session has moved on; your screen is being updated.")
            )
        events = _do(room, actor, is_facilitator, kind, payload)
        room.seq += 1
        room.save()
        if not _anonymous(kind, payload):
            try:
                with transaction.atomic():
                    ClientAction.objects.create(
                        participant=actor, client_id=client_id, seq=room.seq
                    )
            except IntegrityError as error:  # a concurrent replay won the race
                raise Refused("replayed", _("This action was already received.")) from error
        for item in events:
            item["event"]["seq"] = room.seq
        return Outcome(seq=room.seq, events=events)
