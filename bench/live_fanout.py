"""Benchmark the live room's fan-out: how long a note takes to reach every other screen.

Each scenario seeds rooms whose work form has one writing phase with notes shown at once
(hidden_until_revealed false, so every note goes to everyone), starts uvicorn, connects
the clients with `websockets` (session cookie + Origin), lets each facilitator start its
room, and then in every room one participant at a time sends `note.add`, one every
100 ms. For every (note, other client) pair it measures send → arrival of that note's
event; a pair without arrival within 10 s is lost.

  a  one room, single process, in-memory channel layer, SQLite
  b  many rooms at once, single process, in-memory channel layer, SQLite
  c  a and b on two uvicorn processes sharing Redis (channel layer, a free database
     number 11-15) and PostgreSQL (a fresh database, dropped at the end; --shared-db
     sqlite for one SQLite file instead); clients alternate between the two processes
  d  the floor: a bare Channels relay (`relay_app` below: group_send of every text, no
     database, no auth, the app's in-memory layer of samenspraak/live/layers.py, one
     process) with the clients of a, then of b

--spacing changes the 100 ms between notes; --only runs some of the scenarios;
--keep-logs copies the servers' logs (otherwise they go with the temporary folder).

Run from the repository root: .venv/bin/python bench/live_fanout.py [--quick]
Targets: p95 ≤ 250 ms for 300 in one room, nothing lost, app p95 ÷ relay p95 ≤ 2.
Clients and servers share the machine's cores, so the client's own delay is included.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import json
import math
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LOST_AFTER = 10.0  # an arrival later than this (or never) is lost
START_WITHIN = 40.0  # seconds for a server to listen
CONNECT_GATE = 32  # handshakes (with their initial state) in flight at once
PG_ADMIN = f"postgresql://postgres@{HOST}:5432/postgres"
REDIS_DBS = range(11, 16)  # a free one of these is used (the tests use 0)
MARK = re.compile(r"bench~(\d+)~(\d+)~")


@dataclass(frozen=True)
class Sizes:
    one_room: int  # participants in the single room (plus its facilitator)
    rooms: int  # rooms at once ...
    per_room: int  # ... of this many participants (plus a facilitator each)
    samples: int  # notes per room
    limit: float  # seconds a scenario may take at most
    spacing: float = 0.1  # seconds between two notes in one room


FULL = Sizes(one_room=300, rooms=50, per_room=30, samples=30, limit=300.0)
QUICK = Sizes(one_room=30, rooms=5, per_room=10, samples=10, limit=60.0)


# --- Seeding (runs in a subprocess, against the server's database) ----------------------

SEED = r"""
import json
import math
import os
from datetime import timedelta

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as StoredSession
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from samenspraak.accounts.models import User
from samenspraak.live.models import Room
from samenspraak.methods.models import MethodSnapshot
from samenspraak.planning.models import Session
from samenspraak.schools.models import Group, GroupMember, Membership, School

