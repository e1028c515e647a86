"""Portfolios: a group's timeline (members and planners; shared reflections for members
only) and a person's own — with canaries in private things, filters, the PDF export and
pinned query counts."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from samenspraak.followup import portfolio_views, services
from samenspraak.followup import report as reports
from samenspraak.followup.models import Reflection
from samenspraak.planning.models import Cycle, Preparation, Session, SessionStatus
from samenspraak.schools.models import Ambition, GroupMember

PRIVATE_CANARY = "KANARIE-prive-reflectie-5d2c"
SHARED_TEXT = "Gedeelde-reflectie-over-lezen"
PREPARATION_CANARY = "KANARIE-voorbereiding-b61a"
COACH_CANARY = "KANARIE-coach-reflectie-e7d0"


def cycle_for(group, ambition) -> Cycle:
    cycle = Cycle.objects.create(
        school=group.school,
        group=group,
        title="Leescyclus",
        goal="Beter lezen",
        period_start=date(2026, 8, 1),
        period_end=date(2027, 7, 1),
        every_weeks=6,
        weekday=1,
        start_time=time(15, 30),
    )
    cycle.ambitions.add(ambition)
    return cycle


def held_session(group, facilitator, *, days_ago: int, cycle=None, title="Sessie") -> Session:
    return Session.objects.create(
        school=group.school,
        group=group,
        cycle=cycle,
        facilitator=facilitator,
        title=title,
        starts_at=timezone.now() - timedelta(days=days_ago),
        status=SessionStatus.HELD,
    )


def fill(session, facilitator, teacher, n: int = 0) -> None:
    agreement = services.agreement_propose(
        session=session, by=facilitator, text=f"Afspraak {n}", anonymous=False
    )
    services.support_give(agreement=agreement, voter="1", name="x", answer="agree")
    services.action_add(
        session=session, by=facilitator, text=f"Actie {n}", owners=[teacher], due_date=None
    )
    Reflection.objects.create(
        author=teacher, session=session, answers={"text": f"{SHARED_TEXT} {n}"},
        shared_with_group=True,
    )  # fmt: skip


@pytest.fixture
def timeline(group, facilitator, teacher, ambition):
    cycle = cycle_for(group, ambition)
    first = held_session(group, facilitator, days_ago=40, cycle=cycle, title="Eerste gesprek")
    fill(first, facilitator, teacher, 1)
    reports.report_publish(session=first, by=facilitator)
    second = held_session(group, facilitator, days_ago=3, title="Tweede gesprek")  # no cycle
    services.action_add(
        session=second, by=facilitator, text="Actie twee", owners=[facilitator], due_date=None
    )
    Reflection.objects.create(author=teacher, session=second, answers={"text": PRIVATE_CANARY})
    Reflection.objects.create(
        author=teacher, session=second, answers={"text": COACH_CANARY}, coach=facilitator
    )
    Preparation.objects.create(session=second, author=teacher, answers={"p1": PREPARATION_CANARY})
    planned = Session.objects.create(
        school=group.school,
        group=group,
        facilitator=facilitator,
        title="Nog te houden",
        starts_at=timezone.now() + timedelta(days=10),
    )
    cancelled = held_session(group, facilitator, days_ago=5, title="Afgelast gesprek")
    cancelled.status = SessionStatus.CANCELLED
    cancelled.save()
    return {"first": first, "second": second, "planned": planned, "cycle": cycle}


def page(client, user, group, **params):
    client.force_login(user)
    return client.get(reverse("reports:group_portfolio", args=[group.pk]), params)


# --- The group's portfolio ------------------------------------------------------------------


@pytest.mark.usefixtures("english_pages")
def test_a_member_sees_the_timeline_with_shared_reflections(client, group, teacher, timeline):
    response = page(client, teacher, group)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Tweede gesprek") < html.index("Eerste gesprek")  # newest first
    assert "Nog te houden" not in html and "Afgelast gesprek" not in html
    assert "Afspraak 1" in html and "Actie 1" in html and "Actie twee" in html
    assert "support: 1 agree, 0 concern, 0 objection" in html
    assert f"{SHARED_TEXT} 1" in html
    assert reverse("reports:report_detail", args=[timeline["first"].pk]) in html
    assert reverse("reports:report_detail", args=[timeline["second"].pk]) not in html


def test_private_things_never_appear_in_the_group_portfolio(
    client, group, teacher, facilitator, leader, admin, timeline
):
    for person in (teacher, facilitator, leader, admin):
        html = page(client, person, group).content.decode()
        for canary in (PRIVATE_CANARY, PREPARATION_CANARY, COACH_CANARY):
            assert canary not in html, (person.email, canary)


@pytest.mark.usefixtures("english_pages")
def test_a_leader_outside_the_group_sees_no_reflections(client, group, leader, timeline):
    response = page(client, leader, group)
    html = response.content.decode()
    assert response.status_code == 200 and "Afspraak 1" in html
    assert SHARED_TEXT not in html
    assert "shown to the group's members only" in html


@pytest.mark.parametrize("who", ["outsider", "support"])
def test_people_outside_the_group_get_404(client, personas, group, timeline, who):
    client.force_login(personas[who])
    assert client.get(reverse("reports:group_portfolio", args=[group.pk])).status_code == 404
    assert client.get(reverse("reports:group_portfolio_pdf", args=[group.pk])).status_code == 404


def test_an_admin_of_another_school_gets_404(client, group, other_school, timeline):
    intruder = make_person(other_school, "admin@noord.test", "Ina Dringer", is_admin=True)
    client.force_login(intruder)
    assert client.get(reverse("reports:group_portfolio", args=[group.pk])).status_code == 404


def test_filter_by_ambition_and_period(client, group, teacher, ambition, timeline):
    html = page(client, teacher, group, ambition=ambition.pk).content.decode()
    assert "Eerste gesprek" in html and "Tweede gesprek" not in html
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    html = page(client, teacher, group, start=since).content.decode()
    assert "Tweede gesprek" in html and "Eerste gesprek" not in html
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    html = page(client, teacher, group, end=until).content.decode()
    assert "Eerste gesprek" in html and "Tweede gesprek" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "gisteren"}, "valid date"),
        ({"ambition": "99999999999999999999"}, "Choose an ambition from the list."),
        ({"ambition": "abc"}, "Choose an ambition from the list."),
        ({"start": "2027-01-02", "end": "2027-01-01"}, "must not be after"),
        ({"end": "9999-12-31"}, "in the years 2000 to 2099"),  # the day after: year 10000
        ({"start": "0001-01-01"}, "in the years 2000 to 2099"),
    ],
)
@pytest.mark.usefixtures("english_pages")
def test_bad_filters_get_a_clear_message(client, group, teacher, timeline, params, message):
    response = page(client, teacher, group, **params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html or "geldige datum" in html


def test_an_ambition_of_another_school_is_refused(client, group, teacher, other_school, timeline):
    elsewhere = Ambition.objects.create(
        school=other_school, title="Elders", period_start=2024, period_end=2028
    )
    response = page(client, teacher, group, ambition=elsewhere.pk)
    assert response.status_code == 400 and "Elders" not in response.content.decode()


def test_the_portfolio_pdf(client, group, teacher, leader, timeline, monkeypatch, needs_pdf):
    rendered = []
    real = portfolio_views.pdf_document

    def capture(html):
        document = real(html)
        rendered.append(
            " ".join(
                box.text
                for page in document.pages
                for box in page._page_box.descendants()
                if hasattr(box, "text")
            )
        )
        return document

    monkeypatch.setattr(portfolio_views, "pdf_document", capture)
    client.force_login(teacher)
    response = client.get(reverse("reports:group_portfolio_pdf", args=[group.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="portfolio-sectie')
    text = rendered[-1]
    assert "Eerste gesprek" in text and "Afspraak 1" in text and f"{SHARED_TEXT} 1" in text
    assert PRIVATE_CANARY not in text and PREPARATION_CANARY not in text
    client.force_login(leader)
    client.get(reverse("reports:group_portfolio_pdf", args=[group.pk]))
    assert "Eerste gesprek" in rendered[-1] and SHARED_TEXT not in rendered[-1]
    response = client.get(reverse("reports:group_portfolio_pdf", args=[group.pk]), {"end": "x"})
    assert response.status_code == 400


# --- My portfolio ---------------------------------------------------------------------------


def test_my_portfolio_shows_my_own_things(client, teacher, timeline):
    client.force_login(teacher)
    html = client.get(reverse("reports:my_portfolio")).content.decode()
    assert "Eerste gesprek" in html and "Tweede gesprek" in html and "Nog te houden" not in html
    assert "Actie 1" in html and "Actie twee" not in html  # not my action point
    assert PRIVATE_CANARY in html and COACH_CANARY in html  # mine: I see them all
    assert PREPARATION_CANARY not in html


def test_nobody_else_sees_my_reflections_in_their_portfolio(
    client, facilitator, leader, admin, timeline
):
    for person in (facilitator, leader, admin):
        client.force_login(person)
        html = client.get(reverse("reports:my_portfolio")).content.decode()
        for canary in (PRIVATE_CANARY, COACH_CANARY, PREPARATION_CANARY, SHARED_TEXT):
            assert canary not in html, (person.email, canary)


def test_someone_outside_the_group_has_none_of_its_sessions(client, school, timeline):
    newcomer = make_person(school, "nieuw@linde.test", "Nina Nieuw", is_teacher=True)
    client.force_login(newcomer)
    html = client.get(reverse("reports:my_portfolio")).content.decode()
    assert "Eerste gesprek" not in html and "Actie 1" not in html
    GroupMember.objects.create(group=timeline["first"].group, user=newcomer)
    html = client.get(reverse("reports:my_portfolio")).content.decode()
    assert "Eerste gesprek" in html and "Actie 1" not in html and SHARED_TEXT not in html


# --- Query counts ---------------------------------------------------------------------------


def _seed(group, facilitator, teacher, ambition, count: int) -> None:
    cycle = cycle_for(group, ambition)
    for n in range(count):
        session = held_session(group, facilitator, days_ago=n + 1, cycle=cycle, title=f"S{n}")
        fill(session, facilitator, teacher, n)
        if n % 2 == 0:
            reports.report_publish(session=session, by=facilitator)


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


GROUP_PAGE_QUERIES = 16
MY_PAGE_QUERIES = 8


@pytest.mark.parametrize("count", [1, 30])
def test_group_portfolio_queries_stay_flat(
    client, group, facilitator, teacher, ambition, count, django_assert_max_num_queries
):
    _seed(group, facilitator, teacher, ambition, count)
    client.force_login(teacher)
    path = reverse("reports:group_portfolio", args=[group.pk])
    with django_assert_max_num_queries(GROUP_PAGE_QUERIES):
        html = client.get(path, {"ambition": ambition.pk}).content.decode()
    assert html.count("<article") == count


@pytest.mark.parametrize("count", [1, 30])
def test_my_portfolio_queries_stay_flat(
    client, group, facilitator, teacher, ambition, count, django_assert_max_num_queries
):
    _seed(group, facilitator, teacher, ambition, count)
    client.force_login(teacher)
    with django_assert_max_num_queries(MY_PAGE_QUERIES):
        html = client.get(reverse("reports:my_portfolio")).content.decode()
    assert html.count(f"{SHARED_TEXT} ") == count


def test_one_and_thirty_sessions_cost_the_same(client, group, facilitator, teacher, ambition):
    client.force_login(teacher)
    paths = [reverse("reports:group_portfolio", args=[group.pk]), reverse("reports:my_portfolio")]
    _seed(group, facilitator, teacher, ambition, 1)
    few = [_queries(client, path) for path in paths]
    _seed(group, facilitator, teacher, ambition, 29)
    many = [_queries(client, path) for path in paths]
    assert many == few
