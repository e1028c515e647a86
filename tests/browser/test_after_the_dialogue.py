"""After the dialogue, tried as a new user would in real browsers (issue 6, "Done when"):
a live session with a check-out from the library on a real uvicorn server (the pattern of
test_room_kinds.py and test_full_sessions.py, with its own seed); then the facilitator edits
and publishes the report, and the facilitator and a team member download the PDF and the
DOCX, which are read back; the action point captured live comes back at the start of the
next session of the cycle (on its page and in its live room's waiting view); the team fills
in the dialogue-quality check: with four answers the group's trend stays hidden, with five
it appears. axe on every page on the way.

Elements are found by ids, data attributes and addresses, never by interface text (the
interface is Dutch)."""

import io
import os
import re
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD, require
from samenspraak.followup import quality
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.live_screens import watch_console
from tests.browser.test_full_sessions import (
    capture,
    end_room,
    patient_expect,  # noqa: F401  (the autouse fixture: patient expectations)
)
from tests.browser.test_live_room import (
    Screen,
    Server,
    open_screen,
    screens,  # noqa: F401  (the fixture)
    write_note,
)
from tests.browser.test_pages_axe import assert_accessible, log_in
from tests.browser.test_room_kinds import open_room
from tests.live_server_util import (
    SCHOOL_SEED,
    Servers,
    base_env,
    fresh_postgres,
    migrate_and_seed,
    uvicorn_installed,
)

pytestmark = pytest.mark.browser

# Runs after SEED_PRELUDE (Django set up) against the server's database: a section with a
# facilitator and six team members, a cycle of two sessions: the check-out "plus and delta"
# from the library now, and a next session three weeks later.
SEED = (
    SCHOOL_SEED
    + r"""


facilitator, teachers, group = section(6)
today = date.today()
cycle = Cycle.objects.create(
    school=school, group=group, title="Rust in de les", goal="Samen een aanpak vinden",
    period_start=today - timedelta(days=30), period_end=today + timedelta(days=90),
    start_time="15:30", facilitator=facilitator,
)


def session(title, starts_at):
    method = Method.objects.get(slug="check-out-plus-delta", school__isnull=True)
    return Session.objects.create(
        school=school, group=group, cycle=cycle, title=title, facilitator=facilitator,
        occasion="Onrust bij de start van de les", goal="Een aanpak kiezen",
        starts_at=starts_at, duration_minutes=30, method_snapshot=snapshot_take(method=method),
        created_by=facilitator,
    )


first = session("Terugblik op de lesstart", timezone.now())
second = session("Vervolg: rust in de les", timezone.now() + timedelta(days=21))
print(json.dumps({
    "first": first.pk,
    "second": second.pk,
    "group": group.pk,
    "facilitator": {"email": facilitator.email, "name": facilitator.name},
    "teachers": [{"email": t.email, "name": t.name} for t in teachers],
}))
"""
)

WRITING = "Plussen en delta's opschrijven"  # the library's first phase title (nl)
NOTES = ("+ Iedereen kwam aan het woord", "Δ Minder tijd voor de inleiding", "+ Goede vragen")
INSIGHT = "Een rustige start helpt het gesprek"
ACTION = "Stiltekwartier uitproberen in 2B"
EDITED = "Rustmoment werkt ook bij de teamvergadering"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """uvicorn on a seeded SQLite file, or on a fresh PostgreSQL database (dropped
    afterwards) when DATABASE_URL is set."""
    require(uvicorn_installed(), "uvicorn and websockets are not installed (pip install -e .)")
    folder = tmp_path_factory.mktemp("after-the-dialogue")
    servers = Servers(folder)

    def start(env: dict) -> Server:
        data = migrate_and_seed(env, SEED, SEED_PASSWORD=PASSWORD)
        return Server(url=servers.start(env, "after"), data=data)

    try:
        if os.environ.get("DATABASE_URL"):
            with fresh_postgres(os.environ["DATABASE_URL"], "after") as url:
                yield start(base_env(folder, database_url=url))
                servers.stop()  # before the database is dropped
        else:
            yield start(base_env(folder))
    finally:
        servers.stop()


