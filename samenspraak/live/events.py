"""Messages from the request side to open WebSockets, through the channel layer."""

import hashlib
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def session_group(session_key: str) -> str:
    # The session key itself is a credential: only a hash of it names the group.
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def _send(group: str, message: dict) -> None:
    """Send on the channel layer. These sends follow a change that has been committed
    (signing out, a deactivation, a new seat): when the layer (Redis) cannot be reached,
    that change stands and the request succeeds; the failure is logged, not raised."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # any transport error of any layer backend
        log.exception("Could not reach the channel layer to send %s", message.get("type"))


def close_user_sockets(user_id: int) -> None:
    """Close every socket of this person (deactivated, or lost access)."""
    _send(user_group(user_id), {"type": "access.revoked"})


def recheck_user_sockets(user_ids) -> None:
    """Ask every socket of these people to check its access again (a session, a group or
    their roles changed): one that lost it closes as on deactivation, the others stay."""
    for user_id in set(user_ids):
        _send(user_group(user_id), {"type": "access.check"})


def close_session_sockets(session_key: str) -> None:
    """Close the sockets opened from one signed-in browser session (signed out)."""
    _send(session_group(session_key), {"type": "access.revoked"})


def broadcast_room(room_id: int, events: list[dict]) -> None:
    """Send engine events to a room from synchronous code (an HTTP view)."""
    for item in events:
        _send(
            room_group(room_id),
            {"type": "room.event", "audience": item["audience"], "event": item["event"]},
        )
