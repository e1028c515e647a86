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
