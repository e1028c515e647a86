"""The channel layer of a single process (no REDIS_URL): Channels' in-memory layer, made to
carry a full room. With 300 phones in one room, every note is 300 deliveries, and the
stock layer spent most of its time on bookkeeping around them (measured in
bench/live_fanout.py, scenario a):

- it swept every channel and every group membership for expired entries on each send and
  each receive: with 300 phones about 1,200 steps per delivered event;
- it deep-copied a group message once per member and sent it through one task per member.

Here expired entries are swept at most once a second (messages expire after a minute,
group memberships after a day), and a group message is copied once and put on the
members' queues directly. Members share that copy: the consumers only read the messages
they receive, never change them."""

import asyncio
import time
from copy import deepcopy

from channels.layers import InMemoryChannelLayer

SWEEP_EVERY = 1.0  # seconds between sweeps for expired messages and memberships
# Messages a channel's queue holds (Channels' default is 100): a full room's burst, as the
# Redis layer's capacity in settings. A full queue misses the message.
CAPACITY = 1500


class RoomChannelLayer(InMemoryChannelLayer):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("capacity", CAPACITY)
        super().__init__(*args, **kwargs)
        self._swept_at = float("-inf")

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < SWEEP_EVERY:
            return
        self._swept_at = now
        super()._clean_expired()

    async def group_send(self, group: str, message: dict) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        shared = deepcopy(message)  # once: later changes by the sender reach nobody
        expires = time.time() + self.expiry
        for channel in list(self.groups.get(group, {})):
            queue = self.channels.get(channel)
            if queue is None:  # (setdefault would build a queue for every member)
                queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
            try:
                queue.put_nowait((expires, shared))
            except asyncio.QueueFull:
                # As Channels does: a member whose queue is full misses it (its screen
                # sees the gap in seq and asks for the state).
                continue
