"""The live room over the real ASGI application and channel layer: the phase engine,
anonymity, replays and stale actions, rate limiting, reconnects and revocation."""

import asyncio
import functools
import json
import logging
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenspraak.asgi import application
from samenspraak.live import consumers
from samenspraak.live.access import room_of
from samenspraak.live.consumers import TokenBucket, pace_for
from samenspraak.live.models import Contribution, Participant, Room
from samenspraak.methods.models import Method
from samenspraak.methods.services import method_copy, snapshot_take
from samenspraak.planning.models import Session

pytestmark = pytest.mark.django_db(transaction=True)
CANARY = "KANARIE-anoniem-3b7e"


_COOKIES: dict[int, bytes] = {}


def cookie_for(user) -> bytes:
    """Sign in through Django's test client (sync code: call before the async part)."""
    if user.pk not in _COOKIES:
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        _COOKIES[user.pk] = f"{name}={client.cookies[name].value}".encode()
    return _COOKIES[user.pk]


@pytest.fixture(autouse=True)
def _signed_in(personas):
    """Everyone signs in before the async part of a test (the test client is sync)."""
    _COOKIES.clear()
    for user in personas.values():
        if user is not None and user.is_active:
            cookie_for(user)


@pytest.fixture
def room(group, facilitator, school) -> Room:
    """A session whose work form opens with an anonymous silent-writing phase."""
    builtin = Method.objects.builtin().get(slug="check-in-round")
    method = method_copy(method=builtin, school=school, by=facilitator)
    first = method.phases.first()
    first.kind, first.settings = (
        "writing",
        {"anonymous": True, "hidden_until_revealed": True, "max_items": 5},
    )
    first.save()
    session = Session.objects.create(
        school=school,
        group=group,
        facilitator=facilitator,
        title="Live",
        starts_at=timezone.now() + timedelta(minutes=5),
        method_snapshot=snapshot_take(method=method),
    )
    return room_of(session)


def connect(room, user, view=""):
    """A socket to the room: a phone, or with view "console" or "projector" that screen."""
    path = f"/ws/rooms/{room.pk}/" + (f"?view={view}" if view else "")
    headers = [(b"host", b"localhost"), (b"origin", b"http://localhost")]
    if user is not None:
        headers.append((b"cookie", _COOKIES[user.pk]))
    return WebsocketCommunicator(application, path, headers=headers)


def action(kind, payload=None, phase=None, action_id=None):
    return {
        "type": "action",
        "id": action_id or str(uuid.uuid4()),
        "action": kind,
        "payload": payload or {},
        "phase": phase,
    }


async def until(ws, predicate, limit=20):
    for _ in range(limit):
        message = await ws.receive_json_from(timeout=5)
        if predicate(message):
            return message
    raise AssertionError("message not received")


def test_the_facilitator_runs_phases_and_everyone_follows(room, facilitator, teacher):
    async def scenario():
        console, phone = connect(room, facilitator, view="console"), connect(room, teacher)
        assert (await console.connect())[0] and (await phone.connect())[0]
        state = await console.receive_json_from()
        assert (
            state["type"] == "state" and state["facilitator"] is True and state["phase_index"] == -1
        )
        assert "ground_rules" in state and state["phases"][0]["guidance"]
        phone_state = await phone.receive_json_from()
        assert phone_state["facilitator"] is False and phone_state["phases"][0]["guidance"] == ""
        # What a phase is for is for everyone (shown under its title).
        assert phone_state["phases"][0]["purpose"] == state["phases"][0]["purpose"] != ""

        await phone.send_json_to(action("room.start"))
        refused = await until(phone, lambda m: m["type"] == "error")
        assert refused["reason"] == "forbidden" and refused["message"]

        await console.send_json_to(action("room.start"))
        event = await until(phone, lambda m: m.get("kind") == "phase")
        assert (
            event["kind"] == "phase" and event["index"] == 0 and event["timer"]["seconds_left"] > 0
        )
        ack = await until(console, lambda m: m["type"] == "ack")
        assert ack["seq"] == event["seq"]
        await console.disconnect()
        await phone.disconnect()

    async_to_sync(scenario)()


