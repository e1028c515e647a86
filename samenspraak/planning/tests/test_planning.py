"""Planning as a leader, a facilitator and a teacher meet it: cycles with a cadence,
sessions with invitations (.ics read back with icalendar), edits that ask first, held
sessions untouched, the work form as a snapshot."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from samenspraak.methods.models import Method
from samenspraak.planning import services
from samenspraak.planning.models import Cycle, Session, SessionStatus


def next_year() -> int:
    return timezone.localdate().year + 1


def cycle_post(group, ambition, **changes) -> dict:
    year = next_year()
    data = {
        "school": group.school_id,
        "title": "Leesvaardigheid in de sectie",
        "group": group.pk,
        "ambitions": [ambition.pk],
        "goal": "Samen ontdekken wat werkt bij begrijpend lezen.",
        "pdca_phase": "plan",
        "structure": "own",
        "period_start": f"{year}-09-01",
        "period_end": f"{year + 1}-01-31",
        "every_weeks": 6,
        "weekday": 1,
        "dates": "",
        "start_time": "15:30",
        "duration_minutes": 60,
        "place": "Lokaal 2.14",
        "facilitator": "",
    }
    data.update(changes)
    return data


def ics_of(message) -> Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


@pytest.fixture
def planned_cycle(client, leader, group, ambition) -> Cycle:
    client.force_login(leader)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("planning:cycle_create"), cycle_post(group, ambition))
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    return Cycle.objects.get()


def test_leader_plans_a_six_weekly_cycle_and_everyone_is_invited(planned_cycle, teacher, group):
    sessions = list(planned_cycle.sessions.order_by("starts_at"))
    assert len(sessions) == 4
    assert all(timezone.localtime(s.starts_at).weekday() == 1 for s in sessions)
    assert timezone.localtime(sessions[0].starts_at).strftime("%H:%M") == "15:30"
    to_teacher = [m for m in mail.outbox if m.to == [teacher.email]]
    assert len(to_teacher) == 4
    calendar = ics_of(to_teacher[0])
    assert calendar["method"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == sessions[0].ics_uid
    assert event["dtstart"].dt == sessions[0].starts_at
    assert str(event["summary"]) == "Leesvaardigheid in de sectie"
    assert str(event["location"]) == "Lokaal 2.14"


def test_a_cycle_of_one_session_says_so(client, leader, group, ambition):
    leader.language = "nl"
    leader.save()
    client.force_login(leader)
    year = next_year()
    one = cycle_post(group, ambition, period_start=f"{year}-09-01", period_end=f"{year}-09-10")
    response = client.post(reverse("planning:cycle_create"), one, follow=True)
    assert Session.objects.count() == 1
    said = [str(m) for m in response.context["messages"]]
    assert said == ["De cyclus is gepland met 1 sessie; de deelnemers zijn uitgenodigd."]


def test_editing_the_cadence_asks_before_moving_planned_sessions(
    client, leader, planned_cycle, group, ambition
):
    client.force_login(leader)
    url = reverse("planning:cycle_edit", args=[planned_cycle.pk])
    wednesday = cycle_post(group, ambition, weekday=2)
    response = client.post(url, wednesday)
    assert response.status_code == 200
    assert 'id="cadence-change"' in response.content.decode()
    assert all(timezone.localtime(s.starts_at).weekday() == 1 for s in planned_cycle.sessions.all())
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, wednesday | {"confirm": "yes"})
    assert response.status_code == 302
    planned = planned_cycle.sessions.exclude(status=SessionStatus.CANCELLED)
    assert all(timezone.localtime(s.starts_at).weekday() == 2 for s in planned)
    updates = [ics_of(m).walk("VEVENT")[0] for m in mail.outbox]
    assert updates and all(int(e["sequence"]) >= 1 for e in updates)


def test_held_sessions_are_never_touched(client, leader, planned_cycle, group, ambition):
    first = planned_cycle.sessions.order_by("starts_at").first()
    first.status = SessionStatus.HELD
    first.save()
    held_at = first.starts_at
    client.force_login(leader)
    client.post(
        reverse("planning:cycle_edit", args=[planned_cycle.pk]),
        cycle_post(group, ambition, every_weeks="", weekday="", dates=f"{next_year()}-10-01")
        | {"confirm": "yes"},
    )
    first.refresh_from_db()
    assert first.status == SessionStatus.HELD and first.starts_at == held_at
    remaining = planned_cycle.sessions.exclude(status=SessionStatus.CANCELLED).exclude(pk=first.pk)
    assert [timezone.localtime(s.starts_at).date() for s in remaining] == [date(next_year(), 10, 1)]


def test_a_cadence_without_day_or_dates_is_refused(client, leader, group, ambition):
    client.force_login(leader)
    response = client.post(
        reverse("planning:cycle_create"), cycle_post(group, ambition, weekday="")
    )
    assert response.status_code == 400
    assert not Cycle.objects.exists()


def test_a_cadence_that_plans_too_many_sessions_is_refused(client, leader, group, ambition):
    client.force_login(leader)
    year = next_year()
    response = client.post(
        reverse("planning:cycle_create"),
        cycle_post(
            group,
            ambition,
            every_weeks=1,
            period_start=f"{year}-01-01",
            period_end=f"{year + 2}-12-31",
        ),
    )
    assert response.status_code == 400
    assert not Session.objects.exists()


def test_teacher_cannot_plan(client, teacher, group, ambition):
    client.force_login(teacher)
    assert client.get(reverse("planning:cycle_create")).status_code == 404
    assert (
        client.post(reverse("planning:cycle_create"), cycle_post(group, ambition)).status_code
        == 404
    )


def session_post(group, **changes) -> dict:
    start = timezone.localtime() + timedelta(days=10)
    data = {
        "school": group.school_id,
        "title": "Incident in 2B",
        "group": group.pk,
        "orientation": "horizontal",
        "structure": "intervision",
        "facilitator": "",
        "occasion": "Een les die uit de hand liep.",
        "goal": "Handelingsopties verkennen.",
        "shared_interest": "Rust in de klas, zodat leerlingen kunnen leren.",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 90,
        "place": "Mediatheek",
        "video_link": "",
        "extra_ground_rules": "",
        "preparation": "",
        "preparation_deadline": "",
    }
    data.update(changes)
    return data


def test_session_update_and_cancellation_keep_the_uid(client, facilitator, group, teacher):
    client.force_login(facilitator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("planning:session_create"), session_post(group))
    session = Session.objects.get()
    first = ics_of([m for m in mail.outbox if m.to == [teacher.email]][-1]).walk("VEVENT")[0]
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("planning:session_edit", args=[session.pk]), session_post(group, place="Aula")
        )
    update = ics_of([m for m in mail.outbox if m.to == [teacher.email]][-1]).walk("VEVENT")[0]
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("planning:session_cancel", args=[session.pk]))
    cancel_mail = [m for m in mail.outbox if m.to == [teacher.email]][-1]
    cancel = ics_of(cancel_mail)
    assert str(first["uid"]) == str(update["uid"]) == str(cancel.walk("VEVENT")[0]["uid"])
    assert (
        int(first["sequence"]) < int(update["sequence"]) < int(cancel.walk("VEVENT")[0]["sequence"])
    )
    assert str(update["location"]) == "Aula"
    assert cancel["method"] == "CANCEL"
    assert str(cancel.walk("VEVENT")[0]["status"]) == "CANCELLED"


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_at": "9999-12-31T23:59"},  # its end, 90 minutes on, is past the year 9999
        {"starts_at": "0001-01-01T00:00"},  # in UTC that is before the year 1
        {"preparation": "starrt", "preparation_deadline": "0001-01-01T00:00"},
    ],
)
def test_a_session_in_a_year_no_school_plans_in_is_refused(client, facilitator, group, changes):
    client.force_login(facilitator)
    response = client.post(reverse("planning:session_create"), session_post(group, **changes))
    assert response.status_code == 400
    assert "Kies een datum in de jaren 2000 tot en met 2099." in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"period_start": "9999-01-01", "period_end": "9999-12-31"},  # the cadence runs past 9999
        {"period_start": "0001-01-01", "period_end": "0001-12-31"},
        {"every_weeks": "", "weekday": "", "dates": "2026-10-01, 9999-12-31"},
    ],
)
def test_a_cycle_in_a_year_no_school_plans_in_is_refused(client, leader, group, ambition, changes):
    client.force_login(leader)
    response = client.post(reverse("planning:cycle_create"), cycle_post(group, ambition, **changes))
    assert response.status_code == 400
    assert "Kies een datum in de jaren 2000 tot en met 2099." in response.content.decode()
    assert not Cycle.objects.exists()


@pytest.mark.parametrize("wanted", ["²", "1" * 5000])
@pytest.mark.parametrize("page", ["planning:session_create", "planning:cycle_create"])
def test_a_school_that_is_no_id_is_the_one_they_plan_in(client, leader, wanted, page):
    """A superscript two is a digit to isdigit, but no int; nor are 5,000 digits."""
    client.force_login(leader)
    assert client.get(reverse(page), {"school": wanted}).status_code == 200


def test_session_without_group_or_invitees_is_refused(client, facilitator, group):
    client.force_login(facilitator)
    response = client.post(reverse("planning:session_create"), session_post(group) | {"group": ""})
    assert response.status_code == 400
    assert not Session.objects.exists()


def test_invitees_across_groups_are_participants(client, facilitator, group, support):
    client.force_login(facilitator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("planning:session_create"), session_post(group, invitees=[support.pk]))
    session = Session.objects.get()
    assert support in services.participants(session)
    assert any(m.to == [support.email] for m in mail.outbox)
    client.force_login(support)
    assert client.get(reverse("planning:session_detail", args=[session.pk])).status_code == 200


def test_attaching_a_work_form_keeps_a_snapshot_and_warns_about_timings(client, facilitator, group):
    client.force_login(facilitator)
    client.post(reverse("planning:session_create"), session_post(group, duration_minutes=60))
    session = Session.objects.get()
    incident = Method.objects.builtin().get(slug="incident-method")
    response = client.post(
        reverse("planning:session_method", args=[session.pk]), {"method": incident.pk}, follow=True
    )
    session.refresh_from_db()
    assert session.method_snapshot.data["slug"] == "incident-method"
    assert "90" in response.content.decode() and "60" in response.content.decode()


def test_session_page_shows_the_ground_rules(client, teacher, group, facilitator):
    session = Session.objects.create(
        school=group.school,
        group=group,
        title="Sessie",
        starts_at=timezone.now() + timedelta(days=2),
        extra_ground_rules="Telefoons weg.",
    )
    client.force_login(teacher)
    html = client.get(reverse("planning:session_detail", args=[session.pk])).content.decode()
    assert "We komen samen om te leren, niet om te oordelen." in html
    assert "Telefoons weg." in html


def test_my_sessions_lists_what_is_coming(client, teacher, group, other_group):
    mine = Session.objects.create(
        school=group.school,
        group=group,
        title="Mijn sessie",
        starts_at=timezone.now() + timedelta(days=3),
    )
    Session.objects.create(
        school=other_group.school,
        group=other_group,
        title="Andere school",
        starts_at=timezone.now() + timedelta(days=3),
    )
    client.force_login(teacher)
    html = client.get(reverse("planning:my_sessions")).content.decode()
    assert mine.title in html and "Andere school" not in html


def test_leader_sees_planned_dialogues_per_ambition_and_ambitions_without(
    client, leader, planned_cycle, school
):
    from samenspraak.schools.models import Ambition

    Ambition.objects.create(
        school=school, title="Zonder dialoog", period_start=2024, period_end=2028
    )
    client.force_login(leader)
    html = client.get(reverse("planning:school_plan", args=[school.pk])).content.decode()
    assert planned_cycle.title in html and "Zonder dialoog" in html
    assert "Er is nog geen dialoog gepland voor deze ambitie." in html


def test_sessions_can_be_filtered_by_the_structure_they_sit_in(client, teacher, group):
    Session.objects.create(
        school=group.school,
        group=group,
        title="Intervisie",
        structure="intervision",
        starts_at=timezone.now() + timedelta(days=3),
    )
    Session.objects.create(
        school=group.school,
        group=group,
        title="Studiedag",
        structure="study_day",
        starts_at=timezone.now() + timedelta(days=4),
    )
    client.force_login(teacher)
    html = client.get(reverse("planning:my_sessions"), {"structure": "study_day"}).content.decode()
    assert "Studiedag" in html and ">Intervisie<" not in html
    everything = client.get(reverse("planning:my_sessions"), {"structure": "nonsense"})
    assert everything.status_code == 200 and "Studiedag" in everything.content.decode()


def test_the_join_code_is_shown_to_planners_not_to_participants(client, teacher, leader, group):
    session = Session.objects.create(
        school=group.school,
        group=group,
        title="Sessie",
        starts_at=timezone.now() + timedelta(days=3),
    )
    client.force_login(leader)
    assert (
        session.join_code
        in client.get(reverse("planning:session_detail", args=[session.pk])).content.decode()
    )
    client.force_login(teacher)
    assert (
        session.join_code
        not in client.get(reverse("planning:session_detail", args=[session.pk])).content.decode()
    )


def test_reading_the_default_ground_rules_writes_nothing(client, school, admin):
    from samenspraak.planning.models import GroundRule
    from samenspraak.planning.services import DEFAULT_GROUND_RULES

    client.force_login(admin)
    response = client.get(reverse("planning:ground_rules", args=[school.pk]))
    assert response.status_code == 200
    assert DEFAULT_GROUND_RULES[0] in response.content.decode()
    assert not GroundRule.objects.exists()
