from django.urls import reverse

from samenspraak.schools.models import Ambition, Board, Group, GroupKind, Membership, School


def test_admin_creates_a_group_and_sets_its_members(client, admin, school, teacher, support):
    client.force_login(admin)
    response = client.post(
        reverse("schools:group_create", args=[school.pk]),
        {"name": "PLG Formatief toetsen", "kind": "plc", "description": "Samen leren."},
    )
    group = Group.objects.get(name="PLG Formatief toetsen")
    assert response.headers["Location"] == reverse("schools:group_members", args=[group.pk])
    client.post(
        reverse("schools:group_members", args=[group.pk]), {"members": [teacher.pk, support.pk]}
    )
    assert set(group.members.all()) == {teacher, support}
    client.post(reverse("schools:group_members", args=[group.pk]), {"members": [teacher.pk]})
    assert set(group.members.all()) == {teacher}


def test_duplicate_group_name_is_refused(client, admin, school, group):
    client.force_login(admin)
    response = client.post(
        reverse("schools:group_create", args=[school.pk]),
        {"name": group.name.upper(), "kind": "team"},
    )
    assert response.status_code == 400
    assert Group.objects.filter(school=school).count() == 1


def test_unknown_group_kind_is_refused(client, admin, school):
    client.force_login(admin)
    response = client.post(
        reverse("schools:group_create", args=[school.pk]), {"name": "X", "kind": "sekte"}
    )
    assert response.status_code == 400
    assert not Group.objects.exists()


def test_people_of_another_school_cannot_be_added_to_a_team(client, admin, group, outsider):
    client.force_login(admin)
    response = client.post(
        reverse("schools:group_members", args=[group.pk]), {"members": [outsider.pk]}
    )
    assert response.status_code == 400
    assert not group.members.filter(pk=outsider.pk).exists()


def test_a_network_spans_the_schools_of_one_board(client, admin, school, other_school, outsider):
    board = Board.objects.create(name="Stichting Voortgezet Onderwijs Linde")
    School.objects.filter(pk__in=[school.pk, other_school.pk]).update(board=board)
    network = Group.objects.create(school=school, name="Netwerk Lezen", kind=GroupKind.NETWORK)
    client.force_login(admin)
    client.post(reverse("schools:group_members", args=[network.pk]), {"members": [outsider.pk]})
    assert network.members.filter(pk=outsider.pk).exists()
    client.force_login(outsider)
    overview = client.get(reverse("core:overview")).content.decode()
    assert "Netwerk Lezen" in overview
    assert client.get(reverse("schools:group_detail", args=[network.pk])).status_code == 200


def test_teacher_sees_only_own_groups_in_the_list(client, teacher, school, group):
    Group.objects.create(school=school, name="Werkgroep Burgerschap", kind="working_group")
    client.force_login(teacher)
    html = client.get(reverse("schools:group_list", args=[school.pk])).content.decode()
    assert group.name in html and "Werkgroep Burgerschap" not in html


def test_leader_records_an_ambition_with_groups(client, leader, school, group):
    client.force_login(leader)
    response = client.post(
        reverse("schools:ambition_create", args=[school.pk]),
        {
            "title": "Formatief handelen in elke les",
            "description": "Leerlingen weten waar ze staan.",
            "period_start": 2024,
            "period_end": 2028,
            "status": "active",
            "groups": [group.pk],
        },
    )
    ambition = Ambition.objects.get(title="Formatief handelen in elke les")
    assert response.headers["Location"] == reverse("schools:ambition_detail", args=[ambition.pk])
    assert list(ambition.groups.all()) == [group]


def test_ambition_with_end_before_start_is_refused(client, leader, school):
    client.force_login(leader)
    response = client.post(
        reverse("schools:ambition_create", args=[school.pk]),
        {"title": "X", "period_start": 2028, "period_end": 2024, "status": "active"},
    )
    assert response.status_code == 400
    assert not Ambition.objects.exists()


def test_ambition_with_non_numeric_year_is_refused(client, leader, school):
    client.force_login(leader)
    response = client.post(
        reverse("schools:ambition_create", args=[school.pk]),
        {"title": "X", "period_start": "twintig", "period_end": 2024, "status": "active"},
    )
    assert response.status_code == 400


def test_overview_shows_my_groups_and_their_ambitions_only(
    client, teacher, school, group, ambition
):
    other = Group.objects.create(school=school, name="Team Onderbouw", kind="team")
    Ambition.objects.create(
        school=school, title="Geheime ambitie", period_start=2024, period_end=2026
    ).groups.add(other)
    client.force_login(teacher)
    html = client.get(reverse("core:overview")).content.decode()
    assert group.name in html and ambition.title in html
    assert "Team Onderbouw" not in html and "Geheime ambitie" not in html


def test_overview_of_a_person_without_groups_shows_no_empty_sections(client, support):
    client.force_login(support)
    html = client.get(reverse("core:overview")).content.decode()
    assert 'id="groups-heading"' not in html and 'id="ambitions-heading"' not in html


def test_overview_query_count_is_flat(client, teacher, school, django_assert_max_num_queries):
    for i in range(15):
        g = Group.objects.create(school=school, name=f"Groep {i}", kind="team")
        g.members.add(teacher)
        Ambition.objects.create(
            school=school, title=f"A{i}", period_start=2024, period_end=2028
        ).groups.add(g)
    client.force_login(teacher)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("core:overview")).status_code == 200


def test_inactive_membership_hides_groups_from_overview(client, teacher, school, group):
    Membership.objects.filter(user=teacher).update(is_active=False)
    client.force_login(teacher)
    html = client.get(reverse("core:overview")).content.decode()
    assert group.name not in html


def test_leader_overview_shows_every_group_and_ambition_of_the_school(
    client, leader, school, group, ambition
):
    Group.objects.create(school=school, name="Werkgroep Burgerschap", kind="working_group")
    client.force_login(leader)
    html = client.get(reverse("core:overview")).content.decode()
    assert group.name in html and "Werkgroep Burgerschap" in html and ambition.title in html


def test_leader_overview_never_shows_another_schools_groups(client, leader, other_group):
    client.force_login(leader)
    assert other_group.name not in client.get(reverse("core:overview")).content.decode()


def test_leader_overview_query_count_is_flat(client, leader, school, django_assert_max_num_queries):
    for i in range(20):
        g = Group.objects.create(school=school, name=f"Groep {i}", kind="team")
        Ambition.objects.create(
            school=school, title=f"A{i}", period_start=2024, period_end=2028
        ).groups.add(g)
    client.force_login(leader)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("core:overview")).status_code == 200