def test_anonymous_notes_carry_no_author_in_row_message_or_log(
    room, facilitator, teacher, support, caplog
):
    from samenspraak.schools.models import GroupMember

    GroupMember.objects.create(group=room.session.group, user=support)

    async def scenario():
        console, writer, other = (
            connect(room, facilitator, view="console"),
            connect(room, teacher),
            connect(room, support),
        )
        for ws in (console, writer, other):
            assert (await ws.connect())[0]
            await ws.receive_json_from()
        await console.send_json_to(action("room.start"))
        await until(writer, lambda m: m.get("kind") == "phase")
        await until(other, lambda m: m.get("kind") == "phase")
        await writer.send_json_to(action("note.add", {"text": CANARY}, phase=0))
        mine = await until(writer, lambda m: m.get("kind") == "note")
        assert mine["yours"] is True and mine["author"] is None
        seen_by_other = await until(other, lambda m: m.get("kind") in ("note", "note_count"))
        assert seen_by_other["kind"] == "note_count"  # hidden until revealed
        facilitator_sees = await until(console, lambda m: m.get("kind") == "note")
        assert facilitator_sees["author"] is None and "yours" not in facilitator_sees
        await console.send_json_to(action("notes.reveal", phase=0))
        revealed = await until(other, lambda m: m.get("kind") == "revealed")
        assert revealed["notes"][0]["text"] == CANARY and revealed["notes"][0]["author"] is None
        everything = json.dumps([mine, seen_by_other, facilitator_sees, revealed])
        assert teacher.name not in everything and teacher.email not in everything
        for ws in (console, writer, other):
            await ws.disconnect()

    with caplog.at_level(logging.DEBUG):
        async_to_sync(scenario)()
    note = Contribution.objects.get(text=CANARY)
    assert note.author is None and note.created_at is None
    assert isinstance(note.pk, uuid.UUID)
    assert CANARY not in caplog.text and teacher.email not in caplog.text


def test_a_replayed_action_changes_nothing_and_gets_the_first_answer(room, facilitator, teacher):
    async def scenario():
        console, phone = connect(room, facilitator, view="console"), connect(room, teacher)
        for ws in (console, phone):
            assert (await ws.connect())[0]
            await ws.receive_json_from()
        await console.send_json_to(action("room.start"))
        await until(phone, lambda m: m.get("kind") == "phase")
        message = action("note.add", {"text": "één keer"}, phase=0)
        await phone.send_json_to(message)
        first = await until(phone, lambda m: m["type"] == "ack")
        await phone.send_json_to(message)
        second = await until(phone, lambda m: m["type"] == "ack")
        assert second["replayed"] is True and second["seq"] == first["seq"]
        await console.disconnect()
        await phone.disconnect()

    async_to_sync(scenario)()
    assert Contribution.objects.filter(text="één keer").count() == 1


def test_an_action_for_an_old_phase_is_refused(room, facilitator, teacher):
    async def scenario():
        console, phone = connect(room, facilitator, view="console"), connect(room, teacher)
        for ws in (console, phone):
            assert (await ws.connect())[0]
            await ws.receive_json_from()
        await console.send_json_to(action("room.start"))
        await console.send_json_to(action("phase.next", phase=0))
        await until(phone, lambda m: m.get("kind") == "phase" and m["index"] == 1)
        await phone.send_json_to(action("note.add", {"text": "te laat"}, phase=0))
        error = await until(phone, lambda m: m["type"] == "error")
        assert error["reason"] == "stale_phase"
        await console.disconnect()
        await phone.disconnect()

    async_to_sync(scenario)()
    assert not Contribution.objects.filter(text="te laat").exists()


