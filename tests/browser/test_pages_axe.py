"""The main pages in a real browser: no axe-core violations, usable with the keyboard
alone, Dutch first with an English switch.

Each test signs in through the real login form, as the persona that may see the page.
"""

import re
import time
from dataclasses import dataclass
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from samenspraak.planning.models import Holiday
from samenspraak.schools import services
from samenspraak.schools.models import Membership, Role

pytestmark = pytest.mark.browser

AXE = Axe()
OVERVIEW = re.compile(r"/overview/$")


# --- Helpers ------------------------------------------------------------------------------


def axe_report(results) -> str:
    lines = []
    for violation in results.response["violations"]:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"\n    {violation.get('helpUrl', '')}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node.get('html', '')[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page, label: str) -> None:
    page.wait_for_load_state()
    try:
        results = AXE.run(page)
    except PlaywrightError as error:
        # A click just before may still be navigating: check the page it lands on.
        if "context was destroyed" not in str(error):
            raise
        page.wait_for_load_state()
        results = AXE.run(page)
    assert results.violations_count == 0, (
        f"axe-core found {results.violations_count} violation(s) on {label} "
        f"({page.url}):\n{axe_report(results)}"
    )


def assert_dutch_page(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def login_form(page: Page):
    return page.locator("form", has=page.locator('input[name="password"]'))


def submit_button(form):
    return form.locator('button[type="submit"], input[type="submit"], button:not([type])').first


def log_in(page: Page, user) -> None:
    page.goto(reverse("accounts:login"))
    form = login_form(page)
    form.locator('input[name="email"]').fill(user.email)
    form.locator('input[name="password"]').fill(PASSWORD)
    submit_button(form).click()
    expect(page).to_have_url(OVERVIEW)


def visit(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path} answered {response.status}, expected {status}"


def switch_language(page: Page, code: str) -> None:
    """Use the language switcher as a person would: its button, or its select + button."""
    form = page.locator(f'form[action="{reverse("accounts:language")}"]').first
    expect(form).to_be_attached()
    button = form.locator(f'button[name="language"][value="{code}"]')
    if button.count():
        button.first.click()
    else:
        select = form.locator('select[name="language"]')
        assert select.count(), "the language switcher has neither a button nor a select"
        select.select_option(code)
        submit_button(form).click()
    expect(page.locator("html")).to_have_attribute("lang", code)


# --- Data ---------------------------------------------------------------------------------


@pytest.fixture
def world(personas, group, other_group, ambition):
    """Every persona, a group with an ambition, and one open invitation."""
    services.member_invite(
        school=group.school,
        by=personas["admin"],
        email="nieuw@linde.test",
        name="Nina Nieuw",
        roles=[Role.TEACHER],
        groups=[group],
    )
    school = group.school
    Holiday.objects.create(
        school=school, name="Kerstvakantie", first_day=date(2026, 12, 19), last_day=date(2027, 1, 3)
    )
    return {
        **personas,
        "school": school,
        "group": group,
        "ambition": ambition,
        "teacher_membership": Membership.objects.get(user=personas["teacher"], school=school),
    }


@dataclass(frozen=True)
class Screen:
    persona: str
    url_name: str
    args: tuple[str, ...] = ()  # keys of `world` whose primary keys go into the URL

    def url(self, world: dict) -> str:
        return reverse(self.url_name, args=[world[key].pk for key in self.args])


SCREENS = {
    "overview-admin": Screen("admin", "core:overview"),
    "overview-teacher": Screen("teacher", "core:overview"),
    "profile": Screen("teacher", "accounts:profile"),
    "password-change": Screen("teacher", "accounts:password_change"),
    "member-list": Screen("admin", "schools:member_list", ("school",)),
    "member-invite": Screen("admin", "schools:member_invite", ("school",)),
    "member-import": Screen("admin", "schools:member_import", ("school",)),
    "member-edit": Screen("admin", "schools:member_edit", ("school", "teacher_membership")),
    "group-list": Screen("admin", "schools:group_list", ("school",)),
    "group-list-teacher": Screen("teacher", "schools:group_list", ("school",)),
    "group-new": Screen("admin", "schools:group_create", ("school",)),
    "group-detail": Screen("admin", "schools:group_detail", ("group",)),
    "group-detail-teacher": Screen("teacher", "schools:group_detail", ("group",)),
    "group-edit": Screen("admin", "schools:group_edit", ("group",)),
    "group-members": Screen("admin", "schools:group_members", ("group",)),
    "ambition-list": Screen("teacher", "schools:ambition_list", ("school",)),
    "ambition-list-leader": Screen("leader", "schools:ambition_list", ("school",)),
    "ambition-detail": Screen("teacher", "schools:ambition_detail", ("ambition",)),
    "ambition-new": Screen("leader", "schools:ambition_create", ("school",)),
    "ambition-edit": Screen("leader", "schools:ambition_edit", ("ambition",)),
    "holidays": Screen("admin", "planning:holidays", ("school",)),
    "delete-me": Screen("teacher", "reports:delete_me"),
    "retention": Screen("admin", "planning:retention", ("school",)),
}


# --- Pages --------------------------------------------------------------------------------


def test_login_page_is_dutch_and_accessible(page, db):
    visit(page, reverse("accounts:login"))
    assert_dutch_page(page)
    expect(page.locator("body")).to_contain_text("Wachtwoord")
    expect(page).to_have_title(re.compile(r"\S"))
    assert_accessible(page, "the login page")


def test_login_error_is_accessible(page, teacher):
    page.goto(reverse("accounts:login"))
    form = login_form(page)
    form.locator('input[name="email"]').fill(teacher.email)
    form.locator('input[name="password"]').fill("not-the-password")
    submit_button(form).click()
    expect(page.locator('input[name="email"]')).to_have_value(teacher.email)
    assert page.url.endswith(reverse("accounts:login"))
    assert_dutch_page(page)
    assert_accessible(page, "the login page with an error")


def test_password_reset_page_is_accessible(page, db):
    visit(page, reverse("accounts:password_reset"))
    assert_dutch_page(page)
    assert_accessible(page, "the password reset page")


def test_not_found_page_is_accessible(page, db):
    visit(page, "/this-page-does-not-exist/", status=404)
    assert_dutch_page(page)
    assert_accessible(page, "the 404 page")


def test_not_found_page_signed_in_is_accessible(page, world):
    log_in(page, world["teacher"])
    visit(page, reverse("schools:group_detail", args=[987654]), status=404)
    assert_dutch_page(page)
    assert_accessible(page, "the 404 page, signed in")


@pytest.mark.parametrize("name", list(SCREENS))
def test_signed_in_page_is_accessible(page, world, name):
    screen = SCREENS[name]
    log_in(page, world[screen.persona])
    visit(page, screen.url(world))
    assert_dutch_page(page)
    expect(page.locator("h1").first).to_be_visible()
    assert_accessible(page, f"{name} (as {screen.persona})")


# --- Keyboard -----------------------------------------------------------------------------

FOCUS_TOP = (
    "() => { const b = document.body; b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex'); }"
)
ACTIVE = (
    "() => { const e = document.activeElement;"
    " return e ? {tag: e.tagName, name: e.getAttribute('name'), href: e.getAttribute('href'),"
    " text: (e.textContent || '').trim()} : null; }"
)
SKIP_TARGET = (
    "id => { const t = document.getElementById(id); if (!t) return null;"
    " return {tag: t.tagName, inMain: !!t.closest('main'), hasMain: !!t.querySelector('main')}; }"
)
SHOWN = (
    "() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
    " const s = getComputedStyle(e);"
    " return {x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom,"
    " vw: innerWidth, vh: innerHeight, opacity: s.opacity, visibility: s.visibility,"
    " clip: s.clip, clipPath: s.clipPath}; }"
)


def _is_shown(box: dict) -> bool:
    return (
        box["w"] >= 8
        and box["h"] >= 8
        and box["x"] >= 0
        and box["y"] >= 0
        and box["right"] <= box["vw"]
        and box["bottom"] <= box["vh"]
        and float(box["opacity"]) > 0.5
        and box["visibility"] == "visible"
        and box["clip"] in ("auto", "")
        and box["clipPath"] in ("none", "")
    )


def test_keyboard_skip_link_and_login(page, teacher):
    page.goto(reverse("accounts:login"))
    # Start from the top of the document, as after loading a page without autofocus.
    page.evaluate(FOCUS_TOP)
    page.keyboard.press("Tab")
    first = page.evaluate(ACTIVE)
    assert first and first["tag"] == "A" and (first["href"] or "").startswith("#"), (
        f"the first Tab stop should be the skip link, got {first}"
    )
    target = page.evaluate(SKIP_TARGET, first["href"][1:])
    assert target and (target["tag"] == "MAIN" or target["inMain"] or target["hasMain"]), (
        f"the skip link {first['href']} should lead to the main content, got {target}"
    )
    box = page.evaluate(SHOWN)
    deadline = time.monotonic() + 2  # allow a short CSS transition
    while not _is_shown(box) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        box = page.evaluate(SHOWN)
    assert _is_shown(box), f"the focused skip link is not visible on screen: {box}"

    # Follow the skip link, then Tab to the e-mail field and sign in without a mouse.
    page.keyboard.press("Enter")
    for _ in range(30):
        if (page.evaluate(ACTIVE) or {}).get("name") == "email":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the e-mail field after the skip link")
    page.keyboard.type(teacher.email)
    page.keyboard.press("Tab")
    assert (page.evaluate(ACTIVE) or {}).get("name") == "password", (
        "Tab from the e-mail field should reach the password field"
    )
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(OVERVIEW)
    expect(page.locator("h1").first).to_be_visible()


# --- Language -----------------------------------------------------------------------------


def test_language_switcher_turns_the_page_english(page, db):
    page.goto(reverse("accounts:login"))
    assert_dutch_page(page)
    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("body")).to_contain_text("Password")
    assert_accessible(page, "the login page in English")
    # The choice sticks on the next page, and switching back works too.
    page.goto(reverse("accounts:password_reset"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_language(page, "nl")
    assert_dutch_page(page)
