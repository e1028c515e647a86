"""Anonymous notes carry no author anywhere: not in the database, not in any live message
(except the author's own 'yours' copy), not in any log line (issue 5, done-when).

A real uvicorn server with every logger at DEBUG (SQL included: DEBUG is on), its access
log on, and real WebSockets for a facilitator's console, the projector, the writer and
another participant. The database is inspected as a whole, before and after the note:
what changed, and whether anything there ties the writer to it.
"""

import asyncio
import json
import os
import re
import uuid

import pytest

from conftest import PASSWORD, require
from tests.live_server_util import (
    ROOT,
    Screen,
    Servers,
    base_env,
    fresh_postgres,
    seed_rooms,
    uvicorn_installed,
    writing_phase,
    ws_url,
)

CANARY = "KANARIE-anoniem-7f3a-niemand-weet-van-wie"

# Prints every table's rows as JSON (run against the server's database).
DUMP = r"""
import json

import django

django.setup()

from django.apps import apps
from django.core import serializers

tables = {}
for model in apps.get_models():
    rows = json.loads(serializers.serialize("json", model.objects.all()))
    tables[model._meta.label] = [{"pk": row["pk"], **row["fields"]} for row in rows]
print(json.dumps(tables, default=str))
"""


def dump(env: dict) -> dict:
    import subprocess
    import sys

    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", DUMP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require(uvicorn_installed(), "uvicorn and websockets are not installed (pip install -e .)")
    folder = tmp_path_factory.mktemp("live-anonymity")
    servers = Servers(folder)
    phases = [
        writing_phase("Anoniem schrijven", anonymous=True, hidden=True),
        writing_phase("Met naam schrijven", anonymous=False, hidden=False),
    ]
    debug = {
        "SAMENSPRAAK_DEBUG": "true",  # Django logs SQL only with DEBUG on
        "SAMENSPRAAK_LOG_LEVEL": "DEBUG",
        "DJANGO_SETTINGS_MODULE": "tests.live_debug_settings",
    }

    def start(env):
        env = {**env, **debug}
        (room,) = seed_rooms(env, [{"phases": phases, "people": 2}], PASSWORD)
        url = servers.start(env, "debug", log_level="trace")
        return {"room": room, "url": url, "env": env, "servers": servers}

    try:
        if os.environ.get("DATABASE_URL"):
            with fresh_postgres(os.environ["DATABASE_URL"], "anon") as url:
                yield start(base_env(folder, database_url=url))
                servers.stop()
        else:
            yield start(base_env(folder))
    finally:
        servers.stop()


def _named(value, person: dict) -> bool:
    text = json.dumps(value)
    return person["name"] in text or person["email"] in text


def _links(message: dict, person: dict, seat: int) -> list[str]:
    """Everything in one message that could name the writer or their seat."""
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in ("author", "author_id", "participant", "user", "user_id", "by", "name"):
            if value is not None:
                found.append(f"{key}={value!r}")
        elif value == seat and key not in ("seq", "phase", "index", "count"):
            found.append(f"{key}={value!r}")

    walk(message)
    if _named(message, person):
        found.append("name or email")
    return found


