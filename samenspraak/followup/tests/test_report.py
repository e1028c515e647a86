"""The session report: compiled from group data only, edited and published by the
facilitator or planners, read by participants once published, exported in three formats
that are read back here."""

import io
import logging
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from conftest import make_person, run_queued_tasks
from samenspraak.core.models import AuditEntry
from samenspraak.followup import report as reports
from samenspraak.followup import services
from samenspraak.followup.models import ActionStatus, Reflection, Report, ReportMailed, ReportStatus
from samenspraak.live.models import Cluster, Contribution, Participant, Room
from samenspraak.methods.models import MethodSnapshot
from samenspraak.planning.models import Preparation, Session, SessionStatus
from samenspraak.planning.services import participants
from samenspraak.schools.models import GroupMember

ANONYMOUS_TEXT = "Leerlingen lezen te weinig thuis"
NAMED_TEXT = "Meer tijd voor vrij lezen"
HIDDEN_TEXT = "VERBORGEN-notitie-7c1d"
REFLECTION_CANARY = "KANARIE-reflectie-91f2"
PREPARATION_CANARY = "KANARIE-voorbereiding-4a0e"
AUTHOR_NAME = "Wendelien Anoniemstra"
NAMED_AUTHOR = "Bartholomeus Naamgever"


def snapshot() -> MethodSnapshot:
    def phase(position, title, kind, hidden):
        return {
            "position": position,
            "title_nl": title,
            "title_en": title + " (en)",
            "kind": kind,
            "minutes": 10,
            "settings": {"hidden_until_revealed": hidden},
        }

    return MethodSnapshot.objects.create(
        data={
            "name_nl": "Stil schrijven",
            "name_en": "Silent writing",
            "phases": [
                phase(1, "Stil schrijven", "writing", True),  # revealed below
                phase(2, "Clusteren", "clustering", False),
                phase(3, "Geheime ronde", "writing", True),  # never revealed
            ],
        }
    )


@pytest.fixture
def session(school, group, facilitator, teacher) -> Session:
    """A held session with a live room: anonymous and named notes, themes, a hidden note,
    an agreement, an action point, an insight — and private things that must stay out."""
    session = Session.objects.create(
        school=school,
        group=group,
        facilitator=facilitator,
        title="Lezen in de onderbouw",
        occasion="De leesresultaten dalen",
        goal="Samen een aanpak kiezen",
        shared_interest="Leerlingen lezen met plezier",
        starts_at=timezone.now() - timedelta(days=2),
        status=SessionStatus.HELD,
        method_snapshot=snapshot(),
    )
    room = Room.objects.create(session=session, revealed=[0], status="ended")
    anonymous_writer = make_person(school, "anoniem@linde.test", AUTHOR_NAME, is_teacher=True)
    GroupMember.objects.create(group=group, user=anonymous_writer)
    named_writer = make_person(school, "naam@linde.test", NAMED_AUTHOR, is_teacher=True)
    Participant.objects.create(room=room, user=anonymous_writer)  # seated, wrote anonymously
    seat = Participant.objects.create(room=room, user=named_writer)
    theme = Cluster.objects.create(room=room, phase_index=1, title="Leestijd")
    Contribution.objects.create(room=room, phase_index=0, text=ANONYMOUS_TEXT, cluster=theme)
    Contribution.objects.create(
        room=room, phase_index=0, text=NAMED_TEXT, author=seat, created_at=timezone.now()
    )
    Contribution.objects.create(room=room, phase_index=2, text=HIDDEN_TEXT)
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Elke les tien minuten lezen", anonymous=True
    )
    services.support_give(agreement=agreement, voter="1", name="", answer="agree")
    services.support_give(
        agreement=agreement, voter="2", name="", answer="concern", reason="Tijd gaat af van stof"
    )
    services.agreement_close_check(agreement=agreement, by=facilitator)
    agreement.review_date = date(2027, 3, 1)
    agreement.outcome = "Aangenomen met zorg genoteerd"
    agreement.save()
    services.action_add(
        session=session,
        by=facilitator,
        text="Leeskist samenstellen",
        owners=[teacher],
        due_date=date(2027, 2, 1),
        agreement=agreement,
    )
    services.insight_add(session=session, by=facilitator, text="Plezier gaat voor niveau")
    Reflection.objects.create(author=teacher, session=session, answers={"text": REFLECTION_CANARY})
    Preparation.objects.create(
        session=session, author=teacher, answers={"p1": PREPARATION_CANARY}, shared=False
    )
    return session


