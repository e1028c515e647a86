"""Replayed, out-of-order and forged messages over a real socket (a uvicorn server and the
`websockets` client), and a client that sends too fast: each is refused or slowed down
with a reason, changes nothing, and leaves the rest of the room alone (issue 5, item 5).

test_room.py covers the message formats through the in-process communicator; this adds
what needs a real server or a second room: replays across a reconnect, a facilitator's
stale or doubled phase change, ids of another room, and the room going on around a
client that is being slowed down.

The tests share one server (starting it is the slow part) but not an order: the replay
test walks a room of its own from the start, the others take room 0 from the `running`
fixture, which starts it if no test has yet. Any one of them runs alone (`-k`).
"""

import asyncio
import json
import os

import pytest
from websockets.exceptions import InvalidStatus

from conftest import PASSWORD, require
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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require(uvicorn_installed(), "uvicorn and websockets are not installed (pip install -e .)")
    folder = tmp_path_factory.mktemp("live-abuse")
    servers = Servers(folder)
    phases = [writing_phase(f"Fase {n}", anonymous=False, hidden=False) for n in range(4)]
    # 0: the room the tests act in; 1: another room (its ids must be refused in room 0);
    # 2: a room nobody starts but the replay test, which walks it from its first phase.
    rooms = [
        {"phases": phases, "people": 2},
        {"phases": phases, "people": 1},
        {"phases": phases, "people": 2},
    ]

    def start(env):
        return {"rooms": seed_rooms(env, rooms, PASSWORD), "url": servers.start(env, "abuse")}

    try:
        if os.environ.get("DATABASE_URL"):
            with fresh_postgres(os.environ["DATABASE_URL"], "abuse") as url:
                yield start(base_env(folder, database_url=url))
                servers.stop()
        else:
            yield start(base_env(folder))
    finally:
        servers.stop()


def screen(server, room: dict, person: dict, name: str, view="") -> Screen:
    return Screen(name, ws_url(server["url"], room["room"], view), person["cookie"])


async def fresh_state(server, room, person) -> dict:
    probe = screen(server, room, person, "probe")
    await probe.open()
    await probe.close()
    return probe.state


@pytest.fixture
def running(server) -> dict:
    """Room 0, started (by whichever test gets here first)."""
    room = server["rooms"][0]

    async def start():
        console = screen(server, room, room["facilitator"], "starter", view="console")
        await console.open()
        if console.state["phase_index"] < 0:
            await console.act("room.start")
        await console.close()

    asyncio.run(start())
    return room


def test_replays_stale_and_doubled_actions_change_nothing(server):
    room = server["rooms"][2]
    first, second = room["teachers"]

    async def scenario():
        console = screen(server, room, room["facilitator"], "console", view="console")
        phone = screen(server, room, first, "phone")
        watcher = screen(server, room, second, "watcher")
        for each in (console, phone, watcher):
            await each.open()
        await console.act("room.start")

        # A note, then the same action again after the phone lost its connection: the
        # first answer, no second note, no event for anyone.
        note = await phone.act("note.add", {"text": "maar één keer"}, phase=0)
        await watcher.until(lambda: any(e.get("text") == "maar één keer" for e in watcher.events))
        await phone.close()
        phone = screen(server, room, first, "phone again")
        await phone.open()
        again = await phone.act(
            "note.add", {"text": "maar één keer"}, phase=0, action_id=note["id"]
        )
        assert again["replayed"] is True
        # A facilitator's action replayed: the very first answer (its seq) comes back.
        paused = await console.act("phase.pause", phase=0)
        replay = await console.act("phase.pause", phase=0, action_id=paused["id"])
        assert replay == {**paused, "replayed": True}
        await console.act("phase.resume", phase=0)

        # The facilitator's "next" twice for the same phase (two tabs, a double tap that
        # got past the page): the second is refused, the room moves one phase only.
        moved = await console.act("phase.next", phase=0)
        twice = await console.attempt("phase.next", phase=0)
        assert twice["type"] == "error" and twice["reason"] == "stale_phase", twice
        back = await console.attempt("phase.back", phase=0)
        assert back["type"] == "error" and back["reason"] == "stale_phase", back
        # An action for a phase the room has not reached yet, or long left.
        for phase in (0, 3, -1, 99):
            refused = await phone.attempt("note.add", {"text": f"fase {phase}"}, phase=phase)
            assert refused["type"] == "error" and refused["reason"] == "stale_phase", refused

        state = await fresh_state(server, room, first)
        assert state["phase_index"] == 1 and state["status"] == "running"
        assert state["seq"] == moved["seq"]  # nothing refused moved the seq on
        assert [n["text"] for n in state["notes"]] == ["maar één keer"]
        texts = [e.get("text") for e in watcher.events if e["kind"] == "note"]
        assert texts == ["maar één keer"]
        for each in (console, phone, watcher):
            await each.close()

    asyncio.run(scenario())


