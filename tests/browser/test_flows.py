"""Whole tasks in the browser, as a new user would do them, with axe on every page met
on the way: inviting and joining, importing a staff list with a bad row, the remaining
account pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import run_queued_tasks
from samenspraak.schools.models import Membership
from tests.browser.test_pages_axe import assert_accessible, assert_dutch_page, log_in

pytestmark = pytest.mark.browser
NEW_PASSWORD = "een-lange-zin-als-wachtwoord"


def test_admin_invites_a_colleague_who_joins_by_the_mail_link(page: Page, admin, group):
    log_in(page, admin)
    page.get_by_role("link", name="Leden").click()
    page.get_by_role("link", name="Iemand uitnodigen").click()
    page.get_by_role("button", name="Uitnodiging versturen").click()  # empty form first
    expect(page.locator(".field-errors").first).to_be_visible()
    assert_accessible(page, "the invite form with errors")

    page.get_by_label("Naam").fill("Yara Haddad")
    page.get_by_label("E-mailadres").fill("yara.haddad@linde.test")
    page.get_by_label("docent").check()
    page.get_by_label(group.name).check()
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator(".message--success")).to_contain_text("Yara Haddad")
    page.get_by_role("button", name="Uitloggen").click()

    assert run_queued_tasks("send_invitation") == [True]  # what the worker does
    link = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    assert_dutch_page(page)
    assert_accessible(page, "the invitation page")
    page.get_by_label("Wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Wachtwoord nogmaals").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Meedoen").click()
    expect(page).to_have_url(re.compile(r"/overview/$"))
    expect(page.locator("main")).to_contain_text(group.name)

    page.get_by_role("button", name="Uitloggen").click()
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.locator("h1")).to_contain_text("niet geldig")
    assert_accessible(page, "the used invitation page")


def test_staff_list_with_a_bad_row_imports_nothing_and_names_the_row(page: Page, admin, tmp_path):
    staff = tmp_path / "personeel.csv"
    staff.write_text(
        "naam;e-mail;rollen\n"
        "Lotte Jansen;lotte.jansen@linde.test;docent\n"
        "Kees Fout;kees-zonder-apenstaart;docent\n",
        encoding="utf-8",
    )
    log_in(page, admin)
    page.goto(reverse("schools:member_import", args=[Membership.objects.get(user=admin).school_id]))
    page.get_by_label("Personeelslijst (CSV of XLSX)").set_input_files(str(staff))
    page.get_by_role("button", name="Controleren en importeren").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Regel 3")
    expect(errors).to_contain_text("kees-zonder-apenstaart")
    expect(errors).to_contain_text("Er is niets geïmporteerd")
    assert not Membership.objects.filter(user__email="lotte.jansen@linde.test").exists()
    assert_accessible(page, "the import page with errors")

    staff.write_text(
        "naam;e-mail;rollen\nLotte Jansen;lotte.jansen@linde.test;docent\n", encoding="utf-8"
    )
    page.get_by_label("Personeelslijst (CSV of XLSX)").set_input_files(str(staff))
    page.get_by_role("button", name="Controleren en importeren").click()
    expect(page.locator(".message--success")).to_contain_text("1 uitgenodigd")
    assert Membership.objects.filter(user__email="lotte.jansen@linde.test").exists()


def test_password_reset_pages_are_accessible(page: Page, teacher):
    page.goto(reverse("accounts:password_reset"))
    page.get_by_label("E-mailadres").fill(teacher.email)
    page.get_by_role("button", name="Link versturen").click()
    expect(page.locator("h1")).to_contain_text("Kijk in je e-mail")
    assert_accessible(page, "the reset-sent page")

    link = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    assert_accessible(page, "the choose-password page")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nieuw wachtwoord bevestigen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.locator("h1")).to_contain_text("opgeslagen")
    assert_accessible(page, "the reset-complete page")

    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.locator("h1")).to_contain_text("niet geldig")
    assert_accessible(page, "the used reset link page")


def test_password_change_done_page_is_accessible(page: Page, teacher):
    log_in(page, teacher)
    page.goto(reverse("accounts:password_change_done"))
    assert_accessible(page, "the password-changed page")


def test_phone_sized_overview_is_accessible(page: Page, teacher, group, ambition):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, teacher)
    expect(page.locator("main")).to_contain_text(group.name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    assert_accessible(page, "the overview on a phone")


def test_on_a_phone_the_menu_folds_behind_a_button(page: Page, browser, live_server, teacher):
    """At phone width the navigation, name, sign-out and language fold behind "Menu", so a
    page starts near the top; the button opens and closes it by keyboard too (Escape goes
    back to the button). Wide screens have no button; without scripts the menu shows."""
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    toggle = page.get_by_role("button", name="Menu", exact=True)
    log_in(page, teacher)
    expect(nav).to_be_visible()
    expect(toggle).to_be_hidden()

    page.set_viewport_size({"width": 320, "height": 740})
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 80, header
    assert_accessible(page, "the overview on a phone, menu closed")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Mijn sessies")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert_accessible(page, "the overview on a phone, menu open")
    nav.get_by_role("link", name="Mijn sessies").focus()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_focused()

    plain = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 320, "height": 740}
    )
    try:
        bare = plain.new_page()
        log_in(bare, teacher)
        expect(bare.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
        expect(bare.get_by_role("button", name="Menu", exact=True)).to_be_hidden()
    finally:
        plain.close()


def test_login_page_with_the_demo_hint_is_accessible(page: Page, db):
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    page.goto(reverse("accounts:login"))
    expect(page.locator("#demo-heading")).to_be_visible()
    assert_accessible(page, "the login page with the demo hint")
