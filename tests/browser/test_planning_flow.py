"""Planning as a new user would do it: a leader plans a six-weekly cycle for a section,
attaches the incident method to the next session, adds test results that render as a
chart and asks for a STARR(T) preparation; a teacher gets a valid .ics, prepares, and the
facilitator sees "prepared", never the text. axe on every page on the way."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from samenspraak.planning.models import Cycle, Preparation
from tests.browser.test_pages_axe import assert_accessible, log_in

pytestmark = pytest.mark.browser
CANARY = "KANARIE-browser-voorbereiding-91c2"
RESULTS = "klas;gemiddelde;voldoende (%)\n1A;6,4;72\n1B;5,9;61\n2A;7,1;88\n2B;6,0;64\n"


def test_leader_plans_a_cycle_and_a_teacher_prepares(
    page: Page, leader, teacher, facilitator, group, ambition, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    year = timezone.localdate().year + 1

    # The leader plans a cycle from the section's page.
    log_in(page, leader)
    page.goto(reverse("schools:group_detail", args=[group.pk]))
    page.get_by_role("link", name="Een cyclus plannen").click()
    assert_accessible(page, "the cycle form")
    page.get_by_label("Titel").fill("Begrijpend lezen in de sectie")
    page.get_by_label(ambition.title).check()
    page.get_by_label("Doel van de cyclus").fill("Samen ontdekken wat werkt bij begrijpend lezen.")
    page.get_by_label("Vanaf").fill(f"{year}-09-01")
    page.get_by_label("Tot en met").fill(f"{year + 1}-01-31")
    page.get_by_label("Om de hoeveel weken").fill("6")
    page.get_by_label("Op", exact=True).select_option(label="dinsdag")
    page.get_by_label("Begintijd").fill("15:30")
    page.get_by_label("Duur (minuten)").fill("90")
    page.get_by_label("Gespreksleider").select_option(label=facilitator.name)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".message--success")).to_contain_text("4 sessies")
    assert_accessible(page, "the cycle page")
    cycle = Cycle.objects.get()
    session = cycle.sessions.order_by("starts_at").first()

    # The next session: the incident method, evidence and a STARR(T) preparation.
    page.get_by_role("link", name=re.compile(r"dinsdag")).first.click()
    assert_accessible(page, "the session page")
    page.get_by_role("link", name="De werkvorm kiezen").click()
    choice = page.get_by_label("Werkvorm")
    incident = choice.locator("option", has_text=re.compile(r"^Incidentmethode \("))
    choice.select_option(incident.first.get_attribute("value"))
    page.get_by_role("button", name="Koppelen").click()
    expect(page.locator("#method-heading")).to_be_visible()

    page.get_by_role("link", name="Document, link of datatabel toevoegen").click()
    assert_accessible(page, "the evidence form")
    csv = tmp_path / "toetsresultaten.csv"
    csv.write_text(RESULTS, encoding="utf-8")
    table_form = page.locator("fieldset", has=page.get_by_text("Een datatabel", exact=True))
    table_form.locator('input[type="file"]').set_input_files(str(csv))
    page.get_by_role("button", name="Datatabel toevoegen").click()
    page.get_by_role("checkbox", name="gemiddelde").check()
    page.get_by_role("button", name="Grafiek tekenen").click()
    chart = page.locator('svg[role="img"]')
    expect(chart).to_be_visible()
    assert "klas" in chart.locator("desc").text_content()
    assert_accessible(page, "the chart page")

    page.goto(reverse("planning:session_edit", args=[session.pk]))
    assert_accessible(page, "the session form")
    mail.outbox.clear()
    page.get_by_label("Aanleiding: de concrete reden voor deze dialoog").fill(
        "De toetsresultaten begrijpend lezen in klas 1 en 2 blijven achter."
    )
    page.get_by_label("Gedeeld belang: wat hebben leerlingen eraan?").fill(
        "Leerlingen begrijpen wat ze lezen, in elk vak."
    )
    page.get_by_label("Deelnemers vragen zich voor te bereiden").select_option(
        label="een STARR(T)-reflectie"
    )
    deadline = timezone.localtime(session.starts_at - timezone.timedelta(days=1))
    page.get_by_label("Voorbereiden vóór").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Opslaan en de deelnemers laten weten").click()
    expect(page.locator(".message--success")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    # The teacher's invitation carries a valid .ics for this very session.
    to_teacher = [m for m in mail.outbox if m.to == [teacher.email]]
    assert to_teacher, "the teacher got no update"
    _name, content, _type = to_teacher[-1].attachments[0]
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["uid"]) == session.ics_uid and event["dtstart"].dt == session.starts_at

    # The teacher prepares.
    log_in(page, teacher)
    page.goto(reverse("planning:session_detail", args=[session.pk]))
    page.get_by_role("link", name="Voorbereiden").click()
    assert_accessible(page, "the preparation form")
    page.get_by_label("Situatie: wanneer, waar, wie waren erbij?").fill(
        f"In 2B liep het mis. {CANARY}"
    )
    page.get_by_role("button", name="Mijn voorbereiding opslaan").click()
    expect(page.locator(".message--success")).to_contain_text("Alleen jij")
    assert Preparation.objects.filter(author=teacher).exists()
    page.get_by_role("button", name="Uitloggen").click()

    # The facilitator sees that the teacher prepared, not what.
    log_in(page, facilitator)
    page.goto(reverse("planning:session_detail", args=[session.pk]))
    people = page.locator("#people-heading + p + ul, #people-heading ~ ul").first
    expect(people).to_contain_text(f"{teacher.name} — voorbereid")
    assert CANARY not in page.content()
    assert_accessible(page, "the session page for the facilitator")


def test_planning_pages_are_accessible(page: Page, leader, teacher, school):
    log_in(page, leader)
    for url, label in (
        (reverse("planning:my_sessions"), "my sessions"),
        (reverse("planning:session_create"), "the session form"),
        (reverse("planning:school_plan", args=[school.pk]), "the school's plan"),
        (reverse("planning:calendar_settings"), "the calendar page"),
    ):
        page.goto(url)
        assert_accessible(page, label)
    page.goto(reverse("planning:calendar_settings"))
    page.get_by_role("button", name="Mijn agenda-adres maken").click()
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/calendar/.+\.ics$"))
    assert_accessible(page, "the calendar page with a feed address")


def test_a_long_list_of_colleagues_can_be_filtered(page: Page, leader, school, group):
    """ "Ook uitnodigen" lists every colleague: from 13 on it gets a filter. Typing narrows
    the list (accents and case aside); what is ticked stays in view; Enter in
    the filter sends nothing."""
    from conftest import make_person

    names = [f"Collega {letter}" for letter in "ABCDEFGHIJKL"] + ["Zoë Ëlberg", "Zora Smit"]
    for number, name in enumerate(names):
        make_person(school, f"collega{number}@linde.test", name)
    log_in(page, leader)
    page.goto(reverse("planning:session_create"))
    invite = page.get_by_role("group", name="Ook uitnodigen (uit andere groepen)")
    choices = invite.locator("label.choice")
    total = choices.count()
    assert total > 12
    invite.get_by_label("Collega C").check()
    search = invite.get_by_label("Zoek in de lijst")
    search.fill("qqq")
    expect(invite.locator("label.choice:visible")).to_have_text(["Collega C"])  # it is ticked
    search.fill("ZOE EL")
    expect(invite.locator("label.choice:visible")).to_have_text(["Collega C", "Zoë Ëlberg"])
    expect(invite).to_contain_text(f"2 van {total} getoond")
    assert_accessible(page, "the session form with a filtered list")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/sessions/new/$"))
    expect(page.locator(".field-errors")).to_have_count(0)  # not sent
    search.fill("")
    expect(choices.locator("visible=true")).to_have_count(total)
