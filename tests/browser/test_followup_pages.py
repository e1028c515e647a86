"""The follow-up pages in a real browser: agreements with a support check, action
points, 3xW feedback and reflections. axe-core finds nothing, with every <details> opened
and with form errors shown; a support check run through the page by two people."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from samenspraak.followup import services
from samenspraak.followup.models import ActionPoint
from samenspraak.followup.tests.test_agreements import make_session
from tests.browser.test_pages_axe import assert_accessible, log_in

pytestmark = pytest.mark.browser

OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


@pytest.fixture
def followup(personas, group, facilitator, teacher, support):
    session = make_session(group, facilitator, starts_at=timezone.now() - timedelta(days=1))
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Elke les tien minuten lezen.", anonymous=True
    )
    for person, answer, reason in (
        (teacher, "objection", "Dat kost lestijd."),
        (facilitator, "concern", "Wat met de toetsweek?"),
    ):
        services.support_give(
            agreement=agreement,
            voter=services.voter_key(person),
            name=person.name,
            answer=answer,
            reason=reason,
        )
    services.agreement_close_check(agreement=agreement, by=facilitator)
    named = services.agreement_propose(
        session=session, by=facilitator, text="Leeslijst delen.", anonymous=False
    )
    action = services.action_add(
        session=session,
        by=facilitator,
        text="Leeslijst opstellen",
        owners=[teacher],
        due_date=timezone.localdate() + timedelta(days=10),
        agreement=agreement,
    )
    dropped = services.action_add(
        session=session, by=facilitator, text="Boekenkast", owners=[teacher], due_date=None
    )
    services.action_set_status(action=dropped, by=teacher, status="dropped", reason="Te duur.")
    services.feedback_give(
        session=session, user=teacher, answers={"went_well": "Stilte", "take_away": "Vaker"}
    )
    reflection = services.reflection_save(
        author=teacher,
        form="starrt",
        answers={"situation": "Dinsdag", "reflection": "Meer rust"},
        session=session,
    )
    services.reflection_share_group(reflection=reflection, by=teacher, shared=True)
    services.reflection_set_coach(reflection=reflection, by=teacher, coach=support)
    return {
        **personas,
        "session": session,
        "agreement": agreement,
        "named": named,
        "action": action,
        "reflection": reflection,
    }


SCREENS = [
    ("facilitator", "followup:agreements", "session"),
    ("teacher", "followup:agreements", "session"),
    ("facilitator", "followup:actions", "session"),
    ("facilitator", "followup:action_edit", "action"),
    ("teacher", "followup:action_status", "action"),
    ("teacher", "followup:my_actions", None),
    ("teacher", "followup:feedback", "session"),
    ("facilitator", "followup:feedback", "session"),
    ("teacher", "followup:reflection_new", "session"),
    ("teacher", "followup:reflection_detail", "reflection"),
    ("support", "followup:reflection_detail", "reflection"),
    ("teacher", "followup:reflection_edit", "reflection"),
    ("teacher", "followup:reflection_delete", "reflection"),
    ("teacher", "followup:my_reflections", None),
    ("facilitator", "followup:my_reflections", None),
    ("teacher", "planning:session_detail", "session"),
    ("teacher", "core:overview", None),
]


def _visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)


@pytest.mark.parametrize(("persona", "name", "key"), SCREENS)
def test_followup_page_is_accessible(page, followup, persona, name, key):
    log_in(page, followup[persona])
    url = reverse(name, args=[followup[key].pk] if key else [])
    _visit(page, url)
    expect(page.locator("h1").first).to_be_visible()
    page.evaluate(OPEN_DETAILS)
    assert_accessible(page, f"{name} (as {persona})")


def test_the_starrt_form_is_accessible(page, followup):
    log_in(page, followup["facilitator"])
    _visit(page, reverse("followup:reflection_new", args=[followup["session"].pk]) + "?form=starrt")
    expect(page.locator('textarea[name="transfer"]')).to_be_visible()
    assert_accessible(page, "the STARR(T) reflection form")


def test_feedback_before_the_session_has_begun_is_accessible(page, followup):
    later = make_session(
        followup["session"].group,
        followup["facilitator"],
        title="Volgende keer",
        starts_at=timezone.now() + timedelta(days=3),
    )
    log_in(page, followup["teacher"])
    _visit(page, reverse("followup:feedback", args=[later.pk]))
    expect(page.locator("main")).to_contain_text("zodra de sessie is begonnen")
    expect(page.locator('textarea[name="went_well"]')).to_have_count(0)
    assert_accessible(page, "3xW feedback before the session has begun")


def test_form_errors_are_accessible(page, followup):
    log_in(page, followup["facilitator"])
    _visit(page, reverse("followup:actions", args=[followup["session"].pk]))
    add = page.locator("form", has=page.locator('textarea[name="text"]'))
    add.locator('button[type="submit"]').click()
    expect(page.locator(".field-errors").first).to_be_visible()
    assert_accessible(page, "the action form with errors")
    _visit(page, reverse("followup:feedback", args=[followup["session"].pk]))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".form-errors")).to_be_visible()
    assert_accessible(page, "the feedback form with an error")


def test_a_double_click_adds_one_action_point(page, followup):
    """A form posts once: a second submit while the next page loads is ignored (on a slow
    connection a double click could add the action point twice). A form a script takes
    over is left alone."""
    log_in(page, followup["facilitator"])
    _visit(page, reverse("followup:actions", args=[followup["session"].pk]))
    add = page.locator("form", has=page.locator('textarea[name="text"]'))
    # Two submit events in a row, as a double click gives: the second is held back.
    held = add.evaluate(
        """form => [1, 2].map(() => {
            const event = new SubmitEvent("submit", {bubbles: true, cancelable: true});
            form.dispatchEvent(event);
            return event.defaultPrevented;
        })"""
    )
    assert held == [False, True]
    taken_over = add.evaluate(
        """form => {
            form.addEventListener("submit", (e) => e.preventDefault(), {once: true});
            delete form.dataset.sentAt;
            form.dispatchEvent(new SubmitEvent("submit", {bubbles: true, cancelable: true}));
            return "sentAt" in form.dataset;
        }"""
    )
    assert taken_over is False
    _visit(page, reverse("followup:actions", args=[followup["session"].pk]))
    add.locator('textarea[name="text"]').fill("Leesouders vragen")
    add.get_by_label(followup["teacher"].name).check()
    add.locator('button[type="submit"]').dblclick()
    expect(page.locator(".messages")).to_be_visible()
    assert ActionPoint.objects.filter(text="Leesouders vragen").count() == 1


def test_a_support_check_through_the_pages(page, followup):
    """The teacher answers the named check with a concern; the facilitator closes it and
    the agreement is adopted, the reason shown with the teacher's name."""
    named = followup["named"]
    teacher = followup["teacher"]
    log_in(page, teacher)
    _visit(page, reverse("followup:agreements", args=[followup["session"].pk]))
    form = page.locator(f'form[action="{reverse("followup:agreement_support", args=[named.pk])}"]')
    form.locator("select").select_option("concern")
    form.locator("textarea").fill("Eerst de brugklas.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    page.context.clear_cookies()
    log_in(page, followup["facilitator"])
    _visit(page, reverse("followup:agreements", args=[followup["session"].pk]))
    card = page.locator("article", has=page.locator(f"#agreement-{named.pk}"))
    expect(card).to_contain_text(f"({teacher.name}): Eerst de brugklas.")
    close = reverse("followup:agreement_close", args=[named.pk])
    card.locator(f'form[action="{close}"] button').click()
    card = page.locator("article", has=page.locator(f"#agreement-{named.pk}"))
    expect(card.locator("[data-status]")).to_have_attribute("data-status", "adopted")
    assert_accessible(page, "the agreements page after closing a check")