def test_moving_the_phase_names_the_phase_it_moves_from(room, facilitator):
    """Without `phase`, a second "next" from another tab would skip a phase unnoticed."""

    async def scenario():
        console = connect(room, facilitator, view="console")
        assert (await console.connect())[0]
        await console.receive_json_from()
        await console.send_json_to(action("room.start"))
        for kind in ("phase.next", "phase.back"):
            await console.send_json_to(action(kind))
            refused = await until(console, lambda m: m["type"] == "error")
            assert refused["reason"] == "invalid" and refused["message"], refused
        await console.disconnect()

    async_to_sync(scenario)()
    assert Room.objects.get(pk=room.pk).phase_index == 0


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        json.dumps([1, 2]),
        json.dumps({"type": "action", "id": "nope", "action": "note.add"}),
        json.dumps({"type": "action", "id": str(uuid.uuid4()), "action": "drop.tables"}),
        json.dumps(
            {"type": "action", "id": str(uuid.uuid4()), "action": "note.add", "payload": "x"}
        ),
        json.dumps(
            {
                "type": "action",
                "id": str(uuid.uuid4()),
                "action": "note.add",
                "payload": {"text": "x" * 7000},
            }
        ),
        "x" * 9000,
        json.dumps({"type": "ping", "pad": "é" * 4100}, ensure_ascii=False),  # 8,200 bytes
        "[" * 4000 + "]" * 4000,  # deeper than the JSON parser goes, in 8,000 bytes
        json.dumps(
            {
                "type": "action",
                "id": str(uuid.uuid4()),
                "action": "note.add",
                "payload": {
                    "text": "x",
                    "x": functools.reduce(lambda inner, _: [inner], range(400), []),
                },
            }
        ),
        json.dumps({"type": "action", "id": str(uuid.uuid4()), "action": ["note.add"]}),
        "",
        b"\x00binary",
    ],
    ids=[
        "not json",
        "not an object",
        "bad id",
        "unknown action",
        "bad payload",
        "too long",
        "huge",
        "huge in bytes",
        "nested too deep to parse",
        "payload nested deep",
        "action not a string",
        "empty frame",
        "binary frame",
    ],
)
def test_forged_messages_are_refused_and_change_nothing(room, teacher, message):
    async def scenario():
        phone = connect(room, teacher)
        assert (await phone.connect())[0]
        await phone.receive_json_from()
        frame = "bytes" if isinstance(message, bytes) else "text"
        await phone.send_input({"type": "websocket.receive", frame: message})
        reply = await until(phone, lambda m: m["type"] == "error")
        assert reply["reason"] and reply["message"]
        await phone.send_json_to({"type": "ping"})  # the socket goes on
        assert await until(phone, lambda m: m["type"] == "pong")
        await phone.disconnect()

    async_to_sync(scenario)()
    assert not Contribution.objects.exists()
    assert Room.objects.get(pk=room.pk).seq == 1  # only the phone's seat was announced


def test_a_client_that_sends_too_fast_is_slowed_down(room, teacher):
    async def scenario():
        phone = connect(room, teacher)
        assert (await phone.connect())[0]
        await phone.receive_json_from()
        for _ in range(25):
            await phone.send_json_to(action("hand.raise"))
        replies = [await phone.receive_json_from(timeout=5) for _ in range(25)]
        assert any(r.get("reason") == "slow_down" for r in replies)
        await phone.disconnect()

    async_to_sync(scenario)()


def test_a_seats_sockets_share_one_pace(room, teacher, facilitator):
    """A second tab or phone buys no more room: a seat's sockets share one pace (its clock
    stands still here, so no token comes back while the test runs). Someone else's pace
    is their own."""
    seat = Participant.objects.create(room=room, user=teacher)
    pace = pace_for(seat.pk, clock=lambda: 0.0)

    def reply(ws):
        return until(ws, lambda m: m["type"] in ("ack", "error"))

    async def scenario():
        first, second = connect(room, teacher), connect(room, teacher)
        console = connect(room, facilitator, view="console")
        for ws in (first, second, console):
            assert (await ws.connect())[0]
            await until(ws, lambda m: m["type"] == "state")
        for _ in range(10):  # the whole burst, from the first tab
            await first.send_json_to(action("hand.raise"))
        burst = [await reply(first) for _ in range(10)]
        assert not any(r.get("reason") == "slow_down" for r in burst)
        await second.send_json_to(action("hand.raise"))
        assert (await reply(second))["reason"] == "slow_down"
        await console.send_json_to(action("room.start"))
        assert (await reply(console))["type"] == "ack"
        for ws in (first, second, console):
            await ws.disconnect()

    try:
        async_to_sync(scenario)()
        assert pace.actions.tokens == 0
    finally:
        consumers._paces.pop(seat.pk, None)  # SQLite may give a later test's seat this id