def url(name, session):
    return reverse(f"reports:{name}", args=[session.pk])


def pdf_text(data_html: str) -> str:
    """The text WeasyPrint lays out on the pages (there is no pdftotext or pypdf here)."""
    document = reports.pdf_document(data_html)
    texts = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if hasattr(box, "text"):
                texts.append(box.text)
    return " ".join(texts), len(document.pages)


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


# --- Compiling ----------------------------------------------------------------------------


def held_room(school, group, facilitator, title: str, phases: list[dict]):
    """A session held yesterday with these phases, and its ended room."""
    session = Session.objects.create(
        school=school,
        group=group,
        facilitator=facilitator,
        title=title,
        starts_at=timezone.now() - timedelta(days=1),
        status=SessionStatus.HELD,
        method_snapshot=MethodSnapshot.objects.create(data={"name_nl": title, "phases": phases}),
    )
    return session, Room.objects.create(session=session, status="ended")


def test_3xw_notes_in_no_theme_make_a_list_per_question(school, group, facilitator):
    """The work form's output is three lists: notes answering a question (and sorted into
    no theme) are listed under it, in the order of the questions, in the report's
    language; a note in a theme stays in its theme, labelled with its question."""
    three = {
        "position": 1,
        "title_nl": "Goed, beter, meenemen",
        "kind": "feedback_3xw",
        "minutes": 6,
        "settings": {"hidden_until_revealed": False},
        "prompts_nl": "Wat ging goed?\nWat kan beter?\nWat neem je mee?",
        "prompts_en": "What went well?\nWhat could be better?\nWhat do you take away?",
    }
    session, room = held_room(school, group, facilitator, "Terugblik", [three])
    theme = Cluster.objects.create(room=room, phase_index=0, title="Tijd")
    for text, prompt, cluster in (
        ("Korter vergaderen", 1, None),
        ("Goede voorbereiding", 0, None),
        ("Vaker samen kijken", 2, None),
        ("Meer tijd", 1, theme),
        ("Zonder vraag", None, None),
    ):
        Contribution.objects.create(
            room=room, phase_index=0, text=text, prompt=prompt, cluster=cluster
        )
    themes = {s["key"]: s["body"] for s in reports.compile_sections(session, "nl")}["themes"]
    assert themes == (
        "Tijd:\n- Meer tijd (Wat kan beter?)\n\n"
        "Wat ging goed?\n- Goede voorbereiding\n\n"
        "Wat kan beter?\n- Korter vergaderen\n\n"
        "Wat neem je mee?\n- Vaker samen kijken\n\n"
        "Overige briefjes:\n- Zonder vraag"
    )
    english = {s["key"]: s["body"] for s in reports.compile_sections(session, "en")}["themes"]
    assert "What could be better?\n- Korter vergaderen" in english
    assert "- Meer tijd (What could be better?)" in english


def test_a_vote_the_room_saw_puts_the_most_dots_first(school, group, facilitator):
    """Themes and notes voted on show their dots, the most first; dots of a vote whose
    results the facilitator never showed stay out of the report, as they did in the room."""
    writing = {"position": 1, "title_nl": "Schrijven", "kind": "writing", "minutes": 5}
    writing["settings"] = {"hidden_until_revealed": False}
    sorting = {"position": 2, "title_nl": "Ordenen", "kind": "clustering", "minutes": 5}
    voting = {"position": 3, "title_nl": "Stemmen", "kind": "dot_voting", "minutes": 5}
    voting["settings"] = {"reveal_on_command": True}
    phases = [writing, sorting, voting, voting]
    session, room = held_room(school, group, facilitator, "Prioriteren", phases)
    rust = Cluster.objects.create(room=room, phase_index=1, title="Rust")
    tijd = Cluster.objects.create(room=room, phase_index=1, title="Tijd")
    for text, cluster in (("Meer rust", rust), ("Meer tijd", tijd), ("Losse gedachte", None)):
        Contribution.objects.create(room=room, phase_index=0, text=text, cluster=cluster)
    loose = Contribution.objects.get(text="Losse gedachte")
    room.dot_totals = {
        "2": {f"c{rust.pk}": 2, f"c{tijd.pk}": 3, f"n{loose.pk}": 1},
        "3": {f"c{rust.pk}": 5},  # a second vote, never shown
    }
    room.revealed = [2]
    room.save()

    def themes():
        return {s["key"]: s["body"] for s in reports.compile_sections(session, "nl")}["themes"]

    assert themes() == (
        "Tijd (3 stippen):\n- Meer tijd\n\n"
        "Rust (2 stippen):\n- Meer rust\n\n"
        "Overige briefjes:\n- Losse gedachte (1 stip)"
    )
    room.revealed = []  # the first vote was never shown either
    room.save()
    assert (
        themes()
        == "Rust:\n- Meer rust\n\nTijd:\n- Meer tijd\n\nOverige briefjes:\n- Losse gedachte"
    )


