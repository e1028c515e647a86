from django.test import Client, TestCase
from django.urls import reverse

from samenspraak.core.models import AuditEntry
from samenspraak.schools.models import Membership, Role


def membership(user, school):
    return Membership.objects.get(user=user, school=school)


def test_admin_invites_a_person_with_roles_and_groups(client, admin, school, group):
    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        response = client.post(
            reverse("schools:member_invite", args=[school.pk]),
            {
                "name": "Yara Haddad",
                "email": "Yara.Haddad@Linde.test",
                "roles": ["teacher", "facilitator"],
                "groups": [group.pk],
            },
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    m = Membership.objects.get(user__email="yara.haddad@linde.test")
    assert m.roles == {Role.TEACHER, Role.FACILITATOR}
    assert group.members.filter(pk=m.user_id).exists()
    assert AuditEntry.objects.filter(action="member.invite", actor=admin).exists()


def test_invite_without_role_is_refused_and_changes_nothing(client, admin, school):
    client.force_login(admin)
    response = client.post(
        reverse("schools:member_invite", args=[school.pk]),
        {"name": "Geen Rol", "email": "geenrol@linde.test"},
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user__email="geenrol@linde.test").exists()


def test_invite_with_a_group_of_another_school_is_refused(client, admin, school, other_group):
    client.force_login(admin)
    response = client.post(
        reverse("schools:member_invite", args=[school.pk]),
        {"name": "X", "email": "x@linde.test", "roles": ["teacher"], "groups": [other_group.pk]},
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user__email="x@linde.test").exists()


def test_admin_changes_roles(client, admin, school, teacher):
    client.force_login(admin)
    m = membership(teacher, school)
    client.post(
        reverse("schools:member_edit", args=[school.pk, m.pk]),
        {"roles": ["teacher", "team_leader"]},
    )
    m.refresh_from_db()
    assert m.roles == {Role.TEACHER, Role.TEAM_LEADER}


def test_admin_cannot_remove_own_admin_role(client, admin, school):
    client.force_login(admin)
    m = membership(admin, school)
    response = client.post(
        reverse("schools:member_edit", args=[school.pk, m.pk]), {"roles": ["teacher"]}
    )
    assert response.status_code == 400
    m.refresh_from_db()
    assert m.is_admin


def test_forged_role_value_is_refused(client, admin, school, teacher):
    client.force_login(admin)
    m = membership(teacher, school)
    response = client.post(
        reverse("schools:member_edit", args=[school.pk, m.pk]), {"roles": ["superuser"]}
    )
    assert response.status_code == 400
    m.refresh_from_db()
    assert m.roles == {Role.TEACHER}


def test_deactivation_ends_the_persons_sessions_at_once(client, admin, school, teacher):
    teachers_phone = Client()
    teachers_phone.force_login(teacher)
    assert teachers_phone.get(reverse("core:overview")).status_code == 200

    client.force_login(admin)
    m = membership(teacher, school)
    client.post(reverse("schools:member_deactivate", args=[school.pk, m.pk]))

    response = teachers_phone.get(reverse("core:overview"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert not teachers_phone.login(username=teacher.email, password="correct-horse-battery-staple")


def test_deactivation_in_one_school_keeps_access_to_the_other(client, admin, school, teacher):
    from samenspraak.schools.models import School

    second = School.objects.create(name="Tweede school")
    Membership.objects.create(user=teacher, school=second, is_teacher=True)
    client.force_login(admin)
    client.post(
        reverse("schools:member_deactivate", args=[school.pk, membership(teacher, school).pk])
    )
    teacher.refresh_from_db()
    assert teacher.is_active
    other = Client()
    other.force_login(teacher)
    assert other.get(reverse("schools:group_list", args=[school.pk])).status_code == 404
    assert other.get(reverse("schools:group_list", args=[second.pk])).status_code == 200


def test_admin_cannot_deactivate_themselves(client, admin, school):
    client.force_login(admin)
    client.post(
        reverse("schools:member_deactivate", args=[school.pk, membership(admin, school).pk])
    )
    assert membership(admin, school).is_active


def test_reactivated_person_can_sign_in_again(client, admin, school, deactivated):
    client.force_login(admin)
    client.post(
        reverse("schools:member_reactivate", args=[school.pk, membership(deactivated, school).pk])
    )
    deactivated.refresh_from_db()
    assert deactivated.is_active
    assert Client().login(username=deactivated.email, password="correct-horse-battery-staple")


def test_member_search_returns_a_fragment_for_htmx(client, admin, school, teacher, support):
    client.force_login(admin)
    response = client.get(
        reverse("schools:member_list", args=[school.pk]), {"q": "Daan"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert teacher.name in html and support.name not in html


def test_member_search_ignores_a_nul_character(client, admin, school, teacher):
    """PostgreSQL cannot compare with NUL: the search drops it instead of failing."""
    client.force_login(admin)
    response = client.get(reverse("schools:member_list", args=[school.pk]), {"q": "Daa\x00n"})
    assert response.status_code == 200
    assert teacher.name in response.content.decode()


def test_member_list_query_count_does_not_grow_with_members(
    client, admin, school, django_assert_max_num_queries
):
    from conftest import make_person

    for i in range(30):
        make_person(school, f"p{i}@linde.test", f"Persoon {i}", is_teacher=True)
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("schools:member_list", args=[school.pk]))
