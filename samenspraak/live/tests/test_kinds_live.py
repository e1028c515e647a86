"""The new interaction kinds over real sockets: what each screen receives (hidden vote
totals never reach a phone, an anonymous consent answer reaches nobody with a name) and
what a screen that reconnects gets back."""

import json

import pytest
from asgiref.sync import async_to_sync

from conftest import make_person
from samenspraak.live.models import Cluster, Room
from samenspraak.live.tests.test_kinds import make_room, phase
from samenspraak.live.tests.test_room import (  # noqa: F401  (_signed_in: the fixture)
    _signed_in,
    action,
    connect,
    cookie_for,
    until,
)
from samenspraak.schools.models import GroupMember

pytestmark = pytest.mark.django_db(transaction=True)


async def drain(ws):
    """Everything the socket has received so far (it stops at the first quiet moment)."""
    messages = []
    while not await ws.receive_nothing(timeout=0.3):
        messages.append(await ws.receive_json_from())
    return messages


def test_hidden_vote_totals_never_reach_a_phone(group, facilitator, school, teacher, support):
    GroupMember.objects.create(group=group, user=support)
    room = make_room(
        group,
        facilitator,
        school,
        [phase("clustering"), phase("dot_voting", dots_per_person=2, reveal_on_command=True)],
    )
    theme = Cluster.objects.create(room=room, phase_index=0, title="Rust")
    target = f"c{theme.pk}"

    async def scenario():
        console, phone, other, screen = (
            connect(room, facilitator, view="console"),
            connect(room, teacher),
            connect(room, support),
            connect(room, facilitator, view="projector"),
        )
        for ws in (console, phone, other, screen):
            assert (await ws.connect())[0]
        me = (await until(phone, lambda m: m["type"] == "state"))["me"]["id"]
        await console.send_json_to(action("room.start"))
        await console.send_json_to(action("phase.next", phase=0))
        await until(phone, lambda m: m.get("kind") == "phase" and m["index"] == 1)
        await phone.send_json_to(action("vote.add", {"target": target}, phase=1))
        await phone.send_json_to(action("vote.add", {"target": target}, phase=1))
        await phone.send_json_to(action("vote.add", {"target": target}, phase=1))
        refused = await until(phone, lambda m: m["type"] == "error")
        assert refused["reason"] == "over_budget" and refused["message"]
        seen = await until(console, lambda m: m.get("kind") == "votes" and m["placed"] == 2)
        for ws in (phone, other, screen):
            for message in await drain(ws):
                if message.get("kind") == "votes":
                    assert "totals" not in message, message
        assert seen.get("totals") == {target: 2} or "totals" in (
            await until(console, lambda m: m.get("kind") == "votes" and "totals" in m)
        )

        # The phone reconnects: its own dots and the count, no totals.
        await phone.disconnect()
        again = connect(room, teacher)
        assert (await again.connect())[0]
        state = await until(again, lambda m: m["type"] == "state")
        assert state["votes"]["1"]["mine"] == {target: 2} and "totals" not in state["votes"]["1"]
        assert state["me"]["id"] == me

        await console.send_json_to(action("votes.reveal", phase=1))
        shown = await until(other, lambda m: m.get("kind") == "votes" and "totals" in m)
        assert shown["totals"] == {target: 2} and shown["revealed"] is True
        for ws in (console, again, other, screen):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_an_anonymous_consent_answer_reaches_nobody_with_a_name(
    group, facilitator, school, teacher, support
):
    GroupMember.objects.create(group=group, user=support)
    room = make_room(group, facilitator, school, [phase("consent", anonymous=True)])

    async def scenario():
        console, phone, other = (
            connect(room, facilitator, view="console"),
            connect(room, teacher),
            connect(room, support),
        )
        for ws in (console, phone, other):
            assert (await ws.connect())[0]
        await console.send_json_to(action("room.start"))
        await console.send_json_to(action("consent.propose", {"text": "Afspraak A"}, phase=0))
        proposed = await until(phone, lambda m: m.get("kind") == "agreement")
        agreement = proposed["agreement"]["id"]
        assert proposed["agreement"]["open"] and proposed["agreement"]["anonymous"]
        await phone.send_json_to(
            action(
                "consent.answer",
                {"agreement": agreement, "answer": "concern", "reason": "Planning"},
                phase=0,
            )
        )
        counted = await until(
            other,
            lambda m: m.get("kind") == "agreement" and m["agreement"]["counts"]["concern"],
        )
        assert counted["agreement"]["counts"]["concern"] == 1
        await console.send_json_to(action("consent.close", {"agreement": agreement}, phase=0))
        closed = await until(
            console, lambda m: m.get("kind") == "agreement" and "reasons" in m["agreement"]
        )
        assert closed["agreement"]["reasons"] == [
            {"answer": "concern", "reason": "Planning", "name": None}
        ]
        received = (await drain(console)) + (await drain(other)) + [counted, closed]
        received = [m for m in received if m.get("kind") == "agreement"]
        assert received and teacher.name not in json.dumps(received)
        for message in await drain(phone):
            if message.get("kind") == "agreement":
                assert "reasons" not in message["agreement"]
        for ws in (console, phone, other):
            await ws.disconnect()

    async_to_sync(scenario)()
    assert Room.objects.get(pk=room.pk).seq > 0


