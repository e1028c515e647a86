import asyncio
import json
import logging
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from samenspraak.live import engine
from samenspraak.live.access import (
    GUEST_COOKIE,
    may_stay,
    room_for_projector,
    seat_for_guest,
    seat_for_user,
)
from samenspraak.live.events import room_group, session_group, user_group
from samenspraak.live.state import state_for

CLOSE_UNAUTHENTICATED = 4401
CLOSE_ACCESS_REVOKED = 4403
CLOSE_NOT_FOUND = 4404
MAX_MESSAGE = 8 * 1024
# Sent twice for one phase (two tabs, a double tap), these must not move the room twice:
# the engine checks the phase they name, so they must name one.
PHASE_MOVES = frozenset({"phase.next", "phase.back"})
REORDER_WAIT = 0.5  # seconds an event may wait for the events before it (see deliver())
log = logging.getLogger(__name__)


def holds_unstorable(value) -> bool:
    """Whether a decoded JSON value has, in any string, key or value, a character that
    no text column can store: NUL (PostgreSQL refuses it) or half of a surrogate pair,
    which JSON can escape (\\ud800) but UTF-8 cannot encode. No keyboard types either.
    A walk with a stack, not recursion: a small message can nest a thousand deep."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or (not item.isascii() and _has_lone_surrogate(item)):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class PersonalConsumer(AsyncJsonWebsocketConsumer):
    """A signed-in person's own socket. The foundation uses it to end a person's live
    connections when they sign out or are deactivated; later the room builds on it."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        session = self.scope.get("session")
        if user is None or not user.is_authenticated or session is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.joined = [user_group(user.pk)]
        if session.session_key:
            self.joined.append(session_group(session.session_key))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello"})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_json({"type": "error", "reason": "unknown_message"})

    @classmethod
    async def decode_json(cls, text_data):
        # Malformed JSON, or JSON nested deeper than the parser goes, gets an error
        # reply, not a crashed socket.
        try:
            return json.loads(text_data)
        except (ValueError, RecursionError):
            return None

    async def access_revoked(self, event: dict) -> None:
        await self.send_json({"type": "access.revoked"})
        await self.close(code=CLOSE_ACCESS_REVOKED)

    async def access_check(self, event: dict) -> None:
        """A session, group or role changed: this socket belongs to no room, so it stays
        (the room's socket overrides this)."""


