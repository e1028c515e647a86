"""Real servers for the live room's tests: uvicorn processes on the ASGI application.

pytest-django's live_server speaks WSGI only, and the test database is not one other
processes can open (SQLite in memory), so these helpers give each test module its own
database (a SQLite file in WAL mode, or a fresh database on the PostgreSQL server of
DATABASE_URL), migrate and seed it in subprocesses, and start as many uvicorn processes
on it as a test needs. Only the processes started here are ever stopped.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
START_WITHIN = 40  # seconds for uvicorn to answer
WAIT = 20  # seconds for any one expected message on a socket

# The start of every seed script: Django set up against the server's database, and a
# helper that signs someone in by making a stored session (the cookie a browser would get).
SEED_PRELUDE = r"""
import json
import os

import django

django.setup()

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore


def signed_in(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "samenspraak.accounts.backends.EmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def tail(path: Path, size: int = 3000) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else "(no log)"


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own URL)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def uvicorn_installed() -> bool:
    probe = [sys.executable, "-c", "import uvicorn, websockets"]
    return subprocess.run(probe, capture_output=True).returncode == 0  # noqa: S603


def base_env(folder: Path, *, database_url: str | None = None, redis_url: str | None = None):
    """The environment of the servers and seed scripts: SQLite in `folder` unless a
    database URL is given; the in-memory channel layer unless a Redis URL is given."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        and not key.startswith("SAMENSPRAAK_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="samenspraak.settings",
        SAMENSPRAAK_SQLITE_PATH=str(folder / "live.sqlite3"),
        SAMENSPRAAK_ALLOWED_HOSTS="127.0.0.1,localhost",
        SAMENSPRAAK_MEDIA_ROOT=str(folder / "media"),
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


# The start every browser seed shares: one school with the library synced and a
# `person()` helper (run after SEED_PRELUDE, or on its own: it sets Django up itself).
SCHOOL_SEED = r"""
import json
import os
from datetime import date, timedelta

import django

django.setup()

from django.utils import timezone

from samenspraak.accounts.models import User
from samenspraak.followup.services import action_add
from samenspraak.methods.library import sync_library
from samenspraak.methods.models import Method
from samenspraak.methods.services import snapshot_take
from samenspraak.planning.models import Cycle, Session
from samenspraak.schools.models import Group, GroupMember, Membership, School

password = os.environ["SEED_PASSWORD"]
sync_library()
school = School.objects.create(name="Stedelijk Lyceum De Linde")


def person(email, name, **roles):
    user = User.objects.create_user(email=email, name=name, password=password)
    Membership.objects.create(user=user, school=school, **roles)
    return user


TEACHERS = [
    "Daan de Vries", "Sanne Bakker", "Joris Jansen", "Eva Smit", "Noah Visser", "Lotte Mulder",
]


# The section Sectie Nederlands: facilitator Fatima El Amrani and the first `count`
# TEACHERS (who sign in as first@linde.test).
def section(count):
    facilitator = person(
        "gespreksleider@linde.test", "Fatima El Amrani", is_facilitator=True, is_teacher=True
    )
    teachers = [
        person(f"{name.split()[0].lower()}@linde.test", name, is_teacher=True)
        for name in TEACHERS[:count]
    ]
    group = Group.objects.create(school=school, name="Sectie Nederlands", kind="section")
    for user in [facilitator, *teachers]:
        GroupMember.objects.create(group=group, user=user)
    return facilitator, teachers, group
