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