def test_an_anonymous_note_carries_no_author_in_row_message_or_log(server):
    room, url, env = server["room"], server["url"], server["env"]
    writer, other = room["teachers"]
    console = Screen(
        "console", ws_url(url, room["room"], view="console"), room["facilitator"]["cookie"]
    )
    projector = Screen(
        "projector", ws_url(url, room["room"], view="projector"), room["facilitator"]["cookie"]
    )
    mine = Screen("writer", ws_url(url, room["room"]), writer["cookie"])
    theirs = Screen("other", ws_url(url, room["room"]), other["cookie"])
    screens = [console, projector, mine, theirs]
    note_action = str(uuid.uuid4())
    tables: dict[str, dict] = {}

    async def scenario() -> None:
        for screen in screens:
            await screen.open()
        await console.act("room.start")
        await mine.until(lambda: any(e["kind"] == "phase" for e in mine.events))
        tables["before"] = await asyncio.to_thread(dump, env)
        ack = await mine.act("note.add", {"text": CANARY}, phase=0, action_id=note_action)
        for screen in screens:
            await screen.until(lambda s=screen: any(e["seq"] == ack["seq"] for e in s.events))
        tables["after"] = await asyncio.to_thread(dump, env)
        # The same action again (a phone that resends after a reconnect): nothing changes.
        again = await mine.act("note.add", {"text": CANARY}, phase=0, action_id=note_action)
        assert again["replayed"] is True
        await console.act("notes.reveal", phase=0)
        for screen in screens:
            await screen.until(lambda s=screen: any(e["kind"] == "revealed" for e in s.events))
        # Later, named notes in the next phase still work as before.
        await console.act("phase.next", phase=0)
        await mine.until(lambda: any(e["kind"] == "phase" and e["index"] == 1 for e in mine.events))
        await mine.act("note.add", {"text": "met naam"}, phase=1)
        await theirs.until(lambda: any(e.get("text") == "met naam" for e in theirs.events))
        for screen in screens:
            await screen.close()

    asyncio.run(scenario())
    after = dump(env)

    # 1. The database: one new row, the note itself, with no author, no time, a random
    # key; the only other change is the room's seq. No row links the writer to the note.
    before, during = tables["before"], tables["after"]
    changed = {
        label: [row for row in rows if row not in before[label]]
        for label, rows in during.items()
        if rows != before[label]
    }
    assert set(changed) == {"live.Contribution", "live.Room"}, changed
    (note,) = changed["live.Contribution"]
    assert note["text"] == CANARY and note["author"] is None and note["created_at"] is None
    assert uuid.UUID(note["pk"]).version == 4
    # A note in a World Café round also keeps its table and round: a group, never a person;
    # a 3xW note the question it answers.
    assert set(note) == {
        "pk",
        "room",
        "phase_index",
        "text",
        "author",
        "cluster",
        "created_at",
        "table",
        "table_round",
        "prompt",
    }
    (room_row,) = changed["live.Room"]
    seq = room_row["seq"]
    assert not [row for row in after["live.ClientAction"] if row["seq"] == seq]
    holding = [label for label, rows in after.items() for row in rows if CANARY in json.dumps(row)]
    assert holding == ["live.Contribution"], holding
    writer_seat = next(
        row["pk"] for row in after["live.Participant"] if row["user"] == writer["id"]
    )

    # 2. The live messages: every screen got the note (or its count), and nothing in those
    # messages names the writer; only the writer's own copy says 'yours'.
    for screen in screens:
        about = [e for e in screen.events if e["seq"] == seq or CANARY in json.dumps(e)]
        assert about, f"{screen.name} heard nothing of the note"
        for event in about:
            if screen is mine and event.get("yours"):
                assert event["author"] is None
                continue
            assert "yours" not in event, screen.name
            assert not _links(event, writer, writer_seat), (screen.name, event)
        acks = [a for a in screen.acks.values() if a["seq"] == seq]
        assert all(screen is mine for _ in acks)
    revealed = next(e for e in theirs.events if e["kind"] == "revealed")
    assert [n["text"] for n in revealed["notes"]] == [CANARY]
    assert revealed["notes"][0]["author"] is None

    # 3. The logs (uvicorn at trace level with its access log, Django at DEBUG with SQL):
    # no line that mentions the note names the writer, their email, user or seat.
    log = server["servers"].logs()
    assert "WebSocket" in log and "live_contribution" in log.lower()  # it did log
    identities = [
        writer["name"],
        writer["email"],
        writer["cookie"].split("=", 1)[1],
    ]
    for line in log.splitlines():
        if CANARY not in line:
            continue
        # Only debugging output shows the text at all (SQL, frames): never INFO or above.
        assert not re.search(r"\b(INFO|WARNING|ERROR|CRITICAL)\b", line), line
        for identity in identities:
            assert identity not in line, line
        assert not re.search(rf"\b(author|user|participant)(_id)?\W+{writer_seat}\b", line), line