def test_a_client_asking_for_the_state_again_and_again_waits_its_turn():
    """Syncs beyond the burst wait for their token (a full state costs the shared database
    thread); one at a time, at the bucket's pace, none refused."""
    now = [0.0]
    bucket = TokenBucket(rate=1.0, burst=3, clock=lambda: now[0])
    waited = []

    async def sleep(seconds):
        waited.append(seconds)
        now[0] += seconds

    async def ask(times):
        for _ in range(times):
            await bucket.wait(sleep)

    asyncio.run(ask(6))
    assert waited == [1.0, 1.0, 1.0]  # the first three at once, then one a second


def test_syncs_beyond_the_burst_are_answered_not_refused(room, teacher):
    async def scenario():
        phone = connect(room, teacher)
        assert (await phone.connect())[0]
        await phone.receive_json_from()
        for _ in range(7):  # two more than the burst: those two wait a second each
            await phone.send_json_to({"type": "sync"})
        states, other = 0, []
        while states < 7:
            message = await phone.receive_json_from(timeout=5)
            if message["type"] == "state":
                states += 1
            else:
                other.append(message)
        assert not [m for m in other if m["type"] == "error"], other
        await phone.disconnect()

    async_to_sync(scenario)()


def test_a_reconnecting_phone_gets_everything_it_missed(room, facilitator, teacher):
    async def scenario():
        console = connect(room, facilitator, view="console")
        assert (await console.connect())[0]
        await console.receive_json_from()
        await console.send_json_to(action("room.start"))
        await console.send_json_to(action("notes.reveal", phase=0))
        await console.send_json_to(action("phase.next", phase=0))
        await until(console, lambda m: m.get("kind") == "phase" and m["index"] == 1)
        phone = connect(room, teacher)  # came back after missing all of that
        assert (await phone.connect())[0]
        state = await phone.receive_json_from()
        assert state["phase_index"] == 1 and state["revealed"] == [0]
        await console.disconnect()
        await phone.disconnect()

    async_to_sync(scenario)()


def test_someone_outside_the_group_cannot_enter(room, outsider, support):
    async def scenario():
        for user in (outsider, support, None):
            ws = connect(room, user)
            connected, _code = await ws.connect()
            assert not connected

    async_to_sync(scenario)()


def test_only_the_facilitator_opens_the_projector_and_it_cannot_act(room, facilitator, teacher):
    async def scenario():
        phone_as_projector = connect(room, teacher, view="projector")
        assert not (await phone_as_projector.connect())[0]
        projector = connect(room, facilitator, view="projector")
        assert (await projector.connect())[0]
        state = await projector.receive_json_from()
        assert (
            state["projector"] is True
            and state["me"] is None
            and state["phases"][0]["guidance"] == ""
        )
        await projector.send_json_to(action("room.start"))
        assert (await until(projector, lambda m: m["type"] == "error"))["reason"] == "forbidden"
        await projector.disconnect()

    async_to_sync(scenario)()


def test_the_projector_takes_no_seat_yet_follows_the_room(room, facilitator, leader, teacher):
    """A planner who opens only the projector is no participant: no seat, no `joined`.
    The screen still gets the room's events and, on `sync`, its state with the seq."""

    async def scenario():
        refused = connect(room, teacher, view="projector")
        assert not (await refused.connect())[0]
        console, phone = connect(room, facilitator, view="console"), connect(room, teacher)
        for ws in (console, phone):
            assert (await ws.connect())[0]
            await until(ws, lambda m: m["type"] == "state")
        projector = connect(room, leader, view="projector")
        assert (await projector.connect())[0]
        state = await until(projector, lambda m: m["type"] == "state")
        assert state["me"] is None and len(state["participants"]) == 2
        await console.send_json_to(action("room.start"))
        event = await until(projector, lambda m: m["type"] == "event")
        assert event["kind"] == "phase" and event["seq"] == state["seq"] + 1
        await phone.send_json_to(action("note.add", {"text": "Stil geschreven"}, phase=0))
        count = await until(projector, lambda m: m.get("kind") == "note_count")
        await projector.send_json_to({"type": "sync"})
        again = await until(projector, lambda m: m["type"] == "state")
        assert again["seq"] == count["seq"] and again["me"] is None
        assert len(again["participants"]) == 2
        # Up to the phase event the console heard of nobody new: the projector is no one.
        heard = [await console.receive_json_from(timeout=5)]
        while heard[-1].get("kind") != "phase":
            heard.append(await console.receive_json_from(timeout=5))
        joined = [m["participant"]["name"] for m in heard if m.get("kind") == "joined"]
        assert leader.name not in joined and teacher.name in joined
        for ws in (projector, console, phone):
            await ws.disconnect()

    async_to_sync(scenario)()
    assert set(room.participants.values_list("user", flat=True)) == {facilitator.pk, teacher.pk}