"""


def migrate_and_seed(env: dict, seed: str, **extra_env) -> dict:
    """Migrate the database of `env`, run the seed script (SEED_PRELUDE first), and return
    the JSON object it printed last."""
    migrate = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, f"migrate failed:\n{migrate.stderr[-3000:]}"
    seeded = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SEED_PRELUDE + seed],
        cwd=ROOT,
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert seeded.returncode == 0, f"seeding failed:\n{seeded.stderr[-3000:]}"
    return json.loads(seeded.stdout.strip().splitlines()[-1])


class Servers:
    """uvicorn processes started by a test; `stop()` ends each of them (and only them)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: list[tuple[subprocess.Popen, Path]] = []

    def start(self, env: dict, label: str, log_level: str = "warning") -> str:
        """Start one process; its base URL once it answers (a failure raises with its log)."""
        port = free_port()
        url = f"http://{HOST}:{port}"
        log_path = self.folder / f"{label}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "samenspraak.asgi:application",
                    "--host",
                    HOST,
                    "--port",
                    str(port),
                    "--lifespan",
                    "off",
                    "--log-level",
                    log_level,
                ],
                cwd=ROOT,
                env={**env, "SAMENSPRAAK_SITE_URL": url},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.running.append((process, log_path))
        deadline = time.monotonic() + START_WITHIN
        while not answers(url + "/login/"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn ({label}) did not start:\n{tail(log_path)}")
            time.sleep(0.25)
        return url

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for _p, path in self.running)

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


@contextmanager
def fresh_postgres(database_url: str, label: str) -> Iterator[str]:
    """A new, empty database on the server of `database_url` (dropped afterwards): the
    servers must not share pytest's own test database."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(database_url)
    name = f"{parts.path.lstrip('/') or 'samenspraak'}_{label}_{os.getpid()}"[:63]
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))

    def run(statement):
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    run(drop)
    run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        run(drop)


def ws_url(base_url: str, room_id: int, view: str = "") -> str:
    """A room's socket: a phone, or with view "console" or "projector" that screen."""
    return (
        base_url.replace("http", "ws", 1)
        + f"/ws/rooms/{room_id}/"
        + (f"?view={view}" if view else "")
    )


def writing_phase(title: str, *, anonymous: bool, hidden: bool, minutes: int = 30) -> dict:
    """One phase of a work-form snapshot in which everyone writes notes."""
    settings = {"anonymous": anonymous, "hidden_until_revealed": hidden, "max_items": 50}
    return {
        "position": 1,
        "kind": "writing",
        "minutes": minutes,
        "settings": settings,
        "speaking": [],
        "silent": [],
        "produces": "",
        "title_nl": title,
        "title_en": title,
        "purpose_nl": "",
        "purpose_en": "",
        "guidance_nl": "Laat iedereen eerst stil schrijven.",
        "guidance_en": "Let everyone write in silence first.",
        "prompts_nl": "Wat viel je op?",
        "prompts_en": "What did you notice?",
    }


# Seeds rooms as ROOMS (JSON) describes them: a list of {"phases": [...], "people": n,
# "guests": bool}. Each room has its own school, group, facilitator and n teachers. Prints
# for every room: room and session id, join code, and each person's name, email and cookie.
ROOMS_SEED = r"""
from django.utils import timezone

from samenspraak.accounts.models import User
from samenspraak.live.models import Room
from samenspraak.methods.models import MethodSnapshot
from samenspraak.planning.models import Session
from samenspraak.schools.models import Group, GroupMember, Membership, School

password = os.environ["SEED_PASSWORD"]
out = []
for number, spec in enumerate(json.loads(os.environ["ROOMS"])):
    school = School.objects.create(name=f"Testschool {number}")

    def person(email, name, **roles):
        user = User.objects.create_user(email=email, name=name, password=password)
        Membership.objects.create(user=user, school=school, is_teacher=True, **roles)
        return user

    facilitator = person(f"leider{number}@live.test", f"Gespreksleider Yara{number}",
                         is_facilitator=True)
    teachers = [
        person(f"docent{number}-{j}@live.test", f"Docent Quirijn{number}x{j}")
        for j in range(spec["people"])
    ]
    group = Group.objects.create(school=school, name=f"Sectie {number}", kind="section")
    for user in [facilitator, *teachers]:
        GroupMember.objects.create(group=group, user=user)
    snapshot = MethodSnapshot.objects.create(
        data={"slug": f"test-{number}", "name_nl": "Test", "name_en": "Test",
              "phases": spec["phases"]}
    )
    session = Session.objects.create(
        school=school, group=group, title=f"Live sessie {number}", facilitator=facilitator,
        starts_at=timezone.now(), duration_minutes=60, method_snapshot=snapshot,
        created_by=facilitator,
    )
    room = Room.objects.create(session=session, guests_allowed=spec.get("guests", False))

    def described(user):
        return {"id": user.pk, "name": user.name, "email": user.email, "cookie": signed_in(user)}

    out.append({
        "room": room.pk,
        "session": session.pk,
        "join_code": session.join_code,
        "facilitator": described(facilitator),
        "teachers": [described(t) for t in teachers],
    })
print(json.dumps({"rooms": out}))
"""


