"""The leadership view: who may open it, what it counts, what it hides, and a query count
that does not grow with the school."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import make_person
from samenspraak.followup import quality
from samenspraak.followup.models import ActionPoint, ActionStatus, Instrument, QualityResponse
from samenspraak.leadership.aggregates import dashboard
from samenspraak.leadership.seeding import seed_school
from samenspraak.live.models import Participant, Room, RoomStatus
from samenspraak.planning.models import Cycle, Session, SessionStatus
from samenspraak.schools.models import Ambition, GroupMember

QUERIES = 12  # session, user, membership, 8 for the figures, the page's own membership


@pytest.fixture
def team_leader(school):
    return make_person(school, "teamleider@linde.test", "Tessa Teamleider", is_team_leader=True)


def url(school):
    return reverse("leadership:overview", args=[school.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("leader", 200),
        ("facilitator", 404),
        ("teacher", 404),
        ("support", 404),
        ("outsider", 404),
        ("deactivated", 302),  # cannot sign in at all
    ],
)
def test_who_may_open_the_leadership_view(client, personas, school, persona, status):
    client.force_login(personas[persona])
    assert client.get(url(school)).status_code == status


def test_team_leaders_see_it_and_nobody_sees_another_schools(
    client, team_leader, leader, school, other_school
):
    client.force_login(team_leader)
    assert client.get(url(school)).status_code == 200
    client.force_login(leader)
    assert client.get(url(other_school)).status_code == 404
    assert client.get("/schools/999999/leadership/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, school):
    response = client.get(url(school))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_overview_links_leaders_to_it(client, leader, teacher, school):
    client.force_login(leader)
    assert url(school) in client.get(reverse("core:overview")).content.decode()
    client.force_login(teacher)
    assert url(school) not in client.get(reverse("core:overview")).content.decode()


@pytest.fixture
def team(school, group):
    people = []
    for n in range(5):
        person = make_person(school, f"lid{n}@linde.test", f"Lid {n}", is_teacher=True)
        GroupMember.objects.create(group=group, user=person)
        people.append(person)
    return people  # with the teacher and the facilitator: 7 members


def make_cycle(group, ambition):
    now = timezone.now()
    cycle = Cycle.objects.create(
        school=group.school,
        group=group,
        title="Cyclus",
        goal="Doel",
        period_start=(now - timedelta(days=90)).date(),
        period_end=(now + timedelta(days=90)).date(),
        start_time=now.time(),
        every_weeks=2,
        weekday=1,
    )
    cycle.ambitions.add(ambition)
    return cycle


def test_cadence_participation_and_action_points(school, group, ambition, team):
    cycle = make_cycle(group, ambition)
    now = timezone.now()
    sessions = []
    for days, status in [(30, SessionStatus.HELD), (20, SessionStatus.PLANNED), (10, "cancelled")]:
        sessions.append(
            Session.objects.create(
                school=school,
                cycle=cycle,
                group=group,
                title=f"S{days}",
                starts_at=now - timedelta(days=days),
                status=status,
            )
        )
    Session.objects.create(
        school=school, cycle=cycle, group=group, title="later", starts_at=now + timedelta(days=5)
    )
    # The second one was run in the live room and ended: it counts as held.
    room = Room.objects.create(session=sessions[1], status=RoomStatus.ENDED, ended_at=now)
    for person in team[:4]:
        Participant.objects.create(room=room, user=person)
    Participant.objects.create(room=room, guest_name="Gast")  # guests are not counted
    for n in range(6):
        done = n < 3
        ActionPoint.objects.create(
            session=sessions[0],
            text=f"actie {n}",
            due_date=(now - timedelta(days=2)).date(),
            status=ActionStatus.DONE if done else ActionStatus.OPEN,
            done_at=now - timedelta(days=5 if n < 2 else 1) if done else None,
        )
    ActionPoint.objects.create(
        session=sessions[0], text="laat", due_date=(now + timedelta(days=9)).date()
    )
    ActionPoint.objects.create(
        session=sessions[0],
        text="weg",
        due_date=(now - timedelta(days=9)).date(),
        status=ActionStatus.DROPPED,
    )
    empty = Ambition.objects.create(
        school=school, title="Nog niets", period_start=2025, period_end=2027
    )

    data = dashboard(school)
    (row,) = [r for r in data.ambitions if r.ambition == ambition]
    assert (row.cadence.held, row.cadence.planned) == (2, 3)
    assert data.ambitions_without_dialogue == [empty]
    (group_row,) = data.groups
    assert group_row.members == 7
    assert group_row.participation == pytest.approx(100 * 4 / 7)
    assert group_row.actions_due == 6
    assert group_row.actions_on_time == pytest.approx(100 * 2 / 6)


def test_participation_leaves_out_whoever_led_the_session(
    school, group, ambition, team, teacher, facilitator, leader
):
    """Seven members. In the first session the facilitator (a member) led and a leader
    (invited, not a member) ran the console; in the second, without a facilitator, a
    member ran the console. Four others took part each time, of six expected."""
    cycle = make_cycle(group, ambition)
    now = timezone.now()
    first = Session.objects.create(
        school=school,
        cycle=cycle,
        group=group,
        title="Eerste",
        starts_at=now - timedelta(days=14),
        facilitator=facilitator,
    )
    first.invitees.add(leader)
    second = Session.objects.create(
        school=school, cycle=cycle, group=group, title="Tweede", starts_at=now - timedelta(days=7)
    )
    room = Room.objects.create(session=first, status=RoomStatus.ENDED, ended_at=now)
    Participant.objects.create(room=room, user=facilitator)
    Participant.objects.create(room=room, user=leader, on_console=True)
    for person in team[:4]:
        Participant.objects.create(room=room, user=person)
    room = Room.objects.create(session=second, status=RoomStatus.ENDED, ended_at=now)
    Participant.objects.create(room=room, user=team[4], on_console=True)
    for person in [teacher, *team[:3]]:
        Participant.objects.create(room=room, user=person)

    (row,) = dashboard(school).groups
    assert row.members == 7
    assert not row.participation_hidden
    assert row.participation == pytest.approx(100 * 8 / 12)


def ran_in_the_room(school, group, ambition, seated, **fields) -> Session:
    """A session of three days ago, run in the live room, where `seated` took a seat."""
    session = Session.objects.create(
        school=school,
        cycle=make_cycle(group, ambition),
        group=group,
        title="S",
        starts_at=timezone.now() - timedelta(days=3),
        **fields,
    )
    room = Room.objects.create(session=session, status=RoomStatus.ENDED, ended_at=timezone.now())
    for person in seated:
        Participant.objects.create(room=room, user=person)
    return session


def test_an_invited_member_is_expected_once(school, group, ambition, team, leader):
    """Seven members, two of them also invited, and one invitee from outside the group:
    eight seats expected, not ten."""
    session = ran_in_the_room(school, group, ambition, [*team[:5], leader])
    session.invitees.add(team[0], team[1], leader)
    (row,) = dashboard(school).groups
    assert row.members == 7
    assert row.participation == pytest.approx(100 * 6 / 8)


def test_participation_is_hidden_when_fewer_than_five_were_expected_besides_the_leader(
    school, group, ambition, team, facilitator
):
    """Five members, one of them facilitating the only session: four expected seats."""
    GroupMember.objects.filter(group=group, user__in=team[3:]).delete()
    ran_in_the_room(school, group, ambition, [facilitator, *team[:3]], facilitator=facilitator)
    (row,) = dashboard(school).groups
    assert row.members == 5
    assert row.participation_hidden and row.participation is None


def test_small_groups_and_few_action_points_are_hidden(school, group, ambition):
    cycle = make_cycle(group, ambition)
    session = Session.objects.create(
        school=school,
        cycle=cycle,
        group=group,
        title="S",
        starts_at=timezone.now() - timedelta(days=3),
        status=SessionStatus.HELD,
    )
    Room.objects.create(session=session, status=RoomStatus.ENDED, ended_at=timezone.now())
    ActionPoint.objects.create(
        session=session, text="a", due_date=timezone.localdate() - timedelta(days=1)
    )
    (row,) = dashboard(school).groups
    assert row.participation_hidden and row.participation is None  # 2 members
    assert row.actions_hidden and row.actions_on_time is None  # 1 action point


def test_quality_is_hidden_exactly_as_on_the_groups_page(client, leader, school, group, team):
    """Five answers in one session, four in another, in one half-year: the four are not
    released, so the half-year shows the five (the same figure on both pages)."""
    now = timezone.now()
    first = Session.objects.create(
        school=school, group=group, title="A", starts_at=now - timedelta(hours=3)
    )
    second = Session.objects.create(
        school=school, group=group, title="B", starts_at=now - timedelta(hours=2)
    )
    period = quality.period_of(timezone.localtime(first.starts_at).date())
    for session, count in ((first, 5), (second, 4)):
        for _ in range(count):
            QualityResponse.objects.create(
                group=group,
                session=session,
                instrument=Instrument.SCAN,
                period=period,
                answers={item.key: 3 for item in quality.SCAN.items},
            )
    data = dashboard(school)
    (row,) = data.groups
    assert row.scan[-1].mean == pytest.approx(3.0)
    group_page = quality.group_results(group)
    period = group_page.scan_periods[-1]
    assert period.shown and period.count == 5
    assert [child.shown for child in period.children] == [True, False]
    assert row.safety[-1].mean is None and not row.safety[-1].hidden  # no answers


def test_the_query_count_does_not_grow_with_the_school(
    client, leader, school, django_assert_max_num_queries
):
    client.force_login(leader)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(url(school)).status_code == 200
    seeded = seed_school(staff=200, groups=40, sessions=200)
    assert seeded.sessions == 200
    client.force_login(seeded.leader)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(url(seeded.school))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Team 39" in html and "Ambitie 7" in html


def test_the_group_results_page_has_a_fixed_query_count(client, db, django_assert_max_num_queries):
    seeded = seed_school(staff=60, groups=2, sessions=60)
    client.force_login(seeded.leader)
    page = reverse("quality:results", args=[seeded.groups[0].pk])
    with django_assert_max_num_queries(14):
        response = client.get(page)
    assert response.status_code == 200 and "<svg" in response.content.decode()


def portfolio_url_name() -> str | None:
    """The group portfolio's URL name, once another branch has added it."""

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                yield from walk(entry, f"{namespace}:{inner}".strip(":") if inner else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, list(entry.pattern.converters)

    for name, kwargs in walk(get_resolver()):
        if "portfolio" in name and "pdf" not in name and kwargs == ["group_id"]:
            return name
    return None


def test_the_group_portfolio_query_count_does_not_grow_either(client, db):
    name = portfolio_url_name()
    if name is None:
        pytest.skip("no group portfolio URL in this tree")
    counts = []
    for size in (
        {"staff": 4, "groups": 1, "sessions": 2},
        {"staff": 200, "groups": 40, "sessions": 200},
    ):
        seeded = seed_school(name=f"S{size['staff']}", email_prefix=f"p{size['staff']}", **size)
        group = seeded.groups[0]
        client.force_login(group.members.first())
        url = reverse(name, kwargs={"group_id": group.pk})
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