class TokenBucket:
    """Slows down one client that sends too fast, not the room: 5 actions a second,
    bursts of 10."""

    def __init__(
        self, rate: float = 5.0, burst: int = 10, clock: Callable[[], float] = time.monotonic
    ):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.at = float(burst), clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    async def wait(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        """Take a token, sleeping until there is one: the one client waits, nobody else."""
        while not self.take():
            await sleep((1 - self.tokens) / self.rate)


class Pace:
    """How fast one seat may go: actions, and full states asked for with `sync`. All the
    sockets of a seat in this process share it (two tabs, a second phone, the console), so
    opening more sockets buys no more room; with two processes a seat has at most two."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.actions = TokenBucket(clock=clock)
        # A full state costs the shared database thread; a client asking again and again
        # gets it at this pace (the page asks once per gap, so it never waits).
        self.syncs = TokenBucket(rate=1.0, burst=5, clock=clock)


# A seat's Pace lives as long as one of its sockets holds it.
_paces: weakref.WeakValueDictionary[int, Pace] = weakref.WeakValueDictionary()


def pace_for(participant_id: int | None, clock: Callable[[], float] = time.monotonic) -> Pace:
    """The pace of this seat, shared with its other sockets in this process (`clock` only
    counts for a seat that has none yet). A screen without a seat, the projector, which
    never acts, gets one of its own."""
    if participant_id is None:
        return Pace(clock)
    pace = _paces.get(participant_id)
    if pace is None:
        pace = _paces[participant_id] = Pace(clock)
    return pace


class RoomConsumer(PersonalConsumer):
    """One connection to a live room: a participant's phone, the facilitator's console or
    the projector. See docs/live-protocol.md."""

    async def connect(self) -> None:
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        view = (query.get("view") or [""])[0]
        self.projector = view == "projector"
        console = view == "console"
        user = self.scope.get("user")
        self.language = "nl"
        signed_in = user is not None and user.is_authenticated
        try:
            if self.projector:
                # A screen, not a person: it takes no seat and leaves the user's seat alone.
                if not signed_in:
                    raise Http404
                self.room = await database_sync_to_async(room_for_projector)(user, self.room_id)
                self.participant, new_seat = None, False
                self.language = user.language
            elif signed_in:
                seat = await database_sync_to_async(seat_for_user)(
                    user, self.room_id, console=console
                )
                self.room, self.participant, new_seat = seat
                self.language = user.language
            else:
                if console:
                    raise Http404
                cookies = self.scope.get("cookies", {})
                token = cookies.get(GUEST_COOKIE.format(room=self.room_id))
                self.room, self.participant = await database_sync_to_async(seat_for_guest)(
                    token, self.room_id
                )
                new_seat = False  # a guest's seat is made when they join by name
        except Http404:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        # The view makes the role, not the person: only the console's socket runs the room.
        # A planner on the phone page takes part like anyone else (their own table's notes,
        # no hidden totals) and has facilitator actions refused (engine: `console_only`).
        self.facilitator = console
        self.pace = pace_for(self.participant.pk if self.participant is not None else None)
        self.delivered, self.held, self.release = -1, {}, None
        self.joined = [room_group(self.room_id)]
        if signed_in:
            self.joined.append(user_group(user.pk))
            session = self.scope.get("session")
            if session is not None and session.session_key:
                self.joined.append(session_group(session.session_key))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        if new_seat:
            await self.announce(
                await database_sync_to_async(engine.seat_taken)(
                    room_id=self.room_id, participant=self.participant
                )
            )
        elif console:
            outcome = await database_sync_to_async(engine.console_opened)(
                room_id=self.room_id, participant=self.participant
            )
            if outcome is not None:
                await self.announce(outcome)
        await self.send_state()

    async def access_check(self, event: dict) -> None:
        """A session, group or role changed (`events.recheck_user_sockets`): a socket whose
        user may no longer see the room, or no longer runs it from this console or
        projector, closes as on deactivation. Guests have no user group: not asked."""
        user = self.scope.get("user")
        runs = self.facilitator or self.projector
        if not await database_sync_to_async(may_stay)(user.pk, self.room_id, runs=runs):
            await self.access_revoked(event)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "release", None) is not None:
            self.release.cancel()
            self.release = None
        await super().disconnect(code)

    async def announce(self, outcome) -> None:
        for item in outcome.events:
            await self.channel_layer.group_send(
                room_group(self.room_id),
                {"type": "room.event", "audience": item["audience"], "event": item["event"]},
            )

    async def send_state(self) -> None:
        def build():
            with translation.override(self.language):
                self.room.refresh_from_db()
                if self.participant is not None:  # the projector has none
                    self.participant.refresh_from_db()  # roles may have changed
                return state_for(
                    self.room,
                    participant=self.participant,
                    facilitator=self.facilitator,
                    projector=self.projector,
                )

        state = await database_sync_to_async(build)()
        await self.send_json(state)
        # What the state holds needs no event any more; what comes after it may follow.
        self.delivered = state["seq"]
        self.held = {seq: events for seq, events in self.held.items() if seq > self.delivered}
        await self.deliver_held()

    async def deliver(self, event: dict) -> None:
        """Send events to this screen in seq order. Events reach a process in the order
        their group messages arrive, which across processes (and for the sender's own
        copy, sent straight back) is not always the order of their seqs. An event that
        comes early waits here, at most REORDER_WAIT seconds, for the ones before it;
        then everything held goes out anyway and the screen asks for the state."""
        seq = event.get("seq")
        if seq is not None and seq < self.delivered:
            return  # the screen is past it (a late second copy): clients ignore such events
        if seq is None or seq <= self.delivered + 1:
            await self.send_json({"type": "event", **event})
            if seq is not None and seq > self.delivered:
                self.delivered = seq
                await self.deliver_held()
            return
        self.held.setdefault(seq, []).append(event)
        if self.release is None:
            self.release = asyncio.get_running_loop().call_later(
                REORDER_WAIT, lambda: asyncio.ensure_future(self.release_held())
            )

    async def release_held(self) -> None:
        """The wait is over: send what is held, in order. The screen may have gone in the
        meantime (uvicorn then raises ClientDisconnected, an OSError): it gets the full
        state when it comes back, so there is nothing left to do."""
        try:
            await self.deliver_held(force=True)
        except OSError:
            self.held, self.release = {}, None

    async def deliver_held(self, force: bool = False) -> None:
        while self.held:
            seq = min(self.held)
            if seq > self.delivered + 1 and not force:
                return
            for event in self.held.pop(seq):
                await self.send_json({"type": "event", **event})
            self.delivered = seq
        if self.release is not None:
            self.release.cancel()
            self.release = None

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if not text_data:  # a binary or an empty frame
            await self.refuse(None, "invalid", _("Not a message."))
            return
        # Counted in bytes; a lone surrogate passes here and is refused with the payload.
        if (
            len(text_data) > MAX_MESSAGE
            or len(text_data.encode("utf-8", "surrogatepass")) > MAX_MESSAGE
        ):
            await self.refuse(None, "too_large", _("Message too large."))
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)

    async def refuse(self, message_id, reason: str, message) -> None:
        with translation.override(self.language):
            text = str(message)  # lazy texts are translated in the person's language
        await self.send_json({"type": "error", "id": message_id, "reason": reason, "message": text})

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict):
            await self.refuse(None, "invalid", _("Not a message."))
            return
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind == "sync":
            await self.pace.syncs.wait()
            await self.send_state()
            return
        if kind != "action":
            await self.refuse(content.get("id"), "unknown_message", _("Unknown message type."))
            return
        if not self.pace.actions.take():
            await self.refuse(content.get("id"), "slow_down", _("Too many messages; slow down."))
            return
        await self.handle_action(content)

    async def handle_action(self, content: dict) -> None:
        raw_id = content.get("id")
        try:
            client_id = uuid.UUID(str(raw_id))
        except ValueError:
            await self.refuse(None, "invalid_id", _("Every action needs a unique id."))
            return
        action, payload, phase = (
            content.get("action"),
            content.get("payload"),
            content.get("phase"),
        )
        payload = {} if payload is None else payload
        known = engine.FACILITATOR_ACTIONS | engine.PARTICIPANT_ACTIONS
        if (
            not isinstance(action, str)
            or action not in known
            or not isinstance(payload, dict)
            or not (phase is None or (isinstance(phase, int) and not isinstance(phase, bool)))
        ):
            await self.refuse(str(client_id), "invalid", _("Unknown action or bad payload."))
            return
        if phase is None and action in PHASE_MOVES:
            await self.refuse(str(client_id), "invalid", _("Say which phase this is meant for."))
            return
        if holds_unstorable(payload):
            await self.refuse(
                str(client_id), "invalid", _("This text holds a character that cannot be stored.")
            )
            return
        if self.projector:
            await self.refuse(str(client_id), "forbidden", _("The projector only shows."))
            return

        def run():
            with translation.override(self.language):
                try:
                    return engine.apply(
                        room_id=self.room_id,
                        actor=self.participant,
                        is_facilitator=self.facilitator,
                        client_id=client_id,
                        kind=action,
                        payload=payload,
                        phase=phase,
                    )
                except engine.Refused as refused:
                    return refused

        outcome = await database_sync_to_async(run)()
        if isinstance(outcome, engine.Refused):
            await self.refuse(str(client_id), outcome.reason, outcome.message)
            return
        # Written and committed: now tell the room, then acknowledge to the sender. An
        # event only for the sender goes straight to this socket, not through the whole
        # room group (which every other socket would receive and discard).
        for item in outcome.events:
            if item["audience"] == f"participant:{self.participant.pk}":
                await self.deliver(item["event"])
                continue
            await self.channel_layer.group_send(
                room_group(self.room_id),
                {"type": "room.event", "audience": item["audience"], "event": item["event"]},
            )
        await self.send_json(
            {"type": "ack", "id": str(client_id), "seq": outcome.seq, "replayed": outcome.replayed}
        )

    async def room_event(self, message: dict) -> None:
        audience = message["audience"]
        if audience == "facilitators" and not self.facilitator:
            return
        if audience == "projector" and not self.projector:
            return
        if audience.startswith("participant:") and (
            self.participant is None or audience != f"participant:{self.participant.pk}"
        ):
            return
        await self.deliver(message["event"])