def seed_rooms(env: dict, rooms: list[dict], password: str) -> list[dict]:
    return migrate_and_seed(env, ROOMS_SEED, ROOMS=json.dumps(rooms), SEED_PASSWORD=password)[
        "rooms"
    ]


# --- A screen: one WebSocket client that follows the protocol as live.js does -----------


@dataclass(eq=False)
class Screen:
    name: str
    url: str
    cookie: str
    ws: object = None
    state: dict | None = None
    events: list[dict] = field(default_factory=list)
    acks: dict[str, dict] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    # What the screen shows when it follows the protocol as live.js does: events applied
    # in seq order; on a gap it asks for the state and replaces what it had.
    last: int = -1
    syncing: bool = False
    syncs: int = 0
    shown: set = field(default_factory=set)  # ids of the notes on the screen
    applied: list[int] = field(default_factory=list)  # seqs applied, in order
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            self.url,
            origin=self.url.split("/ws/")[0].replace("ws", "http", 1),
            additional_headers={"Cookie": self.cookie},
            proxy=None,
            open_timeout=WAIT,
            ping_interval=None,
            close_timeout=2,
        )
        self.reader = asyncio.create_task(self._read())
        await self.until(lambda: self.state is not None)

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "state":
                    self.state = self.state or message
                    self.last, self.syncing = message["seq"], False
                    self.shown = {note["id"] for note in message["notes"]}
                elif message["type"] == "event":
                    self.events.append(message)
                    await self._take(message)
                elif message["type"] == "ack":
                    self.acks[message["id"]] = message
                elif message["type"] == "error":
                    self.errors.append(message)
                self.changed.set()
        except ConnectionClosed:
            pass

    async def _take(self, event: dict) -> None:
        if event["seq"] < self.last:
            return  # already part of the state held
        if event["seq"] > self.last + 1:
            if not self.syncing:
                self.syncing, self.syncs = True, self.syncs + 1
                await self.ws.send(json.dumps({"type": "sync"}))
            return
        self.last = event["seq"]
        self.applied.append(event["seq"])
        if event["kind"] == "note":
            self.shown.add(event["id"])

    async def until(self, check) -> None:
        async def wait():
            while not check():
                self.changed.clear()
                await self.changed.wait()

        try:
            await asyncio.wait_for(wait(), WAIT)
        except TimeoutError:
            raise AssertionError(
                f"{self.name}: expected message did not arrive; events {self.events[-5:]}, "
                f"errors {self.errors}"
            ) from None

    async def attempt(self, action: str, payload=None, phase=None, action_id=None) -> dict:
        """Send an action; its answer: the ack, or the error that refused it."""
        action_id = action_id or str(uuid.uuid4())
        self.acks.pop(action_id, None)  # a replay: wait for its own answer
        self.errors = [e for e in self.errors if e.get("id") != action_id]
        message = {"type": "action", "id": action_id, "action": action, "payload": payload or {}}
        message["phase"] = phase
        await self.ws.send(json.dumps(message))

        def answer():
            refused = [e for e in self.errors if e.get("id") == action_id]
            return self.acks.get(action_id) or (refused[0] if refused else None)

        await self.until(lambda: answer() is not None)
        return answer()

    async def act(self, action: str, payload=None, phase=None, action_id=None) -> dict:
        """Send an action and wait for its ack (a refusal fails the test)."""
        answer = await self.attempt(action, payload, phase, action_id)
        assert answer["type"] == "ack", f"{self.name}: {action} refused: {answer}"
        return answer

    async def close(self) -> None:
        await self.ws.close()
        await self.reader