def signed_in(browser, server: Server, person: dict, path: str, opened: list) -> Screen:
    """An ordinary (not live) page for `person`, script errors collected like the live
    screens' (the `screens` fixture fails the test on any)."""
    context = browser.new_context(
        base_url=server.url,
        locale="nl-NL",
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    watch_console(page, problems, path)
    screen = Screen(context, page, problems)
    opened.append(screen)
    log_in(page, SimpleNamespace(email=person["email"]))
    page.goto(path)
    return screen


def pdf_text(data: bytes) -> str:
    """The text runs of a WeasyPrint PDF (there is no pypdf or pdftotext here): inflate the
    streams, read the fonts' ToUnicode maps, decode every TJ array with each map in turn
    (the right font's map gives the text; the others give noise, which does no harm)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            streams.append(zlib.decompress(data[match.end() : end]))
        except zlib.error:
            continue
    maps = []
    for stream in (s for s in streams if b"begincmap" in s):
        table: dict[int, str] = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                table[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            pattern = rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>"
            for low, high, first in re.findall(pattern, block):
                for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    table[code] = chr(int(first, 16) + offset)
        maps.append(table)
    runs = []
    for stream in streams:
        for array in re.findall(rb"\[(.*?)\]\s*TJ", stream, re.S):
            digits = b"".join(re.findall(rb"<([0-9a-fA-F]*)>", array)).decode()
            codes = [int(digits[i : i + 4], 16) for i in range(0, len(digits), 4)]
            runs.extend("".join(table.get(code, "\ufffd") for code in codes) for table in maps)
    return "\n".join(runs)


def download(page, href: str) -> bytes:
    with page.expect_download() as started:
        page.locator(f'main a[href="{href}"]').click()
    with open(started.value.path(), "rb") as handle:
        return handle.read()


def read_back(page, session_id: int) -> tuple[str, str]:
    """Download the report as PDF and as DOCX from the report page; both must open."""
    from docx import Document

    pdf = download(page, reverse("reports:report_pdf", args=[session_id]))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    docx = download(page, reverse("reports:report_docx", args=[session_id]))
    document = Document(io.BytesIO(docx))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return pdf_text(pdf), "\n".join([p.text for p in document.paragraphs] + cells)


def test_after_a_live_session_report_review_and_quality_check(
    browser,
    server,
    screens,  # noqa: F811
    needs_pdf,
):
    first, second = server.data["first"], server.data["second"]
    boss, team = server.data["facilitator"], server.data["teachers"]
    owner = team[1]["name"]
    due = (date.today() + timedelta(days=14)).isoformat()

    # 1. The live session: three phones write, the facilitator reveals, captures an insight
    #    and an action point with an owner and a due date, and ends the room.
    console, projector, phones = open_room(browser, server, first, team[:3], screens)
    everyone = (console, projector, *phones)
    console.button("room.start").click()
    for screen in everyone:
        expect(screen.page.locator("#live-phase-title")).to_have_text(WRITING)
    for phone, note in zip(phones, NOTES, strict=True):
        write_note(phone, note)
    expect(console.page.locator("#live-notes-list li")).to_have_count(3)
    console.button("notes.reveal").click()
    for phone in phones:
        expect(phone.page.locator("#live-notes-list li")).to_have_count(3)
    capture(console, "insight", INSIGHT)
    capture(console, "action", ACTION, owner=owner, due=due)
    for phone in phones:
        captured = phone.page.locator("#live-captured")
        expect(captured).to_contain_text(INSIGHT)
        expect(captured).to_contain_text(ACTION)
        expect(captured).to_contain_text(owner)
    assert_accessible(console.page, "the console after capturing")
    assert_accessible(phones[0].page, "a phone with the revealed notes and what was captured")
    end_room(console, projector, phones)
    problems = [problem for screen in everyone for problem in screen.problems]
    assert not problems, "errors in the browser console:\n" + "\n".join(problems)
    for screen in everyone:  # the room is over: free the machine for what follows
        screen.context.close()
        screens.remove(screen)

    # 2. The report: from the session page the facilitator opens it, edits the insights,
    #    publishes it and downloads both files.
    detail = reverse("reports:report_detail", args=[first])
    edit = reverse("reports:report_edit", args=[first])
    facilitator = signed_in(
        browser, server, boss, reverse("planning:session_detail", args=[first]), screens
    ).page
    facilitator.locator(f'main a[href="{detail}"]').click()
    expect(facilitator).to_have_url(f"{server.url}{detail}")
    expect(facilitator.locator("main")).to_contain_text(ACTION)
    assert_accessible(facilitator, "the report (draft)")
    facilitator.locator(f'main a[href="{edit}"]').click()
    insights = facilitator.locator("#id_insights")
    expect(insights).to_have_value(re.compile(re.escape(INSIGHT)))
    assert_accessible(facilitator, "the report edit page")
    insights.fill(f"{insights.input_value().rstrip()}\n- {EDITED}")
    facilitator.locator('main form[method="post"] button[type="submit"]').click()
    expect(facilitator).to_have_url(f"{server.url}{detail}")
    expect(facilitator.locator("main")).to_contain_text(EDITED)
    publish = reverse("reports:report_publish", args=[first])
    facilitator.locator(f'form[action="{publish}"] button[type="submit"]').click()
    expect(facilitator.locator(".message--success")).to_be_visible()
    expect(facilitator.locator(f'form[action="{publish}"]')).to_have_count(0)
    assert_accessible(facilitator, "the published report (facilitator)")
    pdf, docx = read_back(facilitator, first)
    for text, kind in ((pdf, "PDF"), (docx, "DOCX")):
        for part in (EDITED, ACTION, INSIGHT):
            assert part in text, f"{part!r} not in the {kind} the facilitator downloaded"

    # A team member opens the published report from the session page and downloads it.
    member = signed_in(
        browser, server, team[4], reverse("planning:session_detail", args=[first]), screens
    ).page
    member.locator(f'main a[href="{detail}"]').click()
    main = member.locator("main")
    for part in (EDITED, ACTION, owner, NOTES[1]):
        expect(main).to_contain_text(part)
    expect(main.locator(f'a[href="{edit}"]')).to_have_count(0)
    assert_accessible(member, "the published report (team member)")
    pdf, docx = read_back(member, first)
    assert EDITED in pdf and ACTION in pdf
    assert EDITED in docx and ACTION in docx and owner in docx
    for name in (t["name"] for t in team[:3]):  # the notes were anonymous
        assert name not in docx.replace(owner, "")

    # 3. The next session of the cycle starts with the open action point: on its page and
    #    in its live room while it waits.
    member.goto(reverse("planning:session_detail", args=[second]))
    review = member.locator("section", has=member.locator("#review-heading"))
    expect(review).to_contain_text(ACTION)
    expect(review).to_contain_text(owner)
    assert_accessible(member, "the next session's page with the review")
    waiting = open_screen(browser, server, team[5], reverse("live:participant", args=[second]), 390)
    screens.append(waiting)
    expect(waiting.page.locator("#live-review-list")).to_contain_text(ACTION)
    expect(waiting.page.locator("#live-review-list")).to_contain_text(owner)
    assert_accessible(waiting.page, "the next session's live room, waiting")

    # 4. The team fills in the quality check of the first session: four answers show no
    #    figure and no chart; the fifth brings the group's trend.
    scan = reverse("quality:scan", args=[first])
    results = reverse("quality:results", args=[server.data["group"]])
    for number, person in enumerate(team[:5], start=1):
        page = (
            member
            if person is team[4]
            else signed_in(
                browser, server, person, reverse("planning:session_detail", args=[first]), screens
            ).page
        )
        if page is member:
            page.goto(reverse("planning:session_detail", args=[first]))
        page.locator(f'main a[href="{scan}"]').click()
        form = page.locator("form.quality-form")
        expect(form.locator('input[type="radio"]').first).to_be_visible()
        if number == 1:
            assert_accessible(page, "the quality check")
        for item in quality.SCAN.items:
            page.locator(f"#q-{item.key}-{2 + number % 3}").check()
        form.locator('button[type="submit"]').click()
        expect(page).to_have_url(f"{server.url}{results}")
        if number == 4:
            expect(page.locator("svg.chart")).to_have_count(0)
            expect(page.locator("td[colspan]").first).to_be_visible()
            assert_accessible(page, "the group's results with four answers")
            four = page
        if number == 5:
            expect(page.locator("svg.chart").first).to_be_visible()
            expect(page.locator("td[colspan]")).to_have_count(0)
            assert_accessible(page, "the group's results with five answers")
    four.reload()  # the fourth member sees the trend now too
    expect(four.locator("svg.chart").first).to_be_visible()
