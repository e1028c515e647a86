"""Reflections are private to their author. Shared with the session's group or with one
coach only by the author's explicit act, undone by another. Canary strings check that an
unshared reflection appears on no page that a leader, admin, facilitator or group member
can reach."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_person
from samenspraak.core.models import AuditEntry
from samenspraak.followup import services
from samenspraak.followup.models import Reflection
from samenspraak.followup.tests.test_agreements import (
    PERSONAS,
    check_access,
    make_session,
    statuses,
)
from samenspraak.schools.models import Membership
from tests.test_bad_input import JUNK

CANARY = "KANARIE-privé-7f3a"

URL_ROWS = {
    # The reflection is the teacher's own and unshared: nobody else gets in.
    "followup:reflection_new": [("get", "session", statuses(200, "facilitator", "teacher"))],
    "followup:reflection_detail": [("get", "reflection", statuses(200, "teacher"))],
    "followup:reflection_edit": [("get", "reflection", statuses(200, "teacher"))],
    "followup:reflection_share": [("post", "reflection", statuses(400, "teacher"))],
    # Delete: a confirmation page, and a POST without the confirmation is bad input.
    "followup:reflection_delete": [
        ("get", "reflection", statuses(200, "teacher")),
        ("post", "reflection", statuses(400, "teacher")),
    ],
    "followup:my_reflections": [("get", None, statuses(200, *PERSONAS))],
}
CASES = [
    (name, index, persona)
    for name, rows in URL_ROWS.items()
    for index in range(len(rows))
    for persona in PERSONAS
]


@pytest.fixture
def session(group, facilitator):
    return make_session(group, facilitator)


@pytest.fixture
def member(school, group):
    """Another member of the session's group, not its facilitator."""
    person = make_person(school, "lid@linde.test", "Lotte Lid", is_teacher=True)
    group.members.add(person)
    return person


@pytest.fixture
def reflection(session, teacher) -> Reflection:
    return services.reflection_save(
        author=teacher,
        form="free",
        answers={"text": f"Ik twijfel aan mezelf. {CANARY}"},
        session=session,
    )


@pytest.mark.parametrize(("name", "index", "persona"), CASES)
def test_reflection_urls_per_persona(client, personas, session, reflection, name, index, persona):
    method, kind, expected = URL_ROWS[name][index]
    kwargs = {}
    if kind == "session":
        kwargs = {"session_id": session.pk}
    elif kind == "reflection":
        kwargs = {"reflection_id": reflection.pk}
    check_access(client, personas, persona, method, reverse(name, kwargs=kwargs), expected[persona])


def reachable_pages(session) -> list[str]:
    return [
        reverse("core:overview"),
        reverse("followup:my_reflections"),
        reverse("followup:my_actions"),
        reverse("planning:session_detail", args=[session.pk]),
        reverse("followup:agreements", args=[session.pk]),
        reverse("followup:actions", args=[session.pk]),
        reverse("followup:feedback", args=[session.pk]),
    ]


def assert_cannot_read(client, user, reflection, session) -> None:
    client.force_login(user)
    for name in ("followup:reflection_detail", "followup:reflection_edit"):
        response = client.get(reverse(name, args=[reflection.pk]))
        assert response.status_code == 404, (user.email, name)
    for url in reachable_pages(session):
        response = client.get(url)
        assert CANARY not in response.content.decode(), (user.email, url)


def assert_can_read(client, user, reflection) -> None:
    client.force_login(user)
    page = client.get(reverse("followup:reflection_detail", args=[reflection.pk]))
    assert page.status_code == 200 and CANARY in page.content.decode(), user.email
    assert (
        CANARY
        not in client.get(
            reverse("followup:reflection_edit", args=[reflection.pk])
        ).content.decode()
    )
    listing = client.get(reverse("followup:my_reflections")).content.decode()
    assert 'id="shared-heading"' in listing and f"/reflections/{reflection.pk}/" in listing


def share(client, author, reflection, **data):
    client.force_login(author)
    return client.post(reverse("followup:reflection_share", args=[reflection.pk]), data)


def test_nobody_else_reads_an_unshared_reflection(
    client, admin, leader, facilitator, member, support, outsider, teacher, reflection, session
):
    for person in (admin, leader, facilitator, member, support, outsider):
        assert_cannot_read(client, person, reflection, session)
    client.force_login(teacher)
    assert (
        CANARY
        in client.get(reverse("followup:reflection_detail", args=[reflection.pk])).content.decode()
    )


def test_sharing_with_the_group_and_undoing_it(
    client, admin, leader, facilitator, member, support, teacher, reflection, session
):
    assert share(client, teacher, reflection, act="share_group").status_code == 302
    for person in (facilitator, member):
        assert_can_read(client, person, reflection)
    for person in (admin, leader, support):  # not in the group
        assert_cannot_read(client, person, reflection, session)
    assert share(client, teacher, reflection, act="unshare_group").status_code == 302
    for person in (facilitator, member):
        assert_cannot_read(client, person, reflection, session)


