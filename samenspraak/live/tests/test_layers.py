"""The single-process channel layer (live/layers.py): what Channels' in-memory layer does,
with less bookkeeping per delivery."""

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer

from samenspraak.live import layers
from samenspraak.live.layers import RoomChannelLayer


def run(coroutine):
    return asyncio.run(coroutine)


async def members(layer, count, group="room"):
    names = [await layer.new_channel() for _ in range(count)]
    for name in names:
        await layer.group_add(group, name)
    return names


def test_a_group_message_reaches_every_member_as_sent():
    async def scenario():
        layer = RoomChannelLayer()
        names = await members(layer, 3)
        message = {"type": "room.event", "event": {"seq": 1, "notes": ["a"]}}
        await layer.group_send("room", message)
        message["event"]["notes"].append("changed after sending")  # reaches nobody
        return [await layer.receive(name) for name in names]

    received = run(scenario())
    assert received == [{"type": "room.event", "event": {"seq": 1, "notes": ["a"]}}] * 3


def test_a_full_queue_misses_the_message_and_the_others_get_it():
    async def scenario():
        layer = RoomChannelLayer(capacity=2)
        slow, quick = await members(layer, 2)
        for seq in (1, 2):
            await layer.group_send("room", {"type": "x", "seq": seq})
        await layer.receive(quick)
        await layer.receive(quick)
        await layer.group_send("room", {"type": "x", "seq": 3})  # slow's queue is full
        return [await layer.receive(slow) for _ in range(2)], await layer.receive(quick)

    slow_got, quick_got = run(scenario())
    assert [m["seq"] for m in slow_got] == [1, 2] and quick_got["seq"] == 3


def test_expired_entries_are_swept_at_most_once_a_second(monkeypatch):
    sweeps = []
    monkeypatch.setattr(
        InMemoryChannelLayer, "_clean_expired", lambda self: sweeps.append(1), raising=True
    )
    now = [100.0]
    monkeypatch.setattr(layers.time, "monotonic", lambda: now[0])

    async def scenario():
        layer = RoomChannelLayer()
        (name,) = await members(layer, 1)
        for _ in range(50):  # 50 deliveries within the same second: one sweep
            await layer.group_send("room", {"type": "x"})
            await layer.receive(name)
        now[0] += layers.SWEEP_EVERY
        await layer.group_send("room", {"type": "x"})
        return len(sweeps)

    assert run(scenario()) == 2


def test_expired_messages_still_go():
    async def scenario():
        layer = RoomChannelLayer(expiry=0)
        (name,) = await members(layer, 1)
        await layer.group_send("room", {"type": "x"})
        await asyncio.sleep(0.01)
        layer._swept_at = float("-inf")  # the next call sweeps
        layer._clean_expired()
        return name in layer.channels, name in layer.groups.get("room", {})

    # An expired message is dropped and, as in Channels, its channel leaves the groups.
    assert run(scenario()) == (False, False)


@pytest.mark.parametrize("bad", [None, "room", 5])
def test_only_a_dict_is_sent(bad):
    with pytest.raises(AssertionError):
        run(RoomChannelLayer().group_send("room", bad))