def test_opening_the_projector_leaves_ones_seat_as_it_was(room, facilitator):
    async def scenario():
        phone = connect(room, facilitator)
        assert (await phone.connect())[0]
        me = (await until(phone, lambda m: m["type"] == "state"))["me"]
        projector = connect(room, facilitator, view="projector")
        assert (await projector.connect())[0]
        assert (await until(projector, lambda m: m["type"] == "state"))["me"] is None
        for ws in (projector, phone):
            await ws.disconnect()
        return me

    me = async_to_sync(scenario)()
    seat = room.participants.get()
    assert seat.pk == me["id"] and seat.user == facilitator and not seat.on_console


def test_deactivation_closes_the_room_socket(room, teacher, admin, school):
    from samenspraak.schools import services
    from samenspraak.schools.models import Membership

    member = Membership.objects.get(user=teacher, school=school)

    async def scenario():
        phone = connect(room, teacher)
        assert (await phone.connect())[0]
        await phone.receive_json_from()
        await sync_to_async(services.member_deactivate)(member=member, by=admin)
        assert (await until(phone, lambda m: m["type"] == "access.revoked"))[
            "type"
        ] == "access.revoked"

    async_to_sync(scenario)()


async def stays_open(ws) -> bool:
    """The socket still answers (a ping gets its pong, not a close)."""
    await ws.send_json_to({"type": "ping"})
    answer = await until(ws, lambda m: m["type"] in ("pong", "access.revoked"))
    return answer["type"] == "pong"


def test_leaving_the_group_closes_the_room_socket_and_no_one_elses(
    room, teacher, facilitator, admin
):
    from samenspraak.schools import services

    async def scenario():
        phone, other = connect(room, teacher), connect(room, facilitator)
        for ws in (phone, other):
            assert (await ws.connect())[0]
            await ws.receive_json_from()
        await sync_to_async(services.group_set_members)(
            group=room.session.group, by=admin, users=[facilitator]
        )
        assert await until(phone, lambda m: m["type"] == "access.revoked")
        assert (await phone.receive_output(timeout=5))["code"] == 4403
        assert await stays_open(other)
        await other.disconnect()

    async_to_sync(scenario)()


def test_a_planner_who_loses_the_role_loses_the_console(room, leader, admin, school):
    from samenspraak.schools import services
    from samenspraak.schools.models import Membership, Role

    member = Membership.objects.get(user=leader, school=school)

    async def scenario():
        console = connect(room, leader, view="console")
        assert (await console.connect())[0]
        await console.receive_json_from()
        await sync_to_async(services.member_set_roles)(
            member=member, by=admin, roles=[Role.SCHOOL_LEADER]
        )
        assert await stays_open(console)  # still a planner
        await sync_to_async(services.member_set_roles)(
            member=member, by=admin, roles=[Role.TEACHER]
        )
        assert await until(console, lambda m: m["type"] == "access.revoked")

    async_to_sync(scenario)()


