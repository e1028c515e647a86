"""The Redis channel layer that several app processes share (REDIS_URL)."""

import asyncio
import os

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer
from django.core.cache.backends.redis import RedisCache

from conftest import clear_cache, require

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def layers():
    require(redis_available(), f"Redis is not reachable at {REDIS_URL}")
    from django.conf import settings

    if settings.REDIS_URL:
        config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    else:  # the same shape settings.py builds when REDIS_URL is set
        config = {
            "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 1000}],
            "capacity": 1500,
        }
    prefix = f"test{os.getpid()}"
    return RedisChannelLayer(prefix=prefix, **config), RedisChannelLayer(prefix=prefix, **config)


def test_two_processes_share_a_group(layers):
    first, second = layers

    async def scenario():
        channel = await first.new_channel()
        await first.group_add("room.1", channel)
        await second.group_send("room.1", {"type": "note", "text": "hallo"})
        message = await first.receive(channel)
        assert message == {"type": "note", "text": "hallo"}
        await first.group_discard("room.1", channel)
        await first.flush()

    async_to_sync(scenario)()


def test_an_idle_connection_survives_longer_than_five_seconds(layers):
    """redis-py 8 has a 5 s default socket timeout; settings switch it off."""
    first, second = layers

    async def scenario():
        channel = await first.new_channel()

        async def send_later():
            await asyncio.sleep(6)
            await second.send(channel, {"type": "late"})

        task = asyncio.create_task(send_later())
        message = await asyncio.wait_for(first.receive(channel), timeout=15)
        await task
        assert message == {"type": "late"}
        await first.flush()

    async_to_sync(scenario)()


def test_emptying_the_cache_between_tests_keeps_the_layers_groups(layers):
    """Every test starts with an empty cache (conftest). On Redis that must not be a
    FLUSHDB: the layer's groups on the same database, of this run or any other process
    (a dev server, a second test run), would go with it and their sockets hear nothing."""
    first, second = layers
    cache = RedisCache(REDIS_URL, {})
    channel = async_to_sync(first.new_channel)()
    async_to_sync(first.group_add)("room.1", channel)
    cache.set("note", "hallo")

    clear_cache(cache)

    assert cache.get("note") is None

    async def scenario():
        await second.group_send("room.1", {"type": "note", "text": "na het legen"})
        message = await asyncio.wait_for(first.receive(channel), timeout=5)
        assert message == {"type": "note", "text": "na het legen"}
        await first.flush()

    async_to_sync(scenario)()
