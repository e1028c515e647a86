"""School holidays: the admin keeps them; a cycle's rhythm plans no session in one (the
session moves to the same weekday after it); bad input changes nothing."""

from datetime import date, timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from samenspraak.core.models import AuditEntry
from samenspraak.planning.models import Cycle, Holiday
from samenspraak.planning.tests.test_planning import cycle_post, next_year


def add(client, school, **fields):
    data = {"action": "add", "name": "Kerstvakantie", **fields}
    return client.post(reverse("planning:holidays", args=[school.pk]), data)


def christmas() -> dict:
    year = next_year()
    return {"first_day": f"{year}-12-19", "last_day": f"{year + 1}-01-03"}


def test_the_admin_adds_a_holiday_and_a_new_cycle_plans_around_it(
    client, admin, leader, school, group, ambition
):
    client.force_login(admin)
    response = add(client, school, **christmas())
    assert response.status_code == 302
    holiday = Holiday.objects.get()
    assert (holiday.name, holiday.school) == ("Kerstvakantie", school)
    page = client.get(reverse("planning:holidays", args=[school.pk])).content.decode()
    assert "Kerstvakantie" in page
    assert AuditEntry.objects.filter(action="holiday.add").exists()

    client.force_login(leader)
    year = next_year()
    weekly = cycle_post(
        group, ambition, period_start=f"{year}-12-01", period_end=f"{year + 1}-01-31",
        every_weeks=1, weekday=date(year, 12, 1).weekday(),
    )  # fmt: skip
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(reverse("planning:cycle_create"), weekly).status_code == 302
    days = [timezone.localtime(s.starts_at).date() for s in Cycle.objects.get().sessions.all()]
    assert days and not any(holiday.first_day <= d <= holiday.last_day for d in days)
    assert (
        date(year + 1, 1, 3) < min(d for d in days if d.year == year + 1) <= date(year + 1, 1, 10)
    )  # the first week after the holiday
    assert len(days) == len(set(days))


def test_a_holiday_added_later_moves_planned_sessions_when_the_cycle_is_saved(
    client, admin, leader, school, group, ambition
):
    year = next_year()
    client.force_login(leader)
    every_six = cycle_post(group, ambition, period_start=f"{year}-11-01")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("planning:cycle_create"), every_six)
    cycle = Cycle.objects.get()
    before = sorted(timezone.localtime(s.starts_at).date() for s in cycle.sessions.all())
    client.force_login(admin)
    first_day = before[1] - timedelta(days=3)
    add(client, school, first_day=first_day, last_day=first_day + timedelta(days=8))
    client.force_login(leader)
    detail = reverse("planning:cycle_detail", args=[cycle.pk])
    assert client.get(detail).content.decode().count("tag--late") == 1  # named on the page
    edit = reverse("planning:cycle_edit", args=[cycle.pk])
    asked = client.post(edit, every_six).content.decode()
    assert 'id="cadence-change"' in asked  # it asks before moving a planned session
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(edit, {**every_six, "confirm": "yes"})
    after = sorted(timezone.localtime(s.starts_at).date() for s in cycle.sessions.all())
    assert "tag--late" not in client.get(detail).content.decode()
    assert after[1] == before[1] + timedelta(weeks=1)
    assert after[0] == before[0] and after[2:] == before[2:]


def test_bad_holidays_are_refused_and_change_nothing(client, admin, school):
    client.force_login(admin)
    year = next_year()
    for fields in (
        {"first_day": f"{year}-12-19", "last_day": f"{year}-12-01"},  # ends before it starts
        {"first_day": f"{year}-06-01", "last_day": f"{year}-12-01"},  # half a year
        {"first_day": "morgen", "last_day": f"{year}-12-01"},
        {"first_day": "1850-01-01", "last_day": "1850-01-02"},
        {**christmas(), "name": "   "},
        {**christmas(), "name": "x" * 81},
    ):
        response = add(client, school, **fields)
        assert response.status_code == 400, fields
        assert 'class="form-errors"' in response.content.decode() or "field-errors" in (
            response.content.decode()
        ), fields
    assert not Holiday.objects.exists()


def test_removing_a_holiday_and_a_forged_one(client, admin, school, other_school):
    client.force_login(admin)
    add(client, school, **christmas())
    mine = Holiday.objects.get()
    theirs = Holiday.objects.create(
        school=other_school, name="Elders", first_day=date(2030, 1, 1), last_day=date(2030, 1, 2)
    )
    url = reverse("planning:holidays", args=[school.pk])
    for forged in (theirs.pk, "abc", "9" * 30, ""):
        response = client.post(url, {"action": "remove", "holiday": forged})
        assert response.status_code == 400, forged
    assert Holiday.objects.count() == 2
    assert client.post(url, {"action": "remove", "holiday": mine.pk}).status_code == 302
    assert list(Holiday.objects.all()) == [theirs]