def test_a_dilemma_phase_says_how_many_took_each_position(school, group, facilitator):
    dilemma = {"position": 1, "title_nl": "Stelling", "kind": "positions", "minutes": 5}
    scale = {"position": 2, "title_nl": "Schaal", "kind": "positions", "minutes": 5}
    talk = {"position": 3, "title_nl": "Gesprek", "kind": "dialogue", "minutes": 10}
    session, room = held_room(school, group, facilitator, "Dilemma", [dilemma, scale, talk])
    room.positions = {"0": {"x0": "A", "x1": "B", "x2": "B"}, "1": {"x0": 2, "x1": 10}}
    room.save()
    phases = {s["key"]: s["body"] for s in reports.compile_sections(session, "nl")}["phases"]
    assert phases == (
        "Dilemma:\n"
        "- Stelling (5 min) — ingenomen posities: A: 1, B: 2\n"
        "- Schaal (5 min) — ingenomen posities: 2: 1, 10: 1\n"
        "- Gesprek (10 min)"
    )


def test_a_worded_dilemma_stands_in_the_report_with_each_poll(school, group, facilitator):
    """The first phase polled two dilemmas (the first one's counts were kept when the next
    was shown), the second polled the last of them again, the third was never worded."""
    first = {"position": 1, "title_nl": "Peiling", "kind": "positions", "minutes": 5}
    again = {"position": 2, "title_nl": "Opnieuw", "kind": "positions", "minutes": 5}
    session, room = held_room(school, group, facilitator, "Dilemma", [first, again])
    room.dilemmas = {"0": {"question": "Huiswerk  afschaffen?", "a": "Ja", "b": ""}}
    room.polls = [
        {"phase": 0, "question": "Cijfers geven?", "a": "Ja", "b": "Nee", "distribution": {"B": 2}}
    ]
    room.positions = {"0": {"x0": "A"}, "1": {"x0": "B", "x1": "B"}}
    room.save()
    phases = {s["key"]: s["body"] for s in reports.compile_sections(session, "nl")}["phases"]
    assert phases == (
        "Dilemma:\n"
        "- Peiling (5 min)\n"
        "  - Cijfers geven? (A: Ja; B: Nee): B: 2\n"
        "  - Huiswerk afschaffen? (A: Ja): A: 1\n"
        "- Opnieuw (5 min)\n"
        "  - Huiswerk afschaffen? (A: Ja): B: 2"
    )


def test_compile_takes_the_sessions_group_data(session):
    sections = {s["key"]: s["body"] for s in reports.compile_sections(session, "nl")}
    assert sections["occasion"] == "De leesresultaten dalen"
    assert sections["goal"] == "Samen een aanpak kiezen"
    assert sections["shared_interest"] == "Leerlingen lezen met plezier"
    assert "Stil schrijven" in sections["phases"] and "Geheime ronde" in sections["phases"]
    assert "Leestijd:" in sections["themes"] and f"- {ANONYMOUS_TEXT}" in sections["themes"]
    assert NAMED_TEXT in sections["themes"]
    assert "Elke les tien minuten lezen" in sections["agreements"]
    assert "akkoord 1" in sections["agreements"] or "1 agree" in sections["agreements"]
    assert "1 maart 2027" in sections["agreements"] or "March" in sections["agreements"]
    assert "Leeskist samenstellen" in sections["action_points"]
    assert "Daan de Vries" in sections["action_points"]
    assert "Plezier gaat voor niveau" in sections["insights"]


