"""Each socket gets its events in seq order: an early event waits briefly for the ones
before it, a late second copy of a seq the screen is past is left out, and a gap that
stays open is let through after REORDER_WAIT (the screen then asks for the state).

In process, with the in-memory channel layer: the events are put into the room group by
hand, in the wrong order, as two processes can deliver them. See test_multiprocess.py for
the same with two real processes.
"""

import time

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from samenspraak.live.consumers import REORDER_WAIT
from samenspraak.live.events import room_group
from samenspraak.live.tests import test_room
from samenspraak.live.tests.test_room import connect

pytestmark = pytest.mark.django_db(transaction=True)
room, _signed_in = test_room.room, test_room._signed_in  # the fixtures


def event(seq: int, kind: str = "note_count", **extra) -> dict:
    return {
        "type": "room.event",
        "audience": "all",
        "event": {"kind": kind, "seq": seq, "phase": 0, "count": seq, **extra},
    }


def test_events_that_cross_on_the_way_reach_the_screen_in_seq_order(room, teacher):
    async def scenario():
        phone = connect(room, teacher)
        assert (await phone.connect())[0]
        state = await phone.receive_json_from()
        seq = state["seq"]
        assert (await phone.receive_json_from())["kind"] == "joined"  # the phone's own seat
        layer = get_channel_layer()
        group = room_group(room.pk)
        for offset in (3, 2, 1):
            await layer.group_send(group, event(seq + offset))
        await layer.group_send(group, event(seq + 3, kind="same_seq"))  # one seq, two events
        await layer.group_send(group, event(seq + 2, kind="late_copy"))  # past it: left out
        for offset in (5, 4):
            await layer.group_send(group, event(seq + offset))
        received = [await phone.receive_json_from(timeout=2) for _ in range(6)]
        assert [(m["seq"] - seq, m["kind"]) for m in received] == [
            (1, "note_count"),
            (2, "note_count"),
            (3, "note_count"),
            (3, "same_seq"),
            (4, "note_count"),
            (5, "note_count"),
        ]
        assert await phone.receive_nothing(timeout=0.3)
        await phone.disconnect()

    async_to_sync(scenario)()


def test_a_gap_that_stays_open_is_let_through_and_a_sync_closes_it(room, teacher):
    async def scenario():
        phone = connect(room, teacher)
        assert (await phone.connect())[0]
        state = await phone.receive_json_from()
        seq = state["seq"]
        assert (await phone.receive_json_from())["kind"] == "joined"  # the phone's own seat
        layer = get_channel_layer()
        await layer.group_send(room_group(room.pk), event(seq + 2))  # seq + 1 never comes
        started = time.monotonic()
        late = await phone.receive_json_from(timeout=REORDER_WAIT + 2)
        assert late["seq"] == seq + 2 and time.monotonic() - started >= REORDER_WAIT * 0.8
        # The screen sees the gap and asks for the state; after it, events flow on.
        await phone.send_json_to({"type": "sync"})
        fresh = await phone.receive_json_from()
        assert fresh["type"] == "state"
        await layer.group_send(room_group(room.pk), event(fresh["seq"] + 1))
        assert (await phone.receive_json_from())["seq"] == fresh["seq"] + 1
        await phone.disconnect()

    async_to_sync(scenario)()


def test_a_screen_that_left_while_events_were_held_raises_nothing():
    """The wait ends after the socket closed: nothing to send to, nothing raised (under
    load this surfaced as 'Task exception was never retrieved' in the server log)."""
    from samenspraak.live.consumers import RoomConsumer

    consumer = RoomConsumer()
    consumer.delivered, consumer.release = 4, None
    consumer.held = {7: [{"kind": "note_count", "seq": 7}]}

    async def gone(content, close=False):
        raise ConnectionResetError("the client has gone")  # what uvicorn raises is an OSError

    consumer.send_json = gone
    async_to_sync(consumer.release_held)()
    assert consumer.held == {} and consumer.release is None
