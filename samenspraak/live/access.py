"""Who may be in a live room, and as what.

- Anyone who may see the session (planning.access) takes a seat when they connect a phone
  or the console.
- Its facilitator and the school's planners run it (facilitator console, projector). The
  projector is a screen, not a person: it takes no seat and leaves any seat alone.
- Guests (pupils, parents, an outside coach) only when the room admits guests: known by
  a name and a random token in a cookie, they see nothing but that room.
"""

from django.contrib.auth import get_user_model
from django.http import Http404

from samenspraak.live.models import Participant, Room
from samenspraak.planning.access import can_plan, get_session_for
from samenspraak.planning.models import Session

GUEST_COOKIE = "samenspraak_guest_{room}"


def room_of(session: Session) -> Room:
    room, _created = Room.objects.get_or_create(session=session)
    return room


def runs_room(user, session: Session) -> bool:
    return user.is_authenticated and (
        session.facilitator_id == user.pk or can_plan(user, session.school_id)
    )


def _room_for_user(user, room_id: int) -> tuple[Room, bool]:
    """(room, runs the room) or Http404 when the user may not see its session."""
    room = Room.objects.select_related("session").filter(pk=room_id).first()
    if room is None or not user.is_authenticated or not user.is_active:
        raise Http404
    return room, runs_room(user, get_session_for(user, room.session_id))


def room_for_projector(user, room_id: int) -> Room:
    """The room, for someone who runs it, or Http404. No seat is taken or touched: the
    projector is a screen, so it is in no round, pair, table or equal share."""
    room, runs = _room_for_user(user, room_id)
    if not runs:
        raise Http404
    return room


def seat_for_user(user, room_id: int, *, console: bool = False) -> tuple[Room, Participant, bool]:
    """(room, the user's seat, seat is new) or Http404. A seat first taken
    on the console leads the room (`kinds.leads`); only someone who runs it opens that."""
    room, runs = _room_for_user(user, room_id)
    if console and not runs:
        raise Http404
    participant, created = Participant.objects.get_or_create(
        room=room, user=user, defaults={"on_console": console}
    )
    return room, participant, created


def may_stay(user_id: int, room_id: int, *, runs: bool) -> bool:
    """Whether a socket opened earlier may stay open: its user is still active and may
    see the session, and still runs the room if the socket is a console or projector."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return False
    try:  # refuses an inactive user too
        _room, runs_it = _room_for_user(user, room_id)
    except Http404:
        return False
    return runs_it or not runs


def seat_for_guest(token: str | None, room_id: int) -> tuple[Room, Participant]:
    if not token or len(token) > 100:
        raise Http404
    participant = (
        Participant.objects.select_related("room")
        .filter(room_id=room_id, user__isnull=True, guest_token_hash=Participant.hash_token(token))
        .first()
    )
    if participant is None or not participant.room.guests_allowed:
        raise Http404
    return participant.room, participant
