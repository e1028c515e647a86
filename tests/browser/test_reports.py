"""The report and the portfolios in a real browser: the facilitator edits and publishes a
report, a teacher reads it and downloads the PDF and the DOCX (both read back), then opens
the group's portfolio and their own. axe on every page on the way.

Links and buttons are found by their address (the interface texts are not translated yet
when this runs on a branch)."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from samenspraak.followup import services
from samenspraak.followup.models import Reflection, Report, ReportStatus
from samenspraak.live.models import Contribution, Room
from samenspraak.planning.models import Session, SessionStatus
from tests.browser.test_pages_axe import assert_accessible, log_in

pytestmark = pytest.mark.browser
CANARY = "KANARIE-browser-reflectie-0f3a"


@pytest.fixture
def held(school, group, facilitator, teacher) -> Session:
    session = Session.objects.create(
        school=school,
        group=group,
        facilitator=facilitator,
        title="Lezen in de onderbouw",
        occasion="De leesresultaten dalen",
        goal="Samen een aanpak kiezen",
        starts_at=timezone.now() - timedelta(days=1),
        status=SessionStatus.HELD,
    )
    room = Room.objects.create(session=session, status="ended", revealed=[0])
    Contribution.objects.create(room=room, phase_index=0, text="Anoniem: meer leestijd")
    services.action_add(
        session=session, by=facilitator, text="Leeskist samenstellen", owners=[teacher],
        due_date=None,
    )  # fmt: skip
    services.insight_add(session=session, by=facilitator, text="Plezier gaat voor niveau")
    Reflection.objects.create(author=teacher, session=session, answers={"text": CANARY})
    return session


def test_facilitator_publishes_and_teacher_downloads(
    page: Page, browser, live_server, held, facilitator, teacher, group, needs_pdf
):
    detail = reverse("reports:report_detail", args=[held.pk])
    edit = reverse("reports:report_edit", args=[held.pk])
    publish = reverse("reports:report_publish", args=[held.pk])

    log_in(page, facilitator)
    page.goto(detail)
    assert_accessible(page, "the report (draft)")
    page.locator(f'a[href="{edit}"]').click()
    assert_accessible(page, "the report edit page")
    page.locator("#id_insights").fill("- Plezier gaat voor niveau\n- Lezen is van iedereen")
    page.locator('main form[method="post"] button[type="submit"]').click()
    expect(page).to_have_url(f"{live_server.url}{detail}")
    page.locator(f'form[action="{publish}"] button').click()
    expect(page.locator(".message--success")).to_be_visible()
    assert Report.objects.get(session=held).status == ReportStatus.PUBLISHED
    assert_accessible(page, "the published report, as its editor")

    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    reader = context.new_page()
    try:
        log_in(reader, teacher)
        reader.goto(detail)
        expect(reader.locator("main")).to_contain_text("Lezen is van iedereen")
        expect(reader.locator("main")).not_to_contain_text(CANARY)
        assert_accessible(reader, "the published report")

        with reader.expect_download() as pdf_download:
            reader.locator(f'a[href="{reverse("reports:report_pdf", args=[held.pk])}"]').click()
        pdf = pdf_download.value
        assert pdf.suggested_filename.endswith("-lezen-in-de-onderbouw.pdf")
        with open(pdf.path(), "rb") as handle:
            assert handle.read(5) == b"%PDF-"

        with reader.expect_download() as docx_download:
            reader.locator(f'a[href="{reverse("reports:report_docx", args=[held.pk])}"]').click()
        from docx import Document

        with open(docx_download.value.path(), "rb") as handle:
            document = Document(io.BytesIO(handle.read()))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "Lezen is van iedereen" in text and "Anoniem: meer leestijd" in text
        assert CANARY not in text

        reader.goto(reverse("reports:group_portfolio", args=[group.pk]))
        expect(reader.locator("main")).to_contain_text("Leeskist samenstellen")
        assert_accessible(reader, "the group portfolio")
        reader.goto(reverse("reports:my_portfolio"))
        expect(reader.locator("main")).to_contain_text(CANARY)  # my own reflection
        assert_accessible(reader, "my portfolio")

        # Unpublished: a draft again, out of the reader's sight.
        unpublish = reverse("reports:report_unpublish", args=[held.pk])
        page.locator(f'form[action="{unpublish}"] button').click()
        expect(page.locator(".message--success")).to_be_visible()
        assert Report.objects.get(session=held).status == ReportStatus.DRAFT
        assert reader.goto(detail).status == 404
    finally:
        context.close()


def test_recompile_confirmation_and_bad_input_are_accessible(page: Page, held, facilitator):
    from samenspraak.followup import report as reports

    reports.report_save(session=held, by=facilitator, bodies={"goal": "Met de hand"})
    log_in(page, facilitator)
    page.goto(reverse("reports:report_detail", args=[held.pk]))
    recompile = reverse("reports:report_recompile", args=[held.pk])
    page.locator(f'form[action="{recompile}"] button').click()
    expect(page.locator('input[name="replace_edits"]').first).to_be_visible()
    assert_accessible(page, "the recompile confirmation")

    page.goto(reverse("reports:report_edit", args=[held.pk]))
    goal = page.locator("#id_goal")
    assert goal.get_attribute("maxlength") == "20000"  # the browser stops it first
    goal.evaluate("element => element.removeAttribute('maxlength')")  # the server must too
    goal.fill("x" * 20_001)
    page.locator('main form[method="post"] button[type="submit"]').click()
    expect(page.locator(".field-errors").first).to_be_visible()
    assert_accessible(page, "the report edit page with an error")
    assert "Met de hand" in str(Report.objects.get(session=held).sections)


def test_the_facts_of_a_session_read_as_sentences_on_a_phone(page: Page, held, facilitator):
    """On a phone a term (Aanleiding, Doel, …) stands above its value, which gets the whole
    width: side by side, the longest term left the value a column a word or two wide."""
    Session.objects.filter(pk=held.pk).update(
        shared_interest="Leerlingen begrijpen beter wat ze lezen en leren van feedback."
    )
    log_in(page, facilitator)
    widths = "dl => [dl.clientWidth, ...[...dl.querySelectorAll('dd')].map(d => d.clientWidth)]"
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 700})
        page.goto(reverse("planning:session_detail", args=[held.pk]))
        whole, *values = page.locator("dl.facts").evaluate(widths)
        assert len(values) == 4 and all(value == whole for value in values), (width, whole, values)
    page.set_viewport_size({"width": 1280, "height": 800})  # side by side on a laptop
    page.reload()
    whole, *values = page.locator("dl.facts").evaluate(widths)
    assert all(0.5 * whole < value < whole for value in values), (whole, values)


def test_a_long_link_reflows_on_a_phone(page: Page, held, facilitator):
    """WCAG 1.4.10: at 320 CSS pixels a report with a long pasted link (and an agreement,
    an action point, a session goal holding one) scrolls one way only."""
    link = "https://example.org/?q=" + "leesplezier" * 30
    Session.objects.filter(pk=held.pk).update(goal=link, occasion=link)
    services.action_add(
        session=held, by=facilitator, text=link, owners=[facilitator], due_date=None
    )
    page.set_viewport_size({"width": 320, "height": 700})
    log_in(page, facilitator)
    for url in (
        reverse("reports:report_detail", args=[held.pk]),
        reverse("planning:session_detail", args=[held.pk]),
        reverse("followup:actions", args=[held.pk]),
    ):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (url, width)