sizes = json.loads(os.environ["BENCH_ROOMS"])
backend = "samenspraak.accounts.backends.EmailBackend"
phase = {
    "position": 1,
    "kind": "writing",
    "minutes": 60,
    "settings": {"hidden_until_revealed": False, "anonymous": False, "max_items": 1000},
    "speaking": [],
    "silent": [],
    "produces": "",
    "title_nl": "Opschrijven",
    "title_en": "Writing",
    "purpose_nl": "",
    "purpose_en": "",
    "guidance_nl": "",
    "guidance_en": "",
    "prompts_nl": "Wat viel je op?",
    "prompts_en": "What did you notice?",
}
now = timezone.now()
codec = SessionStore()
LIFETIME = timedelta(hours=12)
out = []
with transaction.atomic():
    school = School.objects.create(name="Benchmarkschool")
    snapshot = MethodSnapshot.objects.create(
        data={"slug": "bench", "name_nl": "Benchmark", "name_en": "Benchmark", "phases": [phase]}
    )
    User.objects.bulk_create(
        [
            User(
                email=f"r{r}p{j}@bench.test",
                name=f"Deelnemer {r}-{j}",
                password=make_password(None),
            )
            for r, size in enumerate(sizes)
            for j in range(size + 1)
        ],
        batch_size=500,
    )
    users = {u.email: u for u in User.objects.filter(email__endswith="@bench.test")}
    Membership.objects.bulk_create(
        [
            Membership(user=users[f"r{r}p{j}@bench.test"], school=school, is_teacher=True,
                       is_facilitator=j == 0)
            for r, size in enumerate(sizes)
            for j in range(size + 1)
        ],
        batch_size=500,
    )
    stored = []
    for r, size in enumerate(sizes):
        people = [users[f"r{r}p{j}@bench.test"] for j in range(size + 1)]
        group = Group.objects.create(school=school, name=f"Benchmarkgroep {r}", kind="section")
        GroupMember.objects.bulk_create([GroupMember(group=group, user=u) for u in people])
        session = Session.objects.create(
            school=school,
            group=group,
            title=f"Benchmark {r}",
            facilitator=people[0],
            starts_at=now,
            duration_minutes=60,
            method_snapshot=snapshot,
            created_by=people[0],
        )
        room = Room.objects.create(session=session)
        keys = []
        for user in people:
            key = get_random_string(32, VALID_KEY_CHARS)
            data = codec.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: backend,
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            )
            stored.append(
                StoredSession(session_key=key, session_data=data, expire_date=now + LIFETIME)
            )
            keys.append(key)
        out.append({"room": room.pk, "cookies": keys})
    StoredSession.objects.bulk_create(stored, batch_size=500)
print(json.dumps({"rooms": out}))
"""


# --- The floor: a bare Channels relay, served by uvicorn from this file -------------------


def _build_relay():
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            SECRET_KEY="bench-relay-only",  # noqa: S106 (no sessions, no auth)
            INSTALLED_APPS=["channels"],
            # The app's own single-process layer: the ratio is the app's cost, not a layer's.
            CHANNEL_LAYERS={"default": {"BACKEND": "samenspraak.live.layers.RoomChannelLayer"}},
            USE_TZ=True,
        )
        django.setup()
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.routing import URLRouter
    from django.urls import path

    class Relay(AsyncWebsocketConsumer):
        async def connect(self) -> None:
            self.group = "relay." + self.scope["url_route"]["kwargs"]["room"]
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.accept()
            await self.send(text_data='{"type": "state"}')

        async def disconnect(self, code) -> None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

        async def receive(self, text_data=None, bytes_data=None) -> None:
            if text_data:
                await self.channel_layer.group_send(
                    self.group, {"type": "relay.message", "text": text_data}
                )

        async def relay_message(self, message: dict) -> None:
            await self.send(text_data=message["text"])

    return URLRouter([path("ws/relay/<str:room>/", Relay.as_asgi())])


class _LazyRelay:
    """Django settings are configured only in the uvicorn process that serves the relay."""

    app = None

    async def __call__(self, scope, receive, send) -> None:
        if self.app is None:
            self.app = _build_relay()
        await self.app(scope, receive, send)


relay_app = _LazyRelay()


# --- Servers and databases ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _tail(path: Path, size: int = 2000) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else "(no log)"


class Servers:
    """uvicorn processes started by this run; `stop()` ends each of them (and only them)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: list[tuple[subprocess.Popen, Path]] = []
        self.logs: list[tuple[str, Path]] = []

    def start(self, app: str, env: dict, label: str) -> int:
        port = _free_port()
        log_path = self.folder / f"{label}-{port}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    app,
                    "--host",
                    HOST,
                    "--port",
                    str(port),
                    "--lifespan",
                    "off",
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.running.append((process, log_path))
        self.logs.append((label, log_path))
        deadline = time.monotonic() + START_WITHIN
        while True:
            with socket.socket() as probe:
                probe.settimeout(1)
                if probe.connect_ex((HOST, port)) == 0:
                    return port
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{label} did not start on port {port}:\n{_tail(log_path)}")
            time.sleep(0.2)

    def stop(self) -> None:
        while self.running:
            process, _log = self.running.pop()
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def _base_env(folder: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        and not key.startswith("SAMENSPRAAK_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="samenspraak.settings",
        SAMENSPRAAK_ALLOWED_HOSTS="127.0.0.1,localhost",
        SAMENSPRAAK_DEBUG="false",  # as in production: no query log kept per connection
        SAMENSPRAAK_LOG_LEVEL="INFO",  # channels_redis reports "over capacity" at INFO
        SAMENSPRAAK_MEDIA_ROOT=str(folder / "media"),
        PYTHONUNBUFFERED="1",
    )
    return env


def _prepare(envs: list[dict], sizes: list[int]) -> list[dict]:
    """Migrate and seed each database (in parallel); the seeds' output, in order."""
    for step in (["manage.py", "migrate", "--no-input"], ["-c", SEED]):
        started = [
            subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                [sys.executable, *step],
                cwd=ROOT,
                env={**env, "BENCH_ROOMS": json.dumps(sizes)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for env in envs
        ]
        outputs = []
        for process in started:
            try:
                out, err = process.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate(timeout=10)
            if process.returncode != 0:
                for other in started:
                    if other.poll() is None:
                        other.kill()
                        other.wait(timeout=10)
                raise RuntimeError(f"{step[-1][:20]!r} failed:\n{err[-3000:]}")
            outputs.append(out)
    return [json.loads(out.strip().splitlines()[-1]) for out in outputs]


class Postgres:
    """A fresh database on the local server, dropped by `drop()`."""

    def __init__(self):
        self.name = f"bench_fanout_{os.getpid()}"
        self.created = False

    def _admin(self):
        import psycopg

        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)

    def create(self) -> str:
        from psycopg import sql

        with self._admin() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        self.created = True
        return f"postgres://postgres@{HOST}:5432/{self.name}"

    def drop(self) -> None:
        if not self.created:
            return
        from psycopg import sql

        with self._admin() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )
        self.created = False