def test_a_replaced_facilitator_keeps_the_phone_but_not_the_console(
    room, facilitator, teacher, leader, admin, school
):
    """The facilitator, a teacher in the group, is replaced and may no longer plan: the
    console closes, the phone goes on and its seat leads no more; an invitee taken off the
    session is closed out. The new facilitator's seat leads at once; every screen is told."""
    from samenspraak.planning.services import SESSION_FIELDS, session_update
    from samenspraak.schools import services
    from samenspraak.schools.models import Membership, Role

    session = room.session
    session.invitees.add(leader)
    member = Membership.objects.get(user=facilitator, school=school)
    services.member_set_roles(member=member, by=admin, roles=[Role.TEACHER])
    leader_member = Membership.objects.get(user=leader, school=school)
    services.member_set_roles(member=leader_member, by=admin, roles=[Role.TEACHER])
    fields = {name: getattr(session, name) for name in SESSION_FIELDS}

    async def scenario():
        console = connect(room, facilitator, view="console")
        phone, invitee = connect(room, facilitator), connect(room, leader)
        successor = connect(room, teacher)
        seats = []
        for ws in (console, phone, invitee, successor):
            assert (await ws.connect())[0]
            seats.append((await ws.receive_json_from())["me"]["id"])
        own, seat = seats[0], seats[-1]  # the old facilitator's (console and phone), the new
        await sync_to_async(session_update)(
            session=session,
            by=admin,
            group=session.group,
            invitees=[],
            **{**fields, "facilitator": teacher},
        )
        assert await until(console, lambda m: m["type"] == "access.revoked")
        assert await until(invitee, lambda m: m["type"] == "access.revoked")
        leads = await until(
            phone, lambda m: m.get("kind") == "joined" and m["participant"]["leads"]
        )
        assert leads["participant"]["id"] == seat
        follows = await until(
            phone, lambda m: m.get("kind") == "joined" and not m["participant"]["leads"]
        )
        assert follows["participant"]["id"] == own
        assert await stays_open(phone)
        for ws in (phone, successor):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_after_the_end_only_the_talk_distribution_is_kept(room, facilitator, teacher):
    async def scenario():
        console, phone = connect(room, facilitator, view="console"), connect(room, teacher)
        for ws in (console, phone):
            assert (await ws.connect())[0]
        state = await phone.receive_json_from()
        me = state["me"]["id"]
        await console.receive_json_from()
        await console.send_json_to(action("room.start"))
        await console.send_json_to(action("talk.start", {"participant": me}, phase=0))
        talk = await until(phone, lambda m: m.get("kind") == "talk")
        assert talk["talk"]["talking"] == me
        await console.send_json_to(action("talk.stop", phase=0))
        await console.send_json_to(action("room.end", phase=0))
        await until(phone, lambda m: m.get("kind") == "ended")
        await console.disconnect()
        await phone.disconnect()

    async_to_sync(scenario)()
    ended = Room.objects.get(pk=room.pk)
    assert ended.status == "ended" and ended.talk_time == {}
    assert all(isinstance(share, float) for share in ended.talk_distribution)


def test_everyone_is_told_when_someone_takes_a_seat(room, facilitator, teacher):
    async def scenario():
        console = connect(room, facilitator, view="console")
        assert (await console.connect())[0]
        first = await console.receive_json_from()
        phone = connect(room, teacher)
        assert (await phone.connect())[0]
        joined = await until(
            console,
            lambda m: m.get("kind") == "joined" and m["participant"]["name"] == teacher.name,
        )
        assert joined["seq"] > first["seq"]
        await phone.disconnect()
        again = connect(room, teacher)  # the same seat: no second announcement
        assert (await again.connect())[0]
        await again.receive_json_from()
        await console.send_json_to({"type": "ping"})
        assert (await console.receive_json_from())["type"] == "pong"
        await again.disconnect()
        await console.disconnect()

    async_to_sync(scenario)()


def test_a_guest_joins_by_name_and_sees_only_that_room(client, room, facilitator):
    room.guests_allowed = True
    room.save()
    response = client.post(f"/join/{room.session.join_code}/", {"name": "Ouder van Sam"})
    assert response.status_code == 302
    assert room.participants.filter(guest_name="Ouder van Sam").exists()
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.get("/overview/").status_code == 302  # nothing else: not signed in
    assert client.get("/sessions/").status_code == 302


def test_the_room_links_each_person_only_to_the_pages_after_it_they_may_open(
    client, room, teacher, support, leader
):
    """The dialogue scan and a reflection are for the session's participants, the team
    safety questions for the group's members: a school leader who runs the room without
    taking part is offered none of them (each answered 'not found'), an invited colleague
    from outside the group no safety questions. Every link offered opens."""
    session = room.session
    session.invitees.add(support)
    pages = {
        "scan": reverse("quality:scan", args=[session.pk]),
        "reflection": reverse("followup:reflection_new", args=[session.pk]),
        "safety": reverse("quality:safety", args=[session.group_id]),
    }
    offered = {teacher: set(pages), support: {"scan", "reflection"}, leader: set()}
    for person, expected in offered.items():
        client.force_login(person)
        views = ["live:participant"] + (["live:console"] if person == leader else [])
        for view in views:
            html = client.get(reverse(view, args=[session.pk])).content.decode()
            linked = {name for name, url in pages.items() if f'href="{url}"' in html}
            assert linked == expected, (person.email, view)
        for name, url in pages.items():
            assert (client.get(url).status_code == 200) == (name in expected), (person.email, name)