def test_a_table_note_reaches_its_table_the_console_and_the_projector_only(
    group, facilitator, school, teacher, support
):
    # A third plain member (a school leader would also open the console: a planner).
    leader = make_person(school, "derde@delinde.nl", "Derde Lid", is_teacher=True)
    cookie_for(leader)
    for user in (support, leader):
        GroupMember.objects.create(group=group, user=user)
    room = make_room(group, facilitator, school, [phase("tables", table_size=2, rounds=2)])

    async def scenario():
        console, screen = (
            connect(room, facilitator, view="console"),
            connect(room, facilitator, view="projector"),
        )
        phones = [connect(room, user) for user in (teacher, support, leader)]
        for ws in (console, screen, *phones):
            assert (await ws.connect())[0]
        ids = [(await until(ws, lambda m: m["type"] == "state"))["me"]["id"] for ws in phones]
        await console.send_json_to(action("room.start"))
        await console.send_json_to(action("tables.assign", phase=0))
        seating = await until(phones[0], lambda m: m.get("kind") == "tables")
        tables = seating["schedule"][0]
        assert sorted(len(t) for t in tables) == [1, 2]
        writer = next(i for i, pk in enumerate(ids) if len(next(t for t in tables if pk in t)) == 2)
        mate = next(
            i
            for i, pk in enumerate(ids)
            if i != writer and any(pk in t and ids[writer] in t for t in tables)
        )
        alone = ({0, 1, 2} - {writer, mate}).pop()
        await phones[writer].send_json_to(action("note.add", {"text": "Tafelnotitie"}, phase=0))
        for ws in (phones[mate], console, screen):
            note = await until(ws, lambda m: m.get("kind") == "note")
            assert note["text"] == "Tafelnotitie" and note["table"] is not None
        for message in await drain(phones[alone]):
            assert message.get("kind") != "note", message
        state_again = connect(room, (teacher, support, leader)[alone])
        assert (await state_again.connect())[0]
        state = await until(state_again, lambda m: m["type"] == "state")
        assert state["notes"] == [] and state["note_counts"] == {"0": 1}
        for ws in (console, screen, *phones, state_again):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_a_planner_on_the_console_leads_and_is_in_no_round_pair_or_table(
    group, facilitator, school, leader, teacher, support
):
    """A school leader may run a colleague's session from the console. Whoever is on the
    console leads, like the session's facilitator: in no round's order, not in the equal
    share of talk time, in no pair and at no table, even if they first sat down on the
    phone page."""
    GroupMember.objects.create(group=group, user=support)
    room = make_room(
        group,
        facilitator,
        school,
        [phase("round"), phase("pairs", group_size=2), phase("tables", table_size=2, rounds=2)],
    )

    async def scenario():
        assert not (await connect(room, teacher, view="console").connect())[0]
        phones = [connect(room, user) for user in (teacher, support)]
        for ws in phones:
            assert (await ws.connect())[0]
        group_ids = sorted(
            [(await until(ws, lambda m: m["type"] == "state"))["me"]["id"] for ws in phones]
        )
        # The leader first takes a seat on the phone page, then opens the console.
        seat = connect(room, leader)
        assert (await seat.connect())[0]

        def leader_joined(message):
            return message.get("kind") == "joined" and message["participant"]["name"] == leader.name

        joined = await until(phones[0], leader_joined)
        assert joined["participant"]["leads"] is False
        console = connect(room, leader, view="console")
        assert (await console.connect())[0]
        state = await until(console, lambda m: m["type"] == "state")
        assert state["facilitator"] is True and state["me"]["leads"] is True
        leading = await until(phones[0], leader_joined)
        assert leading["participant"] == joined["participant"] | {"leads": True}

        await console.send_json_to(action("room.start"))
        await console.send_json_to(action("round.start", phase=0))
        speaking = await until(phones[0], lambda m: m.get("kind") == "speaking")
        assert sorted(speaking["state"]["order"]) == group_ids
        await console.send_json_to(action("talk.start", {"participant": group_ids[0]}, phase=0))
        talk = await until(phones[0], lambda m: m.get("kind") == "talk")
        assert talk["talk"]["equal_share"] == 0.5
        await console.send_json_to(action("phase.next", phase=0))
        await console.send_json_to(action("pairs.form", phase=1))
        pairs = await until(phones[0], lambda m: m.get("kind") == "groups")
        assert sorted(p for g in pairs["groups"] for p in g) == group_ids
        await console.send_json_to(action("phase.next", phase=1))
        await console.send_json_to(action("tables.assign", phase=2))
        tables = await until(phones[0], lambda m: m.get("kind") == "tables")
        seated = {p for tables_ in tables["schedule"] for table in tables_ for p in table}
        assert sorted(seated) == group_ids
        assert not [m for m in await drain(console) if m["type"] == "error"]
        for ws in (console, seat, *phones):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_a_planner_on_the_phone_page_takes_part_like_anyone_else(
    group, facilitator, school, leader, teacher, support
):
    """The view makes the role: a school leader (who may run the room) on the phone page
    gets a phone's state and events, at a World Café only the notes of their own table,
    and console actions refused with a reason that says where they belong. The session's
    own facilitator on the phone page likewise."""
    GroupMember.objects.create(group=group, user=support)
    cafe = phase("tables", table_size=2, rounds=2)
    cafe["guidance_nl"] = "Alleen voor de console"
    room = make_room(group, facilitator, school, [cafe])

    async def scenario():
        console = connect(room, facilitator, view="console")
        phones = [connect(room, user) for user in (teacher, support, leader)]
        for ws in (console, *phones):
            assert (await ws.connect())[0]
        states = [await until(ws, lambda m: m["type"] == "state") for ws in phones]
        ids = [state["me"]["id"] for state in states]
        planner = phones[2]
        assert states[2]["facilitator"] is False and states[2]["me"]["leads"] is False
        assert states[2]["phases"][0]["guidance"] == "" and states[2]["decks"] == []
        await console.send_json_to(action("room.start"))
        await console.send_json_to(action("tables.assign", phase=0))
        tables = (await until(planner, lambda m: m.get("kind") == "tables"))["schedule"][0]
        assert any(ids[2] in table for table in tables)  # seated like anyone else
        mine = next(table for table in tables if ids[2] in table)
        writer = next(i for i in (0, 1) if ids[i] not in mine)
        await phones[writer].send_json_to(action("note.add", {"text": "Elders"}, phase=0))
        await until(console, lambda m: m.get("kind") == "note")
        await planner.send_json_to(action("note.add", {"text": "Hier"}, phase=0))
        await until(planner, lambda m: m["type"] == "ack")
        await planner.send_json_to(action("tables.next", phase=0))
        refused = await until(planner, lambda m: m["type"] == "error")
        assert refused["reason"] == "console_only", refused
        assert refused["message"] == "Dat doe je vanaf de console; op deze pagina doe je mee."
        received = await drain(planner)
        assert "Elders" not in json.dumps(received)
        assert not [m for m in received if m.get("kind") == "tables"]  # nothing moved on

        again, own = connect(room, leader), connect(room, facilitator)
        for ws in (again, own):
            assert (await ws.connect())[0]
        state = await until(again, lambda m: m["type"] == "state")
        assert state["facilitator"] is False and state["tables"]["0"]["round"] == 0
        assert [n["text"] for n in state["notes"]] == ["Hier"]
        assert state["note_counts"] == {"0": 2}
        state = await until(own, lambda m: m["type"] == "state")
        assert state["facilitator"] is False and state["me"]["leads"] is True
        assert state["notes"] == [] and state["phases"][0]["guidance"] == ""
        await own.send_json_to(action("tables.next", phase=0))
        assert (await until(own, lambda m: m["type"] == "error"))["reason"] == "console_only"
        for ws in (console, again, own, *phones):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_a_planner_who_opens_only_the_projector_sits_at_no_table(
    group, facilitator, school, leader, teacher, support
):
    """The projector is a screen: a school leader who opens it after the World Café's
    tables were set is no latecomer; nobody's table changes and nobody hears of a seat."""
    GroupMember.objects.create(group=group, user=support)
    room = make_room(group, facilitator, school, [phase("tables", table_size=2, rounds=2)])

    async def scenario():
        console = connect(room, facilitator, view="console")
        phones = [connect(room, user) for user in (teacher, support)]
        for ws in (console, *phones):
            assert (await ws.connect())[0]
            await until(ws, lambda m: m["type"] == "state")
        await console.send_json_to(action("room.start"))
        await console.send_json_to(action("tables.assign", phase=0))
        await until(phones[0], lambda m: m.get("kind") == "tables")
        await drain(phones[0])
        screen = connect(room, leader, view="projector")
        assert (await screen.connect())[0]
        state = await until(screen, lambda m: m["type"] == "state")
        assert state["me"] is None
        assert leader.name not in [p["name"] for p in state["participants"]]
        assert [m.get("kind") for m in await drain(phones[0])] == []
        for ws in (screen, console, *phones):
            await ws.disconnect()

    async_to_sync(scenario)()
    room.refresh_from_db()
    seated = {p for table in room.tables["0"]["schedule"][0] for p in table}
    assert not room.participants.filter(user=leader).exists()
    assert seated == set(room.participants.exclude(user=facilitator).values_list("pk", flat=True))