def test_compile_leaves_out_hidden_notes_authors_reasons_and_private_content(session):
    text = str(reports.compile_sections(session, "nl"))
    for secret in (
        HIDDEN_TEXT,
        AUTHOR_NAME,
        NAMED_AUTHOR,
        REFLECTION_CANARY,
        PREPARATION_CANARY,
        "Tijd gaat af van stof",  # a concern's reason: not in the report
    ):
        assert secret not in text


def test_compile_follows_the_facilitators_language(session, facilitator):
    facilitator.language = "en"
    facilitator.save()
    assert reports.report_language(session) == "en"
    sections = reports.compile_sections(session)
    assert sections[0]["title"] == "Occasion"
    assert "Stil schrijven (en)" in sections[3]["body"]
    facilitator.language = "nl"
    facilitator.save()
    assert reports.compile_sections(session)[0]["title"] == "Aanleiding"


def test_a_session_without_a_room_or_work_form_still_compiles(school, group, facilitator):
    bare = Session.objects.create(
        school=school, group=group, facilitator=facilitator, title="Kaal",
        starts_at=timezone.now(),
    )  # fmt: skip
    sections = reports.compile_sections(bare)
    assert [s["key"] for s in sections] == list(reports.SECTION_KEYS)
    assert all(s["body"] == "" for s in sections)


# --- Access -------------------------------------------------------------------------------


def test_unpublished_report_is_invisible_to_participants(client, session, teacher):
    client.force_login(teacher)
    for name in ("report_detail", "report_markdown", "report_docx", "report_pdf", "report_edit"):
        assert client.get(url(name, session)).status_code == 404, name
    reports.report_save(session=session, by=None, bodies={"goal": "Nieuw doel"})
    assert client.get(url("report_detail", session)).status_code == 404


def test_the_facilitator_sees_the_draft_and_participants_read_it_once_published(
    client, session, facilitator, teacher
):
    client.force_login(facilitator)
    page = client.get(url("report_detail", session))
    assert page.status_code == 200 and ANONYMOUS_TEXT in page.content.decode()
    assert not Report.objects.exists()  # reading writes nothing
    response = client.post(url("report_publish", session))
    assert response.status_code == 302
    report = Report.objects.get(session=session)
    assert report.status == ReportStatus.PUBLISHED and report.published_at
    client.force_login(teacher)
    page = client.get(url("report_detail", session)).content.decode()
    assert ANONYMOUS_TEXT in page and "Edit the report" not in page
    assert client.get(url("report_edit", session)).status_code == 404
    assert client.post(url("report_publish", session)).status_code == 404


def test_publishing_mails_the_participants_a_link_once(
    client, session, facilitator, teacher, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("report_publish", session))
    assert not mail.outbox  # queued: the request does not wait for the mail server
    assert run_queued_tasks("send_report_links") == [len(participants(session))]
    recipients = {m.to[0] for m in mail.outbox}
    assert teacher.email in recipients and facilitator.email in recipients
    message = next(m for m in mail.outbox if m.to == [teacher.email])
    assert reverse("reports:report_detail", args=[session.pk]) in message.body
    assert REFLECTION_CANARY not in message.body and ANONYMOUS_TEXT not in message.body
    count = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("report_publish", session))
    assert run_queued_tasks("send_report_links") == []  # already published: nothing queued
    assert len(mail.outbox) == count


READER_VIEWS = ("report_detail", "report_markdown", "report_docx")


def test_unpublishing_makes_it_a_draft_that_participants_no_longer_read(
    client, session, facilitator, teacher
):
    reports.report_publish(session=session, by=facilitator)
    client.force_login(teacher)
    for name in READER_VIEWS:
        assert client.get(url(name, session)).status_code == 200, name
    portfolio = reverse("reports:group_portfolio", args=[session.group_id])
    assert url("report_detail", session) in client.get(portfolio).content.decode()

    client.force_login(facilitator)
    page = client.get(url("report_detail", session)).content.decode()
    assert url("report_unpublish", session) in page
    response = client.post(url("report_unpublish", session))
    assert response.status_code == 302
    report = Report.objects.get(session=session)
    assert report.status == ReportStatus.DRAFT and report.published_at is None
    entry = AuditEntry.objects.get(action="report.unpublish")
    assert entry.actor == facilitator and entry.target == f"session:{session.pk}"
    page = client.get(url("report_detail", session)).content.decode()
    assert url("report_publish", session) in page and url("report_unpublish", session) not in page

    client.force_login(teacher)
    for name in (*READER_VIEWS, "report_pdf"):
        assert client.get(url(name, session)).status_code == 404, name
    assert url("report_detail", session) not in client.get(portfolio).content.decode()
    assert (
        url("report_detail", session)
        not in client.get(reverse("reports:my_portfolio")).content.decode()
    )