def test_the_coach_sees_only_what_is_shared_with_them(
    client, support, leader, member, teacher, session, reflection
):
    other = services.reflection_save(
        author=teacher,
        form="free",
        answers={"text": "Niet voor de coach KANARIE-2"},
        session=session,
    )
    response = share(client, teacher, reflection, act="share_coach", coach=support.pk)
    assert response.status_code == 302
    assert_can_read(client, support, reflection)
    client.force_login(support)
    assert client.get(reverse("followup:reflection_detail", args=[other.pk])).status_code == 404
    assert "KANARIE-2" not in client.get(reverse("followup:my_reflections")).content.decode()
    for person in (leader, member):  # coach-only is not the group's
        assert_cannot_read(client, person, reflection, session)
    share(client, teacher, reflection, act="unshare_coach")
    assert_cannot_read(client, support, reflection, session)


def test_a_former_coach_who_left_the_school_sees_nothing(
    client, support, teacher, reflection, session
):
    share(client, teacher, reflection, act="share_coach", coach=support.pk)
    support.memberships.update(is_active=False)
    client.force_login(support)
    assert (
        client.get(reverse("followup:reflection_detail", args=[reflection.pk])).status_code == 404
    )


def test_a_reflection_whose_session_was_deleted_still_goes_to_a_coach_of_its_school(
    client, teacher, support, outsider, school, reflection, session
):
    session.delete()
    client.force_login(teacher)
    page = client.get(reverse("followup:reflection_detail", args=[reflection.pk])).content.decode()
    assert support.name in page and outsider.name not in page
    assert (
        share(client, teacher, reflection, act="share_coach", coach=outsider.pk).status_code == 400
    )
    assert (
        share(client, teacher, reflection, act="share_coach", coach=support.pk).status_code == 302
    )
    reflection.refresh_from_db()
    assert reflection.coach == support and reflection.session is None
    assert_can_read(client, support, reflection)
    support.memberships.update(is_active=False)  # left the school: reads nothing any more
    client.force_login(support)
    assert (
        client.get(reverse("followup:reflection_detail", args=[reflection.pk])).status_code == 404
    )


@pytest.mark.parametrize("coach", ["", "abc", "99999999", "-1", "9" * 30])
def test_bad_coach_choices_are_refused(client, teacher, reflection, coach):
    response = share(client, teacher, reflection, act="share_coach", coach=coach)
    assert response.status_code == 400
    reflection.refresh_from_db()
    assert reflection.coach is None


def test_a_coach_from_another_school_or_oneself_is_refused(client, teacher, outsider, reflection):
    for coach in (outsider, teacher):
        response = share(client, teacher, reflection, act="share_coach", coach=coach.pk)
        assert response.status_code == 400
    reflection.refresh_from_db()
    assert reflection.coach is None


def test_an_unknown_act_changes_nothing(client, teacher, reflection):
    assert share(client, teacher, reflection, act="publish_everywhere").status_code == 400
    reflection.refresh_from_db()
    assert not reflection.shared_with_group and reflection.coach is None


def test_only_the_author_can_share(client, facilitator, reflection):
    response = share(client, facilitator, reflection, act="share_group")
    assert response.status_code == 404
    reflection.refresh_from_db()
    assert not reflection.shared_with_group


def test_a_starrt_reflection_keeps_its_six_parts(client, teacher, session):
    client.force_login(teacher)
    url = reverse("followup:reflection_new", args=[session.pk]) + "?form=starrt"
    page = client.get(url).content.decode()
    assert 'name="transfer"' in page and 'name="situation"' in page
    response = client.post(
        url,
        {"form": "starrt", "situation": "Dinsdag, 2B", "action": "Stilte", "transfer": "Ook in 3A"},
    )
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert reflection.form == "starrt" and reflection.author == teacher
    assert reflection.answers["transfer"] == "Ook in 3A"
    assert not reflection.shared_with_group and reflection.coach is None  # private by default


def test_the_author_changes_the_text(client, teacher, reflection):
    client.force_login(teacher)
    url = reverse("followup:reflection_edit", args=[reflection.pk])
    assert client.post(url, {"text": "Nieuwe gedachte"}).status_code == 302
    reflection.refresh_from_db()
    assert reflection.answers == {"text": "Nieuwe gedachte"}


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"text": "   "},
        {"text": "x" * 6000},
        {"text": "nul\x00teken"},
        {"form": "essay", "text": ""},
    ],
)
def test_bad_reflection_input_is_refused(client, teacher, session, data):
    client.force_login(teacher)
    response = client.post(reverse("followup:reflection_new", args=[session.pk]), data)
    assert response.status_code == 400
    assert not Reflection.objects.exists()


def test_a_forged_form_kind_falls_back_to_the_free_form(client, teacher, session):
    client.force_login(teacher)
    response = client.get(reverse("followup:reflection_new", args=[session.pk]) + "?form=<script>")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_the_audit_log_never_holds_the_text(client, teacher, reflection, support):
    share(client, teacher, reflection, act="share_group")
    share(client, teacher, reflection, act="share_coach", coach=support.pk)
    delete(client, teacher, reflection, confirm="yes")
    assert AuditEntry.objects.filter(action="reflection.delete").exists()
    for entry in AuditEntry.objects.all():
        assert CANARY not in f"{entry.action} {entry.target} {entry.detail}"


