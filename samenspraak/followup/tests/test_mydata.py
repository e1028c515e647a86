"""People own their data (PRODUCT.md, trust rules): 'Mijn gegevens' downloads everything
kept about the person as JSON; nobody else's private data is in it, and nothing given
anonymously, which has no link to its author."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samenspraak.followup import services
from samenspraak.live.tests.test_kinds import Room_, make_room, phase
from samenspraak.planning.services import preparation_save

MINE = {
    "reflection": "KANARIE-mijn-reflectie-41c2",
    "preparation": "KANARIE-mijn-voorbereiding-77ad",
    "named note": "KANARIE-mijn-briefje-met-naam-0b9e",
    "feedback": "KANARIE-mijn-3xw-5d10",
    "action": "KANARIE-mijn-actiepunt-c3f8",
}
NOT_MINE = {
    "anonymous note": "KANARIE-anoniem-briefje-9e21",  # written by the teacher, unlinked
    "their reflection": "KANARIE-reflectie-van-een-ander-2aa7",  # shared with the group
    "their note": "KANARIE-briefje-van-een-ander-66b1",
}


@pytest.fixture
def world(group, facilitator, school, teacher):
    """A session in which the teacher leaves something of every kind, and the facilitator
    something too."""
    room = make_room(
        group,
        facilitator,
        school,
        [phase("writing", anonymous=True), phase("writing", anonymous=False)],
    )
    session = room.session
    r = Room_(room, facilitator, [teacher])
    r.start()
    r.do(r.p[0], "note.add", {"text": NOT_MINE["anonymous note"]})
    r.do(r.lead, "phase.next")
    r.do(r.p[0], "note.add", {"text": MINE["named note"]})
    r.do(r.lead, "note.add", {"text": NOT_MINE["their note"]})
    preparation_save(
        session=session, author=teacher, answers={"question": MINE["preparation"]}, shared=False
    )
    services.reflection_save(
        author=teacher, form="free", answers={"text": MINE["reflection"]}, session=session
    )
    theirs = services.reflection_save(
        author=facilitator, form="free", answers={"text": NOT_MINE["their reflection"]},
        session=session,
    )  # fmt: skip
    services.reflection_share_group(reflection=theirs, by=facilitator, shared=True)
    session.feedback_anonymous = False  # named 3xW feedback is theirs; anonymous has no link
    session.save(update_fields=["feedback_anonymous"])
    services.feedback_give(session=session, user=teacher, answers={"went_well": MINE["feedback"]})
    services.action_add(
        session=session, by=facilitator, text=MINE["action"], owners=[teacher], due_date=None
    )
    return session


def download(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("reports:my_data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    return json.loads(response.content)


def test_my_data_holds_what_is_mine_and_nothing_anyone_else_owns(client, world, teacher):
    data = download(client, teacher)
    text = json.dumps(data, ensure_ascii=False)
    for what, canary in MINE.items():
        assert canary in text, what
    for what, canary in NOT_MINE.items():
        assert canary not in text, what
    assert data["person"]["email"] == teacher.email
    assert [s["title"] for s in data["sessions"]] == [world.title]
    assert data["reflections"][0]["answers"] == {"text": MINE["reflection"]}
    assert [n["text"] for n in data["notes"]] == [MINE["named note"]]
    assert data["notes"][0]["phase"] == 2
    assert data["not_included"]  # says why the anonymous notes are missing


def test_the_facilitators_data_has_their_own_and_not_the_teachers(client, world, facilitator):
    text = json.dumps(download(client, facilitator), ensure_ascii=False)
    assert NOT_MINE["their reflection"] in text and NOT_MINE["their note"] in text
    for what, canary in {**MINE, "anonymous note": NOT_MINE["anonymous note"]}.items():
        assert canary not in text, what


def test_my_data_takes_the_same_queries_however_much_there_is(client, world, teacher):
    client.force_login(teacher)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:my_data"))
    for number in range(5):
        services.reflection_save(author=teacher, form="free", answers={"text": f"r{number}"})
        services.action_add(
            session=world, by=teacher, text=f"a{number}", owners=[teacher], due_date=None
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reports:my_data"))
    assert len(many) == len(few)


def test_my_data_needs_signing_in_and_is_offered_on_profile_and_portfolio(client, teacher):
    response = client.get(reverse("reports:my_data"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(teacher)
    for page in ("accounts:profile", "reports:my_portfolio"):
        assert reverse("reports:my_data") in client.get(reverse(page)).content.decode()


# --- Deleting one's account ----------------------------------------------------------------


def test_deleting_my_account_needs_my_password_and_changes_nothing_without_it(
    client, world, teacher
):
    from samenspraak.followup.models import Reflection

    client.force_login(teacher)
    url = reverse("reports:delete_me")
    assert client.get(url).status_code == 200
    for wrong in ({}, {"password": "fout"}, {"password": "x" * 2000}):
        response = client.post(url, wrong)
        assert response.status_code == 400, wrong
    assert type(teacher).objects.filter(pk=teacher.pk).exists()
    assert Reflection.objects.filter(author=teacher).exists()


def test_deleting_my_account_removes_what_is_private_and_unnames_the_rest(
    client, world, teacher, facilitator
):
    from conftest import PASSWORD
    from samenspraak.followup.models import ActionPoint, Feedback, Reflection
    from samenspraak.live.models import Contribution
    from samenspraak.planning.models import Preparation

    User = type(teacher)
    agreement = services.agreement_propose(
        session=world, by=facilitator, text="Elke les een leesdoel", anonymous=False
    )
    for person in (teacher, facilitator):
        services.support_give(
            agreement=agreement, voter=services.voter_key(person), name=person.name,
            answer="agree", reason="",
        )  # fmt: skip
    client.force_login(teacher)
    response = client.post(reverse("reports:delete_me"), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert not User.objects.filter(pk=teacher.pk).exists()
    assert not Reflection.objects.filter(answers__text=MINE["reflection"]).exists()
    assert not Preparation.objects.filter(session=world).exclude(author=facilitator).exists()
    note = Contribution.objects.get(text=MINE["named note"])
    assert note.author is None  # the group keeps the note, without a name
    assert Feedback.objects.get(went_well=MINE["feedback"]).author is None
    assert not ActionPoint.objects.get(text=MINE["action"]).owners.exists()
    assert client.get(reverse("core:overview")).status_code == 302  # signed out
    assert not client.login(email=teacher.email, password=PASSWORD)
    names = sorted(a.author_name for a in agreement.answers.all())
    assert names == sorted(["", facilitator.name])  # the answer stays, the name goes
    # The facilitator's own data is untouched.
    assert Reflection.objects.filter(author=facilitator).count() == 1
    assert Contribution.objects.filter(text=NOT_MINE["their note"]).get().author is not None


def test_the_only_admin_cannot_delete_the_account(client, admin, teacher):
    from conftest import PASSWORD

    client.force_login(admin)
    url = reverse("reports:delete_me")
    assert "form-errors" in client.get(url).content.decode()  # said before trying
    assert client.post(url, {"password": PASSWORD}).status_code == 400
    assert type(admin).objects.filter(pk=admin.pk).exists()


def _room_messages(room_id, act) -> list[dict]:
    """What the room's group hears on the channel layer while `act()` runs."""
    import asyncio

    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from samenspraak.live.events import room_group

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(room_group(room_id), channel)
    act()

    async def drain():
        heard = []
        while True:
            try:
                heard.append(await asyncio.wait_for(layer.receive(channel), 0.5))
            except TimeoutError:
                return heard

    try:
        return async_to_sync(drain)()
    finally:
        async_to_sync(layer.group_discard)(room_group(room_id), channel)


