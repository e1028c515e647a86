"""The dialogue-quality check, the group's results and the leadership view in a real
browser: the team fills in the check; with four answers the trend stays hidden, with
five it appears; the forms work by keyboard; axe finds nothing on any of the pages.

Locators are structural (ids, hrefs), not texts: the pages are translated later."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_person
from samenspraak.followup import quality
from samenspraak.followup.models import QualityResponse
from samenspraak.planning.models import Session, SessionStatus
from samenspraak.schools.models import GroupMember
from tests.browser.test_pages_axe import assert_accessible, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def held_session(school, group, facilitator, ambition):
    colleagues = []
    for n in range(4):
        person = make_person(school, f"team{n}@linde.test", f"Teamlid {n}", is_teacher=True)
        GroupMember.objects.create(group=group, user=person)
        colleagues.append(person)
    session = Session.objects.create(
        school=school,
        group=group,
        title="Intervisie lezen",
        facilitator=facilitator,
        starts_at=timezone.now() - timedelta(hours=2),
        status=SessionStatus.HELD,
    )
    return session, colleagues


def service_answer(person, session, score="4"):
    quality.answer_scan(
        user=person, session=session, data={item.key: score for item in quality.SCAN.items}
    )


def test_the_team_fills_in_the_check_and_the_trend_appears_at_five(
    page: Page, held_session, teacher, leader, school
):
    session, colleagues = held_session
    for person in colleagues[:3]:
        service_answer(person, session)

    log_in(page, teacher)
    page.goto(reverse("planning:session_detail", args=[session.pk]))
    page.locator(f'a[href="{reverse("quality:scan", args=[session.pk])}"]').click()
    form = page.locator("form.quality-form")
    expect(form.locator('input[type="radio"]')).to_have_count(13 * 5)
    assert_accessible(page, "the quality check")

    # Sending it half-filled: a clear message, nothing stored.
    page.locator("#q-equality-5").check()
    form.locator('button[type="submit"]').click()
    expect(page.locator("#form-error")).to_be_visible()
    expect(page.locator("#q-equality-5")).to_be_checked()  # what was chosen stays
    assert QualityResponse.objects.count() == 3
    assert_accessible(page, "the quality check with an error")

    # By keyboard: focus a radio group, arrow to a value (the browser checks it).
    page.locator("#q-reason-1").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#q-reason-2")).to_be_checked()
    for item in quality.SCAN.items:
        if item.key not in ("equality", "reason"):
            page.locator(f"#q-{item.key}-3").check()
    form.locator('button[type="submit"]').click()
    results = reverse("quality:results", args=[session.group_id])
    expect(page).to_have_url(f"{page.url.split('/groups/')[0]}{results}")
    assert QualityResponse.objects.count() == 4

    # Four answers: no figure, no chart.
    expect(page.locator("svg.chart")).to_have_count(0)
    expect(page.locator("td[colspan]").first).to_be_visible()
    assert_accessible(page, "the results with four answers")

    service_answer(colleagues[3], session)
    page.reload()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.locator("td[colspan]")).to_have_count(0)
    assert_accessible(page, "the results with five answers")

    page.goto(reverse("quality:safety", args=[session.group_id]))
    expect(page.locator('form.quality-form input[type="radio"]')).to_have_count(7 * 7)
    assert_accessible(page, "the safety scale")

    page.context.clear_cookies()
    log_in(page, leader)
    page.locator(f'a[href="{reverse("leadership:overview", args=[school.pk])}"]').click()
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page, "the leadership view")
    page.locator(f'a[href="{results}"]').first.click()
    expect(page.locator("svg.chart").first).to_be_visible()