# --- Deleting -------------------------------------------------------------------------------


def delete(client, person, reflection, **data):
    client.force_login(person)
    return client.post(reverse("followup:reflection_delete", args=[reflection.pk]), data)


def test_the_author_deletes_a_reflection_after_confirming(client, teacher, reflection):
    client.force_login(teacher)
    detail = client.get(reverse("followup:reflection_detail", args=[reflection.pk]))
    confirm_url = reverse("followup:reflection_delete", args=[reflection.pk])
    assert confirm_url in detail.content.decode()
    page = client.get(confirm_url).content.decode()
    assert 'name="confirm" value="yes"' in page
    assert Reflection.objects.filter(pk=reflection.pk).exists()  # asking deletes nothing
    response = delete(client, teacher, reflection, confirm="yes")
    assert response.status_code == 302
    assert response["Location"] == reverse("followup:my_reflections")
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    entry = AuditEntry.objects.get(action="reflection.delete")
    assert entry.actor == teacher and entry.target == f"reflection:{reflection.pk}"
    assert CANARY not in f"{entry.target} {entry.detail}"
    listing = client.get(reverse("followup:my_reflections")).content.decode()
    assert CANARY not in listing


def test_deleting_a_reflection_whose_session_was_deleted_is_audited(
    client, teacher, school, support, reflection, session
):
    share(client, teacher, reflection, act="share_coach", coach=support.pk)
    session.delete()
    reflection.refresh_from_db()
    assert reflection.session is None and reflection.school == school
    assert delete(client, teacher, reflection, confirm="yes").status_code == 302
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    entry = AuditEntry.objects.get(action="reflection.delete")
    assert entry.school == school and entry.actor == teacher
    assert entry.target == f"reflection:{reflection.pk}" and entry.detail == {}
    assert CANARY not in f"{entry.action} {entry.target} {entry.detail}"


def test_reflections_written_before_they_kept_their_school_get_one(
    teacher, school, other_school, session, reflection
):
    """The data migration: the session's school, else the author's first school."""
    migration = importlib.import_module(
        "samenspraak.followup.migrations.0002_reflection_school_and_report_mailed"
    )
    orphan = Reflection.objects.create(author=teacher, answers={"text": "zonder sessie"})
    Membership.objects.create(user=teacher, school=other_school, is_teacher=True)
    Reflection.objects.filter(pk=reflection.pk).update(school=None)
    migration.school_of_reflections(django_apps, None)
    assert Reflection.objects.get(pk=reflection.pk).school == session.school
    assert Reflection.objects.get(pk=orphan.pk).school == school


@pytest.mark.parametrize("data", [{}, {"confirm": "no"}, {"act": "delete"}, {"confirm": "YES "}])
def test_a_post_without_the_confirmation_deletes_nothing(client, teacher, reflection, data):
    response = delete(client, teacher, reflection, **data)
    assert response.status_code == 400
    assert Reflection.objects.filter(pk=reflection.pk).exists()
    assert not AuditEntry.objects.filter(action="reflection.delete").exists()


def test_nobody_but_the_author_can_delete_not_even_a_reader(
    client, admin, leader, facilitator, member, support, outsider, teacher, reflection
):
    share(client, teacher, reflection, act="share_group")  # facilitator and member read it
    share(client, teacher, reflection, act="share_coach", coach=support.pk)  # so does support
    for person in (admin, leader, facilitator, member, support, outsider):
        client.force_login(person)
        url = reverse("followup:reflection_delete", args=[reflection.pk])
        assert client.get(url).status_code == 404, person.email
        assert delete(client, person, reflection, confirm="yes").status_code == 404, person.email
    assert Reflection.objects.filter(pk=reflection.pk).exists()
    with pytest.raises(ValidationError):
        services.reflection_delete(reflection=reflection, by=leader)
    assert Reflection.objects.filter(pk=reflection.pk).exists()


def test_a_deleted_shared_reflection_is_gone_for_the_group_and_the_coach(
    client, teacher, member, support, reflection, session
):
    share(client, teacher, reflection, act="share_group")
    share(client, teacher, reflection, act="share_coach", coach=support.pk)
    assert delete(client, teacher, reflection, confirm="yes").status_code == 302
    for person in (member, support):
        assert_cannot_read(client, person, reflection, session)
        listing = client.get(reverse("followup:my_reflections")).content.decode()
        assert f"/reflections/{reflection.pk}/" not in listing


@pytest.mark.parametrize("junk", range(len(JUNK)))
def test_junk_posted_to_delete_deletes_nothing(client, teacher, reflection, junk):
    response = delete(client, teacher, reflection, **JUNK[junk])
    assert response.status_code == 400
    assert Reflection.objects.filter(pk=reflection.pk).exists()