def test_deleting_my_account_takes_my_seat_out_of_an_open_room_and_tells_it(
    client, group, facilitator, school, teacher, django_capture_on_commit_callbacks
):
    """The seat goes from the order and the talk clock, and every screen hears a `left`
    event with the changed order and shares in one new seq. An ended room keeps its seq."""
    from conftest import PASSWORD
    from samenspraak.live.models import Participant, Room
    from samenspraak.live.state import state_for

    room = make_room(group, facilitator, school, [phase("round")])
    r = Room_(room, facilitator, [teacher, "Ana", "Bo"])
    r.start()
    r.do(r.lead, "round.start")
    for kind in ("talk.start", "talk.stop", "talk.start"):  # spoke, and speaks again
        r.do(r.lead, kind, {"participant": r.p[0].pk})
    assert str(r.p[0].pk) in Room.objects.get(pk=room.pk).talk_time
    ended = Room_(make_room(group, facilitator, school, [phase("round")]), facilitator, [teacher])
    ended.start()
    ended.do(ended.lead, "room.end")
    seat, seqs = r.p[0].pk, {x.pk: x.seq for x in Room.objects.all()}
    client.force_login(teacher)

    def delete():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:delete_me"), {"password": PASSWORD})
        assert response.status_code == 302

    heard = [m["event"] for m in _room_messages(room.pk, delete) if m["type"] == "room.event"]
    room.refresh_from_db()
    assert room.seq == seqs[room.pk] + 1
    assert {e["kind"] for e in heard} == {"left", "speaking", "talk"}
    assert {e["seq"] for e in heard} == {room.seq}
    assert next(e for e in heard if e["kind"] == "left")["participant"] == seat
    assert seat not in room.speaking["0"]["order"] and "talking" not in room.speaking
    assert str(seat) not in room.talk_time  # the shares are of those in the room
    talk = next(e for e in heard if e["kind"] == "talk")["talk"]
    assert talk["talking"] is None and str(seat) not in talk["shares"]
    others = Participant.objects.filter(room=room)
    assert seat not in {p.pk for p in others}
    state = state_for(room, participant=r.p[1], facilitator=False, projector=False)
    assert seat not in {p["id"] for p in state["participants"]}
    assert Room.objects.get(pk=ended.room.pk).seq == seqs[ended.room.pk]
    assert not Participant.objects.filter(room=ended.room, user__isnull=True, guest_name="")