class RedisDb:
    """An empty Redis database number for the channel layer; its keys are removed after."""

    def __init__(self):
        self.url = None
        self.client = None

    def pick(self) -> str:
        import redis

        for number in REDIS_DBS:
            client = redis.Redis(host=HOST, port=6379, db=number, socket_timeout=5)
            if client.dbsize() == 0:
                self.client, self.url = client, f"redis://{HOST}:6379/{number}"
                return self.url
            client.close()
        raise RuntimeError(f"no empty Redis database among {list(REDIS_DBS)}")

    def clean(self) -> None:
        if self.client is None:
            return
        keys = list(self.client.scan_iter(match="asgi*", count=1000))[:100_000]
        for start in range(0, len(keys), 1000):
            self.client.delete(*keys[start : start + 1000])
        self.client.close()
        self.client = None


# --- Clients -------------------------------------------------------------------------------


@dataclass(eq=False)
class Client:
    room: "RoomRun"
    index: int  # 0 is the facilitator (in the relay: just the first client)
    url: str
    origin: str
    cookie: str | None
    ws: object = None
    listener: asyncio.Task | None = None
    failed: str | None = None
    closed: int | None = None  # close code, when the server closed during the run
    state: asyncio.Event = field(default_factory=asyncio.Event)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    arrivals: dict[int, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.ws is not None and self.failed is None


@dataclass(eq=False)
class RoomRun:
    number: int
    clients: list[Client] = field(default_factory=list)
    sent: dict[int, tuple[float, int]] = field(default_factory=dict)  # sample: (time, sender)
    ids: dict[str, int] = field(default_factory=dict)  # action id: sample
    acks: dict[int, float] = field(default_factory=dict)
    arrived: int = 0


async def _listen(client: Client) -> None:
    from websockets.exceptions import ConnectionClosed

    room = client.room
    try:
        async for raw in client.ws:
            now = time.perf_counter()
            if not isinstance(raw, str):
                continue
            found = MARK.search(raw)
            if found is not None:
                sample = int(found[2])
                if int(found[1]) == room.number and sample not in client.arrivals:
                    client.arrivals[sample] = now
                    room.arrived += 1
                continue
            head = raw[:48]
            if '"type": "state"' in head:
                client.state.set()
            elif '"type": "event"' in head and '"kind": "phase"' in head:
                client.started.set()
            elif '"type": "ack"' in head:
                sample = room.ids.get(json.loads(raw).get("id"))
                if sample is not None:
                    room.acks.setdefault(sample, now)
            elif '"type": "error"' in head:
                client.errors.append(str(json.loads(raw).get("reason")))
    except ConnectionClosed as closed:
        client.closed = closed.rcvd.code if closed.rcvd else 1006


async def _connect(client: Client, gate: asyncio.Semaphore) -> None:
    from websockets.asyncio.client import connect

    async with gate:
        try:
            client.ws = await connect(
                client.url,
                origin=client.origin,
                additional_headers={"Cookie": client.cookie} if client.cookie else None,
                proxy=None,  # straight to 127.0.0.1, whatever the environment says
                open_timeout=30,
                ping_interval=None,
                close_timeout=2,
                max_size=2**23,
            )
            client.listener = asyncio.create_task(_listen(client))
            await asyncio.wait_for(client.state.wait(), 30)
        except Exception as error:  # noqa: BLE001 (reported, the run goes on)
            client.failed = f"{type(error).__name__}: {error}"[:200]


def _action(action: str, payload: dict, phase: int | None) -> tuple[str, str]:
    action_id = str(uuid.uuid4())
    message = {"type": "action", "id": action_id, "action": action, "payload": payload}
    return action_id, json.dumps(message | {"phase": phase})


async def _drive(room: RoomRun, samples: int, spacing: float, at: float) -> None:
    """One participant at a time sends a note, `spacing` apart."""
    senders = [c for c in room.clients[1:] if c.live]
    for sample in range(samples):
        if not senders:
            return
        delay = at + sample * spacing - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sender = senders[sample % len(senders)]
        text = f"bench~{room.number}~{sample}~ notitie {sample} van deelnemer {sender.index}"
        action_id, message = _action("note.add", {"text": text}, 0)
        room.ids[action_id] = sample
        room.sent[sample] = (time.perf_counter(), sender.index)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(sender.ws.send(message), 5)


@dataclass
class Result:
    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)  # ms
    lost: int = 0
    notes: list[str] = field(default_factory=list)
    failed: str | None = None

    def percentile(self, fraction: float) -> float | None:
        return _percentile(self.latencies, fraction)