def test_only_who_may_publish_may_unpublish(client, session, teacher, support, outsider, leader):
    reports.report_publish(session=session, by=None)
    for person in (teacher, support, outsider):  # a reader, the school, another school
        client.force_login(person)
        assert client.post(url("report_unpublish", session)).status_code == 404, person.email
    assert Report.objects.get(session=session).status == ReportStatus.PUBLISHED
    client.force_login(leader)  # a planner of the school
    assert client.get(url("report_unpublish", session)).status_code == 405
    assert Report.objects.get(session=session).status == ReportStatus.PUBLISHED
    assert client.post(url("report_unpublish", session)).status_code == 302
    assert Report.objects.get(session=session).status == ReportStatus.DRAFT


def test_unpublishing_a_draft_changes_nothing(client, session, facilitator):
    reports.report_save(session=session, by=facilitator, bodies={"goal": "Eigen doel"})
    client.force_login(facilitator)
    assert client.post(url("report_unpublish", session)).status_code == 302
    assert Report.objects.get(session=session).status == ReportStatus.DRAFT
    assert not AuditEntry.objects.filter(action="report.unpublish").exists()


def test_publishing_again_after_unpublishing_mails_only_who_was_not_told_yet(
    client, session, facilitator, teacher, django_capture_on_commit_callbacks, english_pages
):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("report_publish", session))
    run_queued_tasks("send_report_links")
    client.post(url("report_unpublish", session))
    told = len(mail.outbox)
    assert told and [m.to for m in mail.outbox].count([teacher.email]) == 1
    newcomer = make_person(session.school, "nieuw@linde.test", "Noor Nieuw", is_teacher=True)
    GroupMember.objects.create(group=session.group, user=newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("report_publish", session), follow=True)
    assert run_queued_tasks("send_report_links") == [1]
    assert [m.to for m in mail.outbox[told:]] == [[newcomer.email]]
    assert "who have not had a link to it yet" in response.content.decode()
    assert Report.objects.get(session=session).status == ReportStatus.PUBLISHED


