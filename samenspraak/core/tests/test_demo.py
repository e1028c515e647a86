from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from samenspraak.accounts.models import User
from samenspraak.accounts.services import DEMO_PASSWORD
from samenspraak.schools.access import my_groups
from samenspraak.schools.models import (
    Ambition,
    Board,
    Group,
    GroupKind,
    GroupMember,
    Membership,
    School,
)

HEADLINE_EMAILS = (
    "beheerder@demo.test",
    "schoolleider@demo.test",
    "gespreksleider@demo.test",
    "docent@demo.test",
)


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "boards": Board.objects.count(),
        "schools": School.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "groups": Group.objects.count(),
        "group_members": GroupMember.objects.count(),
        "ambitions": Ambition.objects.count(),
        "ambition_groups": Ambition.groups.through.objects.count(),
    }


@pytest.fixture
def demo_school(db) -> School:
    load_demo()
    return School.objects.get(name="Stedelijk Lyceum De Linde")


@pytest.mark.django_db
def test_demo_loads_twice_without_duplicates():
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first
    assert first["users"] > 40  # De Linde's staff plus Het Noorderlicht's


def test_demo_accounts_sign_in_with_the_demo_password(demo_school):
    for email in HEADLINE_EMAILS:
        user = authenticate(None, username=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert user.memberships.get(school=demo_school).is_active


def test_demo_other_staff_sign_in_with_firstname_lastname(demo_school):
    user = authenticate(None, username="sanne.vandenberg@demo.test", password=DEMO_PASSWORD)
    assert user is not None
    assert user.name == "Sanne van den Berg"


def test_demo_school_has_forty_staff_with_the_role_mix(demo_school):
    staff = Membership.objects.filter(school=demo_school, is_active=True)
    assert 35 <= staff.count() <= 45
    assert staff.filter(is_admin=True).count() == 1
    assert staff.filter(is_school_leader=True).count() == 1
    assert staff.filter(is_team_leader=True).count() == 2
    assert staff.filter(is_facilitator=True).count() == 3
    assert 25 <= staff.filter(is_teacher=True).count() <= 35
    assert 4 <= staff.filter(is_support_staff=True).count() <= 7
    assert staff.filter(is_team_leader=True, is_teacher=True).exists()  # two roles


def test_demo_school_has_six_groups_and_three_ambitions(demo_school):
    assert Group.objects.count() == 6
    kinds = set(Group.objects.values_list("kind", flat=True))
    assert kinds == {
        GroupKind.PLC,
        GroupKind.SECTION,
        GroupKind.TEAM,
        GroupKind.WORKING_GROUP,
        GroupKind.NETWORK,
    }
    ambitions = Ambition.objects.filter(school=demo_school)
    assert ambitions.count() == 3
    for ambition in ambitions:
        assert ambition.description
        assert ambition.period == "2024–2028"
        assert ambition.groups.exists()


def test_demo_teacher_is_in_two_groups_one_working_on_an_ambition(demo_school):
    teacher = User.objects.get(email="docent@demo.test")
    groups = my_groups(teacher)
    assert groups.count() >= 2
    assert Ambition.objects.filter(groups__in=groups).exists()


def test_demo_network_spans_both_schools_of_the_board(demo_school):
    network = Group.objects.get(kind=GroupKind.NETWORK)
    schools = set(
        Membership.objects.filter(user__in=network.members.all()).values_list(
            "school__name", flat=True
        )
    )
    assert schools == {"Stedelijk Lyceum De Linde", "Vakcollege Het Noorderlicht"}
    assert set(network.eligible_schools()) == set(demo_school.board.schools.all())


def test_demo_reload_keeps_passwords_and_sessions_of_existing_people(demo_school):
    before = dict(User.objects.values_list("email", "password"))
    load_demo()
    assert dict(User.objects.values_list("email", "password")) == before


def test_demo_reload_restores_a_changed_headline_password(demo_school):
    teacher = User.objects.get(email="docent@demo.test")
    teacher.set_password("something-else-entirely")
    teacher.save()
    load_demo()
    assert authenticate(None, username="docent@demo.test", password=DEMO_PASSWORD) is not None


def test_demo_prints_the_logins_password_and_url(db, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    output = load_demo()
    assert "http://127.0.0.1:8123/" in output
    assert DEMO_PASSWORD in output
    for email in HEADLINE_EMAILS:
        assert email in output


def test_demo_refuses_when_demo_logins_are_off(db, settings):
    settings.DEMO_LOGINS_ALLOWED = False
    with pytest.raises(CommandError, match="demo logins are switched off"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not School.objects.exists()


def test_demo_has_cycles_with_held_and_upcoming_sessions_in_the_docents_feed(client, db):
    import re

    from django.core.management import call_command
    from icalendar import Calendar

    from samenspraak.accounts.models import User
    from samenspraak.planning.models import Cycle, Session

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Cycle.objects.count() == 2
    assert Session.objects.filter(status="held").exists()
    assert Session.objects.filter(status="planned").count() >= 4
    docent = User.objects.get(email="docent@demo.test")
    client.force_login(docent)
    html = client.post("/calendar/", {"action": "new"}).content.decode()
    feed = re.search(r'value="https?://[^/]+(/calendar/[^"]+\.ics)"', html).group(1)
    client.logout()
    events = Calendar.from_ical(client.get(feed).content).walk("VEVENT")
    assert len(events) >= 4


def test_demo_sessions_leave_agreements_and_action_points_that_come_back(demo_school):
    from samenspraak.followup.models import ActionPoint, Agreement, AgreementStatus
    from samenspraak.followup.services import actions_to_review
    from samenspraak.planning.models import SessionStatus

    before = (Agreement.objects.count(), ActionPoint.objects.count())
    load_demo()
    assert (Agreement.objects.count(), ActionPoint.objects.count()) == before  # idempotent
    assert Agreement.objects.filter(status=AgreementStatus.ADOPTED).exists()
    docent = User.objects.get(email="docent@demo.test")
    mine = ActionPoint.objects.filter(owners=docent)
    assert mine.filter(status="done").exists() and mine.filter(status="open").exists()
    upcoming = (
        demo_school.sessions.filter(status=SessionStatus.PLANNED, method_snapshot__isnull=False)
        .order_by("starts_at")
        .first()
    )
    assert any(docent in a.owners.all() for a in actions_to_review(upcoming))


def test_demo_shows_the_whole_loop_to_the_teacher(demo_school, client):
    """Published reports the teacher can download as PDF and DOCX, and a quality trend."""
    from io import BytesIO

    from django.urls import reverse
    from docx import Document

    from conftest import pdf_available
    from samenspraak.followup import quality
    from samenspraak.followup.models import Report, ReportStatus

    load_demo()  # still idempotent with reports, feedback and quality answers
    docent = User.objects.get(email="docent@demo.test")
    report = Report.objects.filter(
        status=ReportStatus.PUBLISHED, session__group__members=docent
    ).first()
    assert report is not None
    client.force_login(docent)
    page = client.get(reverse("reports:report_detail", args=[report.session_id]))
    assert page.status_code == 200
    response = client.get(reverse("reports:report_docx", args=[report.session_id]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    assert report.session.agreements.get().text in text
    if pdf_available():
        response = client.get(reverse("reports:report_pdf", args=[report.session_id]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    results = quality.group_results(report.session.group)
    assert results.any_shown


def test_demo_school_has_its_holidays_and_no_session_falls_in_one(demo_school):
    from django.utils import timezone

    from samenspraak.planning.models import Holiday, Session

    holidays = list(Holiday.objects.filter(school=demo_school))
    assert {h.name for h in holidays} >= {"Herfstvakantie", "Kerstvakantie", "Zomervakantie"}
    load_demo()
    assert Holiday.objects.filter(school=demo_school).count() == len(holidays)  # idempotent
    days = [timezone.localtime(s.starts_at).date() for s in Session.objects.exclude(cycle=None)]
    assert days
    assert not [d for d in days for h in holidays if h.first_day <= d <= h.last_day]