def _percentile(values: list[float], fraction: float) -> float | None:
    """Nearest rank: the smallest value with at least `fraction` of all at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(fraction * len(ordered))) - 1)]


def _ms_summary(values: list[float]) -> str:
    if not values:
        return "-"
    p50, p95 = _percentile(values, 0.5), _percentile(values, 0.95)
    return f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(values):.0f} ms"


async def _scenario(result: Result, rooms: list[RoomRun], sizes: Sizes, start_rooms: bool) -> None:
    clients = [c for room in rooms for c in room.clients]
    gate = asyncio.Semaphore(CONNECT_GATE)
    began = time.perf_counter()
    try:
        await asyncio.gather(*(_connect(c, gate) for c in clients))
        failed = [c for c in clients if c.failed]
        result.notes.append(
            f"{len(clients) - len(failed)}/{len(clients)} clients connected with their state "
            f"in {time.perf_counter() - began:.1f} s"
        )
        if failed:
            result.notes.append(f"connect failures: {len(failed)} (first: {failed[0].failed})")

        if start_rooms:
            began = time.perf_counter()
            for room in rooms:
                if room.clients[0].live:
                    await room.clients[0].ws.send(_action("room.start", {}, None)[1])
            waiting = [c.started.wait() for c in clients if c.live]
            try:
                await asyncio.wait_for(asyncio.gather(*waiting), 30)
            except TimeoutError:
                behind = sum(1 for c in clients if c.live and not c.started.is_set())
                result.notes.append(f"{behind} clients never saw the room start")
            result.notes.append(
                f"room.start reached every client in {time.perf_counter() - began:.1f} s"
            )

        # Rooms start spread over one spacing, as separate rooms are not in step.
        cpu, at = time.process_time(), time.perf_counter() + 0.2
        spacing = sizes.spacing
        await asyncio.gather(
            *(
                _drive(room, sizes.samples, spacing, at + number * spacing / len(rooms))
                for number, room in enumerate(rooms)
            )
        )
        last = max((t for room in rooms for t, _s in room.sent.values()), default=at)
        while time.perf_counter() < last + LOST_AFTER:
            pending = sum(
                len(room.sent) * sum(1 for c in room.clients if c.live) - room.arrived
                for room in rooms
            )
            if pending <= 0:
                break
            await asyncio.sleep(0.05)

        cpu, wall = time.process_time() - cpu, time.perf_counter() - at
        acks = []
        for room in rooms:
            for sample, (sent, sender) in room.sent.items():
                if sample in room.acks:
                    acks.append((room.acks[sample] - sent) * 1000)
                for client in room.clients:
                    if client.index == sender or not client.live:
                        continue
                    arrived = client.arrivals.get(sample)
                    if arrived is not None and arrived - sent <= LOST_AFTER:
                        result.latencies.append((arrived - sent) * 1000)
                    else:
                        result.lost += 1
        notes = sum(len(room.sent) for room in rooms)
        fanout = sum(len(room.clients) - 1 for room in rooms) / sizes.spacing
        result.notes.append(
            f"offered: {len(rooms) / sizes.spacing:.0f} notes/s, {fanout:.0f} deliveries/s"
        )
        if not start_rooms:  # the relay does not acknowledge
            result.notes.append(f"{notes} notes sent")
        else:
            result.notes.append(
                f"{notes} notes sent; send → ack at the sender: {_ms_summary(acks)}"
            )
        result.notes.append(
            f"this client process used {cpu:.1f} s CPU in those {wall:.1f} s (sending + waiting)"
        )
        if start_rooms and notes and len(acks) < notes:
            result.notes.append(f"{notes - len(acks)} notes were never acknowledged")
        errors: dict[str, int] = {}
        for client in clients:
            for reason in client.errors:
                errors[reason] = errors.get(reason, 0) + 1
        if errors:
            result.notes.append(f"errors from the server: {errors}")
        closed = [c.closed for c in clients if c.closed is not None]
        if closed:
            result.notes.append(f"{len(closed)} sockets closed by the server (codes {set(closed)})")
    finally:
        closing = [c.ws.close() for c in clients if c.ws is not None]
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.gather(*closing, return_exceptions=True), 30)
        for client in clients:
            if client.listener is not None:
                client.listener.cancel()
        await asyncio.gather(
            *(c.listener for c in clients if c.listener is not None), return_exceptions=True
        )


def _rooms(seeded: list[dict], numbers: list[int], ports: list[int], relay: bool) -> list:
    rooms = []
    for number in numbers:
        seed = seeded[number]
        room = RoomRun(number=number)
        for index, cookie in enumerate(seed["cookies"]):
            port = ports[index % len(ports)]
            path = f"/ws/relay/{number}/" if relay else f"/ws/rooms/{seed['room']}/"
            if index == 0 and not relay:
                path += "?view=console"  # the facilitator starts the room from the console
            room.clients.append(
                Client(
                    room=room,
                    index=index,
                    url=f"ws://{HOST}:{port}{path}",
                    origin=f"http://{HOST}:{port}",
                    cookie=None if relay else f"sessionid={cookie}",
                )
            )
        rooms.append(room)
    return rooms


def run_scenario(
    name: str,
    seeded: list[dict],
    numbers: list[int],
    ports: list[int],
    sizes: Sizes,
    relay: bool = False,
) -> Result:
    print(f"… {name}", file=sys.stderr, flush=True)

    async def main() -> Result:
        rooms = _rooms(seeded, numbers, ports, relay)
        result = Result(name=name, clients=sum(len(room.clients) for room in rooms))
        try:
            await asyncio.wait_for(
                _scenario(result, rooms, sizes, start_rooms=not relay), sizes.limit
            )
        except TimeoutError:
            result.failed = f"did not finish within {sizes.limit:.0f} s"
        return result

    result = _run(main)
    for note in result.notes:
        print(f"    {note}", file=sys.stderr, flush=True)
    return result


def _run(main):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main())


# --- The run ---------------------------------------------------------------------------------


def _log_findings(servers: Servers) -> list[str]:
    findings = []
    for label, path in servers.logs:
        text = path.read_text(errors="replace") if path.exists() else ""
        lines = text.splitlines()
        tracebacks = text.count("Traceback (most recent call last)")
        errors = [line for line in lines if " ERROR " in line or line.startswith("ERROR")]
        capacity = [line for line in lines if "over capacity" in line]
        if tracebacks or errors or capacity:
            first = (errors or capacity or [""])[0][:200]
            findings.append(
                f"{label}: {tracebacks} tracebacks, {len(errors)} ERROR lines, "
                f"{len(capacity)} 'over capacity' lines; first: {first}"
            )
            last_exception = [
                line for line in lines if re.match(r"^\w+(\.\w+)*(Error|Exception)", line)
            ]
            if last_exception:
                findings.append(f"    e.g. {last_exception[-1][:200]}")
    return findings


def _cell(value: float | None) -> str:
    return f"{value:8.0f}" if value is not None else f"{'-':>8}"


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def print_table(results: list[Result], sizes: Sizes, seconds: float, findings: list[str]) -> None:
    print()
    print(
        f"Live room fan-out: {sizes.samples} notes per room, one every "
        f"{sizes.spacing * 1000:.0f} ms; "
        f"lost = no arrival within {LOST_AFTER:.0f} s; a and b: SQLite, in-memory layer"
    )
    width = max(len(r.name) for r in results) if results else 20
    heads = ("p50 ms", "p95 ms", "max ms")
    print(f"{'scenario':<{width}} {'clients':>7} " + " ".join(f"{h:>8}" for h in heads) + "   lost")
    for r in results:
        if r.failed and not r.latencies:
            print(f"{r.name:<{width}} {r.clients:>7}   {r.failed}")
            continue
        maximum = max(r.latencies) if r.latencies else None
        print(
            f"{r.name:<{width}} {r.clients:>7} {_cell(r.percentile(0.5))} "
            f"{_cell(r.percentile(0.95))} {_cell(maximum)} {r.lost:>6}"
            + (f"  ({r.failed})" if r.failed else "")
        )
    app = next((r for r in results if r.name.startswith("a ")), None)
    relay = next((r for r in results if r.name.startswith("d ")), None)
    if app and relay and app.percentile(0.95) and relay.percentile(0.95):
        ratio = app.percentile(0.95) / relay.percentile(0.95)
        print(
            f"ratio a ÷ d (p95 app ÷ p95 relay, one room of {sizes.one_room}): {ratio:.2f} "
            f"(target ≤ 2)"
        )
    else:
        print("ratio a ÷ d: not available")
    print(
        f"targets: p95 ≤ 250 ms and 0 lost for {sizes.one_room} in one room"
        + ("" if sizes.one_room == FULL.one_room else " (the targets are for 300 in one room)")
    )
    for r in results:
        for note in r.notes:
            print(f"  {r.name.split()[0]}: {note}")
    for finding in findings:
        print(f"  server log: {finding}")
    print(f"total time: {seconds:.0f} s; {_load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small numbers, under a minute")
    parser.add_argument(
        "--only", default="abcd", help="scenarios to run, a subset of abcd (default all)"
    )
    parser.add_argument(
        "--shared-db",
        choices=("sqlite", "postgres"),
        default="postgres",
        help="the database the two processes of c share (default postgres)",
    )
    parser.add_argument(
        "--spacing", type=float, default=0.1, help="seconds between notes in a room (0.1)"
    )
    parser.add_argument("--keep-logs", type=Path, help="copy the servers' logs to this folder")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    sizes = dataclasses.replace(sizes, spacing=min(10.0, max(0.01, args.spacing)))
    only = set(args.only)
    began = time.monotonic()
    print(f"… starting; {_load()}", file=sys.stderr, flush=True)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    # Room 0: the single room; rooms 1 … N: the rooms at once.
    room_sizes = [sizes.one_room] + [sizes.per_room] * sizes.rooms
    single, many = [0], list(range(1, sizes.rooms + 1))
    one_label = f"1 room × {sizes.one_room}"
    many_label = f"{sizes.rooms} rooms × {sizes.per_room}"

    results: list[Result] = []
    findings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="live-fanout-") as folder_name:
        folder = Path(folder_name)
        servers = Servers(folder)
        postgres, redis_db = Postgres(), RedisDb()
        try:
            base = _base_env(folder)
            sqlite_env = {**base, "SAMENSPRAAK_SQLITE_PATH": str(folder / "bench.sqlite3")}
            envs = []
            if only & {"a", "b"}:
                envs.append(sqlite_env)
            if "c" in only:
                shared_env = {**base, "REDIS_URL": redis_db.pick()}
                if args.shared_db == "postgres":
                    shared_env["DATABASE_URL"] = postgres.create()
                else:
                    shared_env["SAMENSPRAAK_SQLITE_PATH"] = str(folder / "shared.sqlite3")
                envs.append(shared_env)
            seeded = _prepare(envs, room_sizes) if envs else []
            print(f"… seeded in {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)

            if only & {"a", "b"}:
                data = seeded.pop(0)["rooms"]
                port = servers.start("samenspraak.asgi:application", sqlite_env, "app-sqlite")
                if "a" in only:
                    name = f"a {one_label}, 1 process"
                    results.append(run_scenario(name, data, single, [port], sizes))
                if "b" in only:
                    name = f"b {many_label}, 1 process"
                    results.append(run_scenario(name, data, many, [port], sizes))
                servers.stop()
            if "c" in only:
                data = seeded.pop(0)["rooms"]
                app = "samenspraak.asgi:application"
                ports = [
                    servers.start(app, shared_env, "app-redis-1"),
                    servers.start(app, shared_env, "app-redis-2"),
                ]
                database = "PostgreSQL" if args.shared_db == "postgres" else "SQLite"
                shared = f"2 processes, Redis, {database}"
                name = f"c {one_label}, {shared}"
                results.append(run_scenario(name, data, single, ports, sizes))
                name = f"c {many_label}, {shared}"
                results.append(run_scenario(name, data, many, ports, sizes))
                servers.stop()
            if "d" in only:
                fake = [{"room": n, "cookies": [""] * (s + 1)} for n, s in enumerate(room_sizes)]
                port = servers.start("bench.live_fanout:relay_app", base, "relay")
                name = f"d {one_label}, bare relay"
                results.append(run_scenario(name, fake, single, [port], sizes, relay=True))
                name = f"d {many_label}, bare relay"
                results.append(run_scenario(name, fake, many, [port], sizes, relay=True))
                servers.stop()
            findings = _log_findings(servers)
        finally:
            servers.stop()
            try:
                postgres.drop()
            finally:
                redis_db.clean()
            if args.keep_logs:
                args.keep_logs.mkdir(parents=True, exist_ok=True)
                for _label, path in servers.logs:
                    if path.exists():
                        shutil.copy(path, args.keep_logs / path.name)
    print_table(results, sizes, time.monotonic() - began, findings)


if __name__ == "__main__":
    main()