def test_a_mail_server_that_is_down_fails_the_task_not_the_page_and_tells_nobody(
    client, session, facilitator, teacher, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("report_publish", session)).status_code == 302
    (failed,) = run_queued_tasks("send_report_links")
    assert isinstance(failed, OSError) and not ReportMailed.objects.exists()
    monkeypatch.undo()
    reports.report_unpublish(session=session, by=facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_publish(session=session, by=facilitator)
    run_queued_tasks("send_report_links")
    assert [teacher.email] in [m.to for m in mail.outbox]


@pytest.mark.parametrize("name", READER_VIEWS)
def test_outsiders_get_404_even_when_published(client, session, outsider, support, name):
    reports.report_publish(session=session, by=None)
    for person in (outsider, support):  # another school; same school but not in the session
        client.force_login(person)
        assert client.get(url(name, session)).status_code == 404


def test_a_planner_of_another_school_gets_404(client, session, other_school):
    intruder = make_person(other_school, "baas@noord.test", "Ina Dringer", is_admin=True)
    client.force_login(intruder)
    assert client.get(url("report_edit", session)).status_code == 404
    assert client.post(url("report_publish", session)).status_code == 404
    assert not Report.objects.exists()


def test_a_leader_of_the_school_may_edit(client, session, leader):
    client.force_login(leader)
    assert client.get(url("report_edit", session)).status_code == 200


# --- Editing and recompiling --------------------------------------------------------------


def test_editing_saves_section_texts(client, session, facilitator):
    client.force_login(facilitator)
    form = client.get(url("report_edit", session)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["goal"] = "Een betere aanpak kiezen"
    response = client.post(url("report_edit", session), data)
    assert response.status_code == 302
    report = Report.objects.get(session=session)
    goal = next(s for s in report.sections if s["key"] == "goal")
    assert (
        goal["body"] == "Een betere aanpak kiezen" and goal["compiled"] == "Samen een aanpak kiezen"
    )
    assert report.edited_by == facilitator and report.status == ReportStatus.DRAFT


@pytest.mark.usefixtures("english_pages")
def test_huge_section_text_is_refused_and_changes_nothing(client, session, facilitator):
    client.force_login(facilitator)
    reports.report_save(session=session, by=facilitator, bodies={"goal": "Eerst"})
    before = Report.objects.get(session=session).sections
    response = client.post(
        url("report_edit", session), {"goal": "x" * (reports.SECTION_LIMIT + 1), "occasion": "Nu"}
    )
    assert response.status_code == 400
    assert "at most" in response.content.decode() or "maximaal" in response.content.decode()
    assert Report.objects.get(session=session).sections == before


def test_unknown_sections_and_wrong_types_are_refused_by_the_service(session):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        reports.report_save(session=session, by=None, bodies={"author": "x"})
    with pytest.raises(ValidationError):
        reports.report_save(session=session, by=None, bodies={"goal": ["x"]})
    assert not Report.objects.exists()


def test_forged_session_ids_are_404(client, facilitator, session):
    client.force_login(facilitator)
    for forged in (session.pk + 999, 10**17):
        assert client.get(f"/sessions/{forged}/report/").status_code == 404
        assert client.post(f"/sessions/{forged}/report/publish/").status_code == 404
    assert client.get("/sessions/99999999999999999999/report/").status_code == 404


def test_recompile_keeps_edits_unless_confirmed(client, session, facilitator, teacher):
    client.force_login(facilitator)
    reports.report_save(session=session, by=facilitator, bodies={"goal": "Met de hand"})
    services.insight_add(session=session, by=facilitator, text="Een nieuw inzicht")
    # Edited sections exist: the first post only asks.
    response = client.post(url("report_recompile", session))
    assert response.status_code == 200 and "Met de hand" not in response.content.decode()
    assert "Een nieuw inzicht" not in str(Report.objects.get(session=session).sections)
    # Forged choice: refused, nothing changed.
    response = client.post(url("report_recompile", session), {"replace_edits": "everything"})
    assert response.status_code == 400
    assert "Een nieuw inzicht" not in str(Report.objects.get(session=session).sections)
    # Keep: the edit stays, the rest is refreshed.
    client.post(url("report_recompile", session), {"replace_edits": "keep"})
    sections = {s["key"]: s for s in Report.objects.get(session=session).sections}
    assert sections["goal"]["body"] == "Met de hand"
    assert "Een nieuw inzicht" in sections["insights"]["body"]
    # Replace: the compiled text comes back.
    client.post(url("report_recompile", session), {"replace_edits": "replace"})
    sections = {s["key"]: s for s in Report.objects.get(session=session).sections}
    assert sections["goal"]["body"] == "Samen een aanpak kiezen"


def test_recompile_without_edits_needs_no_confirmation(client, session, facilitator):
    client.force_login(facilitator)
    response = client.post(url("report_recompile", session))
    assert response.status_code == 302 and Report.objects.filter(session=session).exists()
    services.action_set_status(
        action=session.action_points.get(), by=facilitator, status=ActionStatus.DONE
    )
    assert client.post(url("report_recompile", session)).status_code == 302
    body = next(
        s["body"]
        for s in Report.objects.get(session=session).sections
        if s["key"] == "action_points"
    )
    with translation.override("nl"):
        done, still_open = str(ActionStatus.DONE.label), str(ActionStatus.OPEN.label)
    assert f"status: {done}" in body and f"status: {still_open}" not in body


# --- Exports ------------------------------------------------------------------------------


def _published(session, bodies=None):
    if bodies:
        reports.report_save(session=session, by=None, bodies=bodies)
    return reports.report_publish(session=session, by=None)


def _filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return disposition.split('filename="')[1].rstrip('"')


def test_markdown_export(client, session, teacher):
    _published(session)
    client.force_login(teacher)
    response = client.get(url("report_markdown", session))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    day = timezone.localtime(session.starts_at).date().isoformat()
    assert _filename(response) == f"{day}-lezen-in-de-onderbouw.md"
    text = response.content.decode()
    assert text.startswith("# ") and "Lezen in de onderbouw" in text
    assert f"- {ANONYMOUS_TEXT}" in text and "Leeskist samenstellen" in text


def test_docx_export_reads_back(client, session, teacher):
    _published(session)
    client.force_login(teacher)
    response = client.get(url("report_docx", session))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert _filename(response).endswith("-lezen-in-de-onderbouw.docx")
    text = docx_text(response.content)
    assert "Lezen in de onderbouw" in text and ANONYMOUS_TEXT in text
    assert "Elke les tien minuten lezen" in text


def test_pdf_export_reads_back(client, session, teacher, needs_pdf):
    _published(session)
    client.force_login(teacher)
    response = client.get(url("report_pdf", session))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert _filename(response).endswith("-lezen-in-de-onderbouw.pdf")
    text, pages = pdf_text(reports.pdf_html(Report.objects.get(session=session)))
    assert pages >= 1 and ANONYMOUS_TEXT in text and "Leeskist samenstellen" in text


def test_a_pdf_writes_no_progress_lines_to_the_log(client, session, teacher, needs_pdf, caplog):
    """WeasyPrint logs each step and page at INFO (70 lines for a 60-page report) and
    fontTools its font subsetting: noise in a server log at the default level."""
    _published(session)
    client.force_login(teacher)
    with caplog.at_level(logging.INFO):
        assert client.get(url("report_pdf", session)).status_code == 200
    noisy = [r.name for r in caplog.records if r.name.split(".")[0] in ("weasyprint", "fontTools")]
    assert noisy == []


def test_exports_follow_the_report_language(client, session, facilitator, teacher):
    facilitator.language = "en"
    facilitator.save()
    _published(session)
    client.force_login(teacher)  # a Dutch reader gets the English report
    text = client.get(url("report_markdown", session)).content.decode()
    assert "## Occasion" in text and "## Action points" in text


def test_no_canary_or_author_in_any_format(client, session, facilitator, teacher, needs_pdf):
    _published(session)
    report = Report.objects.get(session=session)
    secrets = (HIDDEN_TEXT, AUTHOR_NAME, NAMED_AUTHOR, REFLECTION_CANARY, PREPARATION_CANARY)
    for person in (facilitator, teacher):
        client.force_login(person)
        outputs = {
            "page": client.get(url("report_detail", session)).content.decode(),
            "md": client.get(url("report_markdown", session)).content.decode(),
            "docx": docx_text(client.get(url("report_docx", session)).content),
            "pdf": pdf_text(reports.pdf_html(report))[0],
        }
        assert ANONYMOUS_TEXT in outputs["md"] and ANONYMOUS_TEXT in outputs["pdf"]
        for kind, text in outputs.items():
            for secret in secrets:
                assert secret not in text, (kind, secret)


@pytest.mark.usefixtures("english_pages")
def test_a_post_without_sections_empties_nothing(client, session, facilitator):
    client.force_login(facilitator)
    reports.report_save(session=session, by=facilitator, bodies={"goal": "Eerst"})
    before = Report.objects.get(session=session).sections
    response = client.post(url("report_edit", session), {"name": "x" * 1000})
    assert response.status_code == 400 and "nothing has been saved" in response.content.decode()
    assert Report.objects.get(session=session).sections == before


def test_control_characters_do_not_break_the_exports(client, session, facilitator, needs_pdf):
    session.title = "Lezen in\x0b de onderbouw"  # PostgreSQL stores no NUL in a column
    session.save()
    reports.report_save(session=session, by=facilitator, bodies={"goal": "Doel\x00 met\x1f rommel"})
    client.force_login(facilitator)
    for name in ("report_markdown", "report_docx", "report_pdf", "report_detail"):
        assert client.get(url(name, session)).status_code == 200, name
    text = docx_text(client.get(url("report_docx", session)).content)
    assert "Doel met rommel" in text  # the NUL was dropped on saving (JSON on PostgreSQL)
    goal = next(s for s in Report.objects.get(session=session).sections if s["key"] == "goal")
    assert goal["body"] == "Doel met rommel"


def test_a_long_link_or_word_stays_on_the_page(session, facilitator, needs_pdf):
    """A pasted link or a word longer than a line breaks instead of running off the page,
    where the PDF would lose it (it reached five page widths to the right)."""
    link = "https://example.org/?q=" + "lezen" * 80
    reports.report_save(session=session, by=facilitator, bodies={"goal": link})
    document = reports.pdf_document(reports.pdf_html(Report.objects.get(session=session)))
    for page in document.pages:
        box = page._page_box
        right_edge = box.margin_left + box.width  # of the page's content area
        for text in (b for b in box.descendants() if hasattr(b, "text")):
            assert text.position_x + text.width <= right_edge + 1, text.text[:40]