def test_ids_of_another_room_are_refused(server, running):
    room, elsewhere = running, server["rooms"][1]

    async def scenario():
        # A seat in the other room, so its participant id exists.
        stranger = screen(server, elsewhere, elsewhere["teachers"][0], "stranger")
        await stranger.open()
        foreign = stranger.state["me"]["id"]
        console = screen(server, room, room["facilitator"], "console", view="console")
        await console.open()
        phase = console.state["phase_index"]
        for action, payload in (
            ("role.assign", {"participant": foreign, "role": "case_owner"}),
            ("talk.start", {"participant": foreign}),
        ):
            refused = await console.attempt(action, payload, phase=phase)
            assert refused["type"] == "error" and refused["reason"] == "invalid", refused
        # A member of one room opening the other room's socket, as phone, console or projector.
        for view in ("", "console", "projector"):
            intruder = screen(server, elsewhere, room["facilitator"], "intruder", view)
            with pytest.raises(InvalidStatus) as refused:
                await intruder.open()
            assert refused.value.response.status_code == 403
        after = await fresh_state(server, elsewhere, elsewhere["teachers"][0])
        assert after["seq"] == stranger.state["seq"] and after["participants"][0]["roles"] == []
        mine = await fresh_state(server, room, room["facilitator"])
        assert mine["talk"]["talking"] is None
        await console.close()
        await stranger.close()

    asyncio.run(scenario())


def test_a_text_holding_a_character_no_column_can_store_is_refused(server, running):
    """No keyboard types NUL or half of a surrogate pair (JSON can escape both), and no
    text column stores them: an action with one in any text is refused with a reason in
    the person's language, the socket goes on, and nothing is stored. (PostgreSQL refused
    NUL and a surrogate failed to encode; the exception ended the socket.)"""
    room = running

    async def scenario():
        phone = screen(server, room, room["teachers"][0], "phone")
        await phone.open()
        phase = phone.state["phase_index"]
        for payload in (
            {"text": "voor\x00na"},
            {"text": "half \ud83d emoji"},
            {"text": "goed", "extra": [{"k": "\x00"}]},
            {"text": "goed", "\udfff": 1},
        ):
            refused = await phone.attempt("note.add", payload, phase=phase)
            assert refused["type"] == "error" and refused["reason"] == "invalid", refused
            assert (
                refused["message"] == "Deze tekst bevat een teken dat niet kan worden opgeslagen."
            )
        whole = {"text": "heel 🙂 emoji"}
        assert (await phone.attempt("note.add", whole, phase=phase))["type"] == "ack"
        state = await fresh_state(server, room, room["facilitator"])
        texts = [note["text"] for note in state["notes"]]
        assert "heel 🙂 emoji" in texts
        assert not any(text.startswith(("voor", "half")) or text == "goed" for text in texts)
        await phone.close()

    asyncio.run(scenario())


def test_a_client_that_floods_is_slowed_down_and_the_room_goes_on(server, running):
    room = running
    first, second = room["teachers"]

    async def scenario():
        console = screen(server, room, room["facilitator"], "console", view="console")
        flooder = screen(server, room, first, "flooder")
        calm = screen(server, room, second, "calm")
        for each in (console, flooder, calm):
            await each.open()
        phase = console.state["phase_index"]
        ids = []
        for n in range(40):  # far more than 5 a second, in one burst
            message = {"type": "action", "id": f"00000000-0000-4000-8000-{n:012d}"}
            message |= {"action": "hand.lower", "payload": {}, "phase": phase}
            ids.append(message["id"])
            await flooder.ws.send(json.dumps(message))
        # Meanwhile another phone writes, and everyone sees it at once.
        await calm.act("note.add", {"text": "ik kom er gewoon door"}, phase=phase)
        await console.until(
            lambda: any(e.get("text") == "ik kom er gewoon door" for e in console.events)
        )
        await flooder.until(lambda: len(flooder.acks) + len(flooder.errors) >= len(ids))
        slowed = [e for e in flooder.errors if e["reason"] == "slow_down"]
        assert slowed and all(e["message"] for e in slowed)
        assert 5 <= len(flooder.acks) <= 15  # the burst, not more
        # After a short wait the same client is heard again.
        await asyncio.sleep(1)
        assert (await flooder.attempt("hand.lower", phase=phase))["type"] == "ack"
        assert not calm.errors and not console.errors
        for each in (console, flooder, calm):
            await each.close()

    asyncio.run(scenario())


def test_the_facilitators_phone_page_is_a_phone(server, running):
    """Only the console's socket runs the room. On the phone page the session's own
    facilitator gets a phone's state (no guidance), and every console action is refused as
    `console_only`, in Dutch, leaving the room as it was."""
    room = running

    async def scenario():
        phone = screen(server, room, room["facilitator"], "facilitator's phone")
        await phone.open()
        assert phone.state["facilitator"] is False
        assert phone.state["phases"][0]["guidance"] == ""
        phase = phone.state["phase_index"]
        for action in ("phase.next", "phase.pause", "notes.reveal", "room.end"):
            refused = await phone.attempt(action, phase=phase)
            assert refused["type"] == "error" and refused["reason"] == "console_only", refused
            assert refused["message"] == "Dat doe je vanaf de console; op deze pagina doe je mee."
        after = await fresh_state(server, room, room["teachers"][0])
        assert after["seq"] == phone.state["seq"] and after["phase_index"] == phase
        assert after["status"] == "running"
        await phone.close()

    asyncio.run(scenario())
