"""Across processes: two uvicorn processes serve one room together through the Redis
channel layer and one database, and every screen on either process sees every event, in
seq order, with no gap (issue 5, item 6).

Real servers, real WebSockets (the `websockets` client), signed in by session cookie. The
database is a fresh SQLite file in WAL mode, or a fresh database on the PostgreSQL server
of DATABASE_URL when that is set. Redis is REDIS_URL, or the local server's database 0
like test_redis_layer.py (so the CI's SQLite pass, which has Redis running but no
REDIS_URL, runs this test too; with SAMENSPRAAK_REQUIRE_ALL=1 a missing Redis fails it).
"""

import asyncio
import os

import pytest

from conftest import PASSWORD, require
from samenspraak.live.tests.test_redis_layer import REDIS_URL, redis_available
from tests.live_server_util import (
    Screen,
    Servers,
    base_env,
    fresh_postgres,
    seed_rooms,
    uvicorn_installed,
    writing_phase,
    ws_url,
)

PEOPLE = 6  # participants, half on each process, plus the facilitator
NOTES_EACH = 3


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    require(uvicorn_installed(), "uvicorn and websockets are not installed (pip install -e .)")
    require(redis_available(), f"Redis is not reachable at {REDIS_URL}")
    folder = tmp_path_factory.mktemp("live-multiprocess")
    servers = Servers(folder)
    database_url = os.environ.get("DATABASE_URL")
    phases = [writing_phase("Stil schrijven, meteen zichtbaar", anonymous=False, hidden=False)]
    try:
        if database_url:
            with fresh_postgres(database_url, "mp") as url:
                env = base_env(folder, database_url=url, redis_url=REDIS_URL)
                yield _start(servers, env, phases)
                servers.stop()
        else:
            env = base_env(folder, redis_url=REDIS_URL)
            yield _start(servers, env, phases)
    finally:
        servers.stop()


def _start(servers: Servers, env: dict, phases: list[dict]) -> dict:
    (room,) = seed_rooms(env, [{"phases": phases, "people": PEOPLE}], PASSWORD)
    urls = [servers.start(env, "first"), servers.start(env, "second")]
    return {"room": room, "urls": urls, "servers": servers}


def _check(screen: Screen, last: int, notes: set[str]) -> None:
    """Every event after the screen's state came, once, in seq order, and the screen
    shows every note without having had to ask for the state again."""
    after = [e for e in screen.events if e["seq"] > screen.state["seq"]]
    seqs = [e["seq"] for e in after]
    assert seqs == sorted(seqs), f"{screen.name} got events out of order: {seqs}"
    missing = set(range(screen.state["seq"] + 1, last + 1)) - set(seqs)
    assert not missing, f"{screen.name} never got seqs {sorted(missing)}"
    keys = [(e["seq"], e["kind"], e.get("id"), bool(e.get("yours"))) for e in after]
    assert len(keys) == len(set(keys)), f"{screen.name} got an event twice"
    assert screen.syncs == 0, f"{screen.name} saw a gap and asked for the state"
    assert screen.last == last and screen.shown == notes, f"{screen.name} is behind"


def test_two_processes_serve_one_room_and_everyone_sees_everything(two_servers):
    room, (first, second) = two_servers["room"], two_servers["urls"]
    console = Screen(
        "console", ws_url(first, room["room"], view="console"), room["facilitator"]["cookie"]
    )
    projector = Screen(
        "projector", ws_url(second, room["room"], view="projector"), room["facilitator"]["cookie"]
    )
    phones = [
        Screen(
            f"phone {n} on {'first' if n % 2 == 0 else 'second'}",
            ws_url(first if n % 2 == 0 else second, room["room"]),
            person["cookie"],
        )
        for n, person in enumerate(room["teachers"])
    ]
    screens = [console, projector, *phones]

    async def scenario() -> None:
        for screen in screens:  # one by one: each seat is announced to those already in
            await screen.open()
        await console.act("room.start")
        for screen in screens:
            await screen.until(lambda s=screen: any(e["kind"] == "phase" for e in s.events))

        async def write(phone: Screen, n: int) -> None:
            for k in range(NOTES_EACH):
                await phone.act("note.add", {"text": f"notitie {n}-{k}"}, phase=0)

        await asyncio.gather(*(write(phone, n) for n, phone in enumerate(phones)))
        expected = {f"notitie {n}-{k}" for n in range(PEOPLE) for k in range(NOTES_EACH)}

        def all_notes(screen: Screen) -> bool:
            return {e["text"] for e in screen.events if e["kind"] == "note"} >= expected

        for screen in screens:
            await screen.until(lambda s=screen: all_notes(s))
        last = max(ack["seq"] for screen in screens for ack in screen.acks.values())
        notes = {e["id"] for e in console.events if e["kind"] == "note"}
        assert len(notes) == PEOPLE * NOTES_EACH
        for screen in screens:
            await screen.until(lambda s=screen: s.last == last and not s.syncing)
            _check(screen, last, notes)
            assert not screen.errors, screen.errors
        # Everyone has the same notes; a writer's own copy and the room's copy of one
        # note carry the same id.
        for screen in screens:
            seen = {e["id"] for e in screen.events if e["kind"] == "note"}
            assert seen == notes, screen.name

        # A screen that opens now, on either process, gets the same room from the database.
        for url in (first, second):
            late = Screen(
                f"late on {url}", ws_url(url, room["room"]), room["teachers"][0]["cookie"]
            )
            await late.open()
            assert late.state["seq"] == last and late.state["phase_index"] == 0
            assert {n["text"] for n in late.state["notes"]} == expected
            await late.close()
        for screen in screens:
            await screen.close()

    asyncio.run(scenario())
    assert "Traceback" not in two_servers["servers"].logs()