@pytest.mark.parametrize("typed", ["ZZZZZZ", "Z" * 40])
def test_a_code_no_session_has_says_so_in_dutch(client, room, typed):
    """Typed on /join/ or opened from an old QR code: the form again, with the reason."""
    page = client.post("/join/", {"code": typed[:8]}, follow=True)
    assert page.status_code == 404
    assert "Geen sessie heeft deze code" in page.content.decode()
    page = client.get(f"/join/{typed}/")
    assert page.status_code == 404
    assert "Geen sessie heeft deze code" in page.content.decode()
    assert not room.participants.exists()


def test_a_code_with_a_nul_character_finds_no_session(client, room):
    """Not even asked of the database: PostgreSQL cannot compare with NUL."""
    assert client.get("/join/%00/").status_code == 404
    assert client.get("/join/K7%00Q2/").status_code == 404


@pytest.fixture
def dilemma_room(room):
    snapshot = room.session.method_snapshot
    snapshot.data["phases"][0].update(
        {"kind": "positions", "settings": {"mode": "ab", "scale_points": 5}}
    )
    snapshot.save()
    return room


def test_positions_on_a_dilemma_show_a_distribution_without_names(
    dilemma_room, facilitator, teacher
):
    room = dilemma_room

    async def scenario():
        console, phone = connect(room, facilitator, view="console"), connect(room, teacher)
        for ws in (console, phone):
            assert (await ws.connect())[0]
            await ws.receive_json_from()
        await console.send_json_to(action("room.start"))
        await until(phone, lambda m: m.get("kind") == "phase")
        await phone.send_json_to(action("position.take", {"value": "A"}, phase=0))
        mine = await until(phone, lambda m: m.get("kind") == "my_position")
        assert mine["value"] == "A"
        seen = await until(console, lambda m: m.get("kind") == "positions")
        assert seen["distribution"] == {"A": 1} and seen["count"] == 1
        assert teacher.name not in json.dumps(seen)
        await phone.send_json_to(action("position.take", {"value": "B"}, phase=0))
        changed = await until(console, lambda m: m.get("kind") == "positions")
        assert changed["distribution"] == {"B": 1}
        for bad in ("C", 3, None, True):
            await phone.send_json_to(action("position.take", {"value": bad}, phase=0))
            assert (await until(phone, lambda m: m["type"] == "error"))["reason"] == "invalid"
        # As with dots, the facilitator leads and takes no position: the room's figure is
        # the group's.
        await console.send_json_to(action("position.take", {"value": "A"}, phase=0))
        refused = await until(console, lambda m: m["type"] == "error")
        assert refused["reason"] == "forbidden" and refused["message"]
        fresh = connect(room, teacher)
        assert (await fresh.connect())[0]
        state = await fresh.receive_json_from()
        assert state["positions"]["mine"] == "B" and state["positions"]["distribution"] == {"B": 1}
        for ws in (console, phone, fresh):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_a_scale_position_must_lie_on_the_scale(dilemma_room, facilitator, teacher):
    room = dilemma_room
    snapshot = room.session.method_snapshot
    snapshot.data["phases"][0]["settings"] = {"mode": "scale", "scale_points": 5}
    snapshot.save()

    async def scenario():
        console, phone = connect(room, facilitator, view="console"), connect(room, teacher)
        for ws in (console, phone):
            assert (await ws.connect())[0]
            await ws.receive_json_from()
        await console.send_json_to(action("room.start"))
        await until(phone, lambda m: m.get("kind") == "phase")
        await phone.send_json_to(action("position.take", {"value": 6}, phase=0))
        assert (await until(phone, lambda m: m["type"] == "error"))["reason"] == "invalid"
        await phone.send_json_to(action("position.take", {"value": 4}, phase=0))
        assert (await until(phone, lambda m: m.get("kind") == "my_position"))["value"] == 4
        await console.disconnect()
        await phone.disconnect()

    async_to_sync(scenario)()
