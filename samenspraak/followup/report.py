"""The session report (verslag): compiled from what the session produced, edited by its
facilitator or the school's planners, published to the participants, and rendered as
Markdown, DOCX and PDF.

What goes in (group data only, PRODUCT.md): the session's occasion, goal and shared
interest, the titles of its work form's phases, its themes (cluster titles with the texts
of notes that the room revealed), its agreements with their support counts, its action
points with owners, and its insights. What never goes in: reflections, preparations,
feedback, quality answers, support-check reasons, and the author of any note — not even of
a named one, so an anonymous note cannot be told apart by the absence of a name. Notes
are listed alphabetically, so their order says nothing about who wrote them when.

Language: a session has no language of its own. A report is compiled in its
facilitator's interface language (`User.language`), or `settings.LANGUAGE_CODE` (Dutch)
when the session has no facilitator; the choice is stored in `Report.language` and every
export renders under `translation.override` of it.

A section is stored as {"key", "title", "body", "compiled"}: `compiled` is what the last
compilation produced, so a section whose `body` differs from it has been edited, and
recompiling asks before it replaces such a section.
"""

import io
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samenspraak.accounts.models import User
from samenspraak.core.audit import record
from samenspraak.followup.models import (
    ActionPoint,
    Agreement,
    Insight,
    Report,
    ReportMailed,
    ReportStatus,
    Support,
)
from samenspraak.followup.tasks import send_report_links
from samenspraak.live.kinds import dilemma_of, position_counts, votes_hidden
from samenspraak.live.models import Contribution, Room
from samenspraak.methods.models import prompt_lines
from samenspraak.planning.models import Session

#: the largest text one section may hold (characters)
SECTION_LIMIT = 20_000

#: section keys in their order, with their titles (translated at compile time)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("occasion", gettext_lazy("Occasion")),
    ("goal", gettext_lazy("Goal")),
    ("shared_interest", gettext_lazy("Shared interest: how pupils benefit")),
    ("phases", gettext_lazy("Work form and phases")),
    ("themes", gettext_lazy("Themes")),
    ("agreements", gettext_lazy("Agreements and decisions")),
    ("action_points", gettext_lazy("Action points")),
    ("insights", gettext_lazy("Insights")),
)
SECTION_KEYS = tuple(key for key, _title in SECTIONS)

#: characters XML (DOCX) and PostgreSQL's JSON cannot hold: dropped from edited text
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def report_language(session: Session) -> str:
    """The session's language: its facilitator's, else the site default (see module doc)."""
    languages = {code for code, _name in settings.LANGUAGES}
    wanted = session.facilitator.language if session.facilitator_id else ""
    return wanted if wanted in languages else settings.LANGUAGE_CODE


# --- Compiling ------------------------------------------------------------------------------


def _line(text: str) -> str:
    """One line of running text: a bullet item must not break the list."""
    return " ".join(str(text).split())


def _date(value: date | None) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def _localized(item: dict, name: str, language: str) -> str:
    return item.get(f"{name}_{language}") or item.get(f"{name}_nl", "")


def _phases(session: Session, room: Room | None, language: str) -> str:
    """The work form's phases; a dilemma phase with how many took each position (what the
    room saw; who took which is not kept)."""
    snapshot = session.method_snapshot
    if snapshot is None:
        return ""
    taken = room.positions if room else {}
    lines = [_localized(snapshot.data, "name", language) + ":"]
    for index, phase in enumerate(snapshot.data.get("phases", [])):
        line = _("%(title)s (%(minutes)d min)") % {
            "title": _line(_localized(phase, "title", language)),
            "minutes": phase["minutes"],
        }
        counts = _position_counts(taken.get(str(index), {})) if phase["kind"] == "positions" else ""
        polls = _polls(room, index) if room and phase["kind"] == "positions" else []
        if counts and not polls:
            line = _("%(phase)s — positions taken: %(counts)s") % {"phase": line, "counts": counts}
        lines.append("- " + line)
        # A worded dilemma: each one the phase polled, with how many took each position.
        lines += [f"  - {question}: {counts or '–'}" for question, counts in polls]
    return "\n".join(lines)


def _polls(room: Room, index: int) -> list[tuple[str, str]]:
    """The dilemmas phase `index` polled, in order, each with its counts ("A: 3, B: 5");
    none if the facilitator worded none."""
    earlier = [poll for poll in room.polls if poll["phase"] == index]
    current = dilemma_of(room, index)
    if not current and not earlier:
        return []
    current_counts = _position_counts(room.positions.get(str(index), {}))
    return [
        *((_dilemma_line(poll), _position_counts_of(poll["distribution"])) for poll in earlier),
        (_dilemma_line(current), current_counts),
    ]


def _dilemma_line(dilemma: dict) -> str:
    """The question with the words for A and B, as far as the facilitator gave them."""
    question = _line(dilemma.get("question", "")) or _("(no dilemma worded)")
    options = "; ".join(
        f"{value}: {_line(dilemma[name])}"
        for value, name in (("A", "a"), ("B", "b"))
        if dilemma.get(name)
    )
    return f"{question} ({options})" if options else question


def _position_counts(taken: dict) -> str:
    """How many took each position, in their order: "A: 3, B: 5" (or per scale point)."""
    return _position_counts_of(position_counts(taken))


def _position_counts_of(counts: dict[str, int]) -> str:
    ordered = sorted(counts, key=lambda value: (len(value), value))  # 2 before 10
    return ", ".join(f"{value}: {counts[value]}" for value in ordered)


def revealed_notes(room: Room, phases: list[dict]) -> list[Contribution]:
    """Notes everybody in the room could see: those of phases that show notes at once and
    of phases whose notes the facilitator revealed. Hidden notes never leave the room."""

    def shown(index: int) -> bool:
        phase = phases[index] if 0 <= index < len(phases) else {}
        hidden = phase.get("settings", {}).get("hidden_until_revealed", True)
        return not hidden or index in room.revealed

    notes = Contribution.objects.filter(room=room).only(
        "text", "phase_index", "cluster_id", "prompt"
    )
    return [note for note in notes if shown(note.phase_index)]


def shown_dots(room: Room, phases: list[dict]) -> dict[str, int]:
    """Dots per target (`c<theme id>` or `n<note id>`) over the voting phases whose results
    the room saw; totals the facilitator never showed stay out, as in the room."""
    dots: dict[str, int] = {}
    for index, totals in room.dot_totals.items():
        phase = phases[int(index)] if 0 <= int(index) < len(phases) else {}
        if phase.get("kind") != "dot_voting" or votes_hidden(room, phase, int(index)):
            continue
        for target, count in totals.items():
            dots[target] = dots.get(target, 0) + count
    return dots


def _with_dots(text: str, count: int) -> str:
    if not count:
        return text
    return ngettext("%(text)s (%(count)d dot)", "%(text)s (%(count)d dots)", count) % {
        "text": text,
        "count": count,
    }


def _question(phases: list[dict], note: Contribution, language: str) -> str:
    """The question a 3xW note answers, in the report's language ("" for other notes)."""
    if note.prompt is None or not 0 <= note.phase_index < len(phases):
        return ""
    questions = prompt_lines(_localized(phases[note.phase_index], "prompts", language))
    return questions[note.prompt] if note.prompt < len(questions) else ""


def _themes(session: Session, room: Room | None, language: str) -> str:
    if room is None:
        return ""
    phases = list(session.method_snapshot.data.get("phases", [])) if session.method_snapshot else []
    notes = revealed_notes(room, phases)
    clusters = {cluster.pk: cluster for cluster in room.clusters.all()}
    # After a vote the room saw: the dots of each theme or note, the most first.
    dots = shown_dots(room, phases)
    # A list's lines as (−dots, text), so that sorting puts the most dots first.
    grouped: dict[int | None, list[tuple[int, str]]] = {}
    # 3xW notes in no theme: one list per question, in the order of the questions. One in
    # a theme says which question it answers.
    answers: dict[tuple[int, int], tuple[str, list[tuple[int, str]]]] = {}
    for note in notes:
        key = note.cluster_id if note.cluster_id in clusters else None
        question = _question(phases, note, language)
        count = dots.get(f"n{note.pk}", 0)
        text = _with_dots(_line(note.text), count)
        if question and key is None:
            answers.setdefault((note.phase_index, note.prompt), (question, []))[1].append(
                (-count, text)
            )
        elif question:
            grouped.setdefault(key, []).append((-count, f"{text} ({_line(question)})"))
        else:
            grouped.setdefault(key, []).append((-count, text))

    def listed(title: str, lines: list[tuple[int, str]]) -> str:
        return "\n".join([title] + [f"- {text}" for _count, text in sorted(lines)])

    def most_dots_first(cluster) -> tuple:
        count = dots.get(f"c{cluster.pk}", 0)
        return (cluster.phase_index, -count, cluster.title.lower(), cluster.pk)

    blocks = []
    for cluster in sorted(clusters.values(), key=most_dots_first):
        lines = grouped.get(cluster.pk)
        if lines:  # a theme without a revealed note is left out
            title = _with_dots(_line(cluster.title), dots.get(f"c{cluster.pk}", 0))
            blocks.append(listed(title + ":", lines))
    for _where, (question, lines) in sorted(answers.items()):
        blocks.append(listed(_line(question), lines))
    loose = grouped.get(None)
    if loose:
        blocks.append(listed((_("Other notes") if blocks else _("Notes")) + ":", loose))
    return "\n\n".join(blocks)


def _agreements(session: Session) -> str:
    items = []
    for agreement in Agreement.objects.filter(session=session).prefetch_related("answers"):
        counts = {value: 0 for value in Support.values}
        for answer in agreement.answers.all():
            counts[answer.answer] += 1
        parts = [
            _line(agreement.text),
            _("status: %(status)s") % {"status": agreement.get_status_display()},
            _("support: %(agree)d agree, %(concern)d concern, %(objection)d objection") % counts,
        ]
        if agreement.outcome:
            parts.append(_("outcome: %(text)s") % {"text": _line(agreement.outcome)})
        if agreement.review_date:
            parts.append(_("review on %(date)s") % {"date": _date(agreement.review_date)})
        items.append("- " + " — ".join(parts))
    return "\n".join(items)


def _action_points(session: Session) -> str:
    items = []
    for action in ActionPoint.objects.filter(session=session).prefetch_related("owners"):
        parts = [_line(action.text)]
        owners = sorted(owner.name for owner in action.owners.all())
        if owners:
            parts.append(_("owners: %(names)s") % {"names": ", ".join(owners)})
        if action.due_date:
            parts.append(_("due %(date)s") % {"date": _date(action.due_date)})
        parts.append(_("status: %(status)s") % {"status": action.get_status_display()})
        items.append("- " + " — ".join(parts))
    return "\n".join(items)


def _insights(session: Session) -> str:
    return "\n".join(f"- {_line(i.text)}" for i in Insight.objects.filter(session=session))


def compile_sections(session: Session, language: str | None = None) -> list[dict]:
    """The report's sections as the session's data make them now, in its language."""
    language = language or report_language(session)
    room = Room.objects.filter(session=session).first()
    with translation.override(language):
        bodies = {
            "occasion": session.occasion.strip(),
            "goal": session.goal.strip(),
            "shared_interest": session.shared_interest.strip(),
            "phases": _phases(session, room, language),
            "themes": _themes(session, room, language),
            "agreements": _agreements(session),
            "action_points": _action_points(session),
            "insights": _insights(session),
        }
        return [
            {"key": key, "title": str(title), "body": bodies[key], "compiled": bodies[key]}
            for key, title in SECTIONS
        ]


def draft_for(session: Session) -> Report:
    """The stored report, or an unsaved one compiled now (nothing is written)."""
    report = Report.objects.filter(session=session).first()
    if report is not None:
        return report
    language = report_language(session)
    return Report(session=session, language=language, sections=compile_sections(session, language))


def edited_sections(report: Report) -> list[dict]:
    return [s for s in report.sections if s.get("body", "") != s.get("compiled", "")]


# --- Writes ---------------------------------------------------------------------------------


def _stored(session: Session) -> Report:
    report = Report.objects.select_for_update().filter(session=session).first()
    if report is None:
        report = draft_for(session)
        report.save()
    return report


@transaction.atomic
def report_save(*, session: Session, by: User, bodies: dict[str, str]) -> Report:
    """Store the edited section texts. Unknown keys are refused, as is a text over the
    limit: nothing is changed then."""
    unknown = set(bodies) - set(SECTION_KEYS)
    if unknown:
        raise ValidationError(_("The report has no such section."))
    for value in bodies.values():
        if not isinstance(value, str):
            raise ValidationError(_("The report has no such section."))
        if len(value) > SECTION_LIMIT:
            raise ValidationError(
                _("This is too long: at most %(max)d characters.") % {"max": SECTION_LIMIT}
            )
    report = _stored(session)
    sections = []
    for section in report.sections:
        if section["key"] in bodies:
            body = _NOT_XML.sub("", bodies[section["key"]].replace("\r\n", "\n"))
            section = section | {"body": body.strip()}
        sections.append(section)
    report.sections = sections
    report.edited_by = by
    report.updated_at = timezone.now()
    report.save()
    record(school=session.school, actor=by, action="report.edit", target=f"session:{session.pk}")
    return report


@transaction.atomic
def report_recompile(*, session: Session, by: User, replace_edits: bool) -> Report:
    """Compile again from the session's data. A section the editor changed keeps the
    edited text unless `replace_edits` (the editor confirmed)."""
    report = _stored(session)
    old = {s["key"]: s for s in report.sections}
    sections = []
    for fresh in compile_sections(session, report.language):
        before = old.get(fresh["key"])
        if before and before.get("body", "") != before.get("compiled", "") and not replace_edits:
            fresh = fresh | {"body": before["body"]}
        sections.append(fresh)
    report.sections = sections
    report.edited_by = by
    report.updated_at = timezone.now()
    report.save()
    record(
        school=session.school, actor=by, action="report.recompile", target=f"session:{session.pk}"
    )
    return report


@transaction.atomic
def report_publish(*, session: Session, by: User) -> Report:
    """Publish to the participants; after commit, a background task (`send_report_links`)
    mails a link to those who have not been sent one for this report yet, so a mail server
    that is slow or down never fails the request. Publishing a published report changes
    nothing and mails nobody."""
    report = _stored(session)
    if report.status == ReportStatus.PUBLISHED:
        return report
    report.status = ReportStatus.PUBLISHED
    report.published_at = timezone.now()
    report.save(update_fields=["status", "published_at"])
    record(school=session.school, actor=by, action="report.publish", target=f"session:{session.pk}")
    transaction.on_commit(lambda: send_report_links.enqueue(report_id=report.pk))
    return report


@transaction.atomic
def report_unpublish(*, session: Session, by: User) -> Report:
    """Take a published report back to draft: the participants can no longer read or
    export it; the editors keep it. A draft stays as it is. Publishing it again mails only
    the participants who were not sent a link before."""
    report = _stored(session)
    if report.status != ReportStatus.PUBLISHED:
        return report
    report.status = ReportStatus.DRAFT
    report.published_at = None
    report.save(update_fields=["status", "published_at"])
    record(
        school=session.school, actor=by, action="report.unpublish", target=f"session:{session.pk}"
    )
    return report


def mail_published(report: Report) -> int:
    """Send the link to every participant not yet told of this report (`ReportMailed`);
    returns how many. Who was told is written in the same transaction as the sending: a
    send that fails leaves them untold, so publishing again reaches them."""
    from samenspraak.planning.services import participants

    session = report.session
    link = settings.SITE_URL + reverse("reports:report_detail", args=[session.pk])
    told = set(ReportMailed.objects.filter(report=report).values_list("user_id", flat=True))
    people = [person for person in participants(session) if person.pk not in told]
    messages = []
    for person in people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            context = {"session": session, "person": person, "link": link}
            subject = render_to_string("followup/report_email_subject.txt", context).strip()
            body = render_to_string("followup/report_email.txt", context)
        messages.append(EmailMessage(subject, body, None, [person.email]))
    if not messages:
        return 0
    try:
        with transaction.atomic():
            ReportMailed.objects.bulk_create(
                [ReportMailed(report=report, user=person) for person in people]
            )
            get_connection().send_messages(messages)
    except IntegrityError:
        return 0  # a task running at the same moment is telling them
    return len(messages)


# --- Rendering ------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # "p" (a paragraph) or "ul" (a list)
    items: list[str]


def blocks(body: str) -> list[Block]:
    """A section's text as paragraphs and lists: lines starting with "- " or "* " are list
    items, a blank line ends a paragraph. The same light Markdown in every format."""
    result: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            result.append(Block("p", [" ".join(paragraph)]))
            paragraph.clear()

    for raw in body.splitlines():
        line = raw.strip()
        bullet = re.match(r"^[-*]\s+(.*)$", line)
        if bullet:
            flush()
            if not result or result[-1].kind != "ul":
                result.append(Block("ul", []))
            result[-1].items.append(bullet.group(1))
        elif not line:
            flush()
            if result and result[-1].kind == "ul":
                result.append(Block("p", []))  # a blank line ends the list too
        else:
            if result and result[-1].kind == "ul" and not paragraph:
                result.append(Block("p", []))
            paragraph.append(line)
    flush()
    return [block for block in result if block.items]


def shown_sections(report: Report) -> list[dict]:
    """Sections with text, each with its blocks (empty sections are left out)."""
    return [
        {"key": s["key"], "title": s["title"], "blocks": blocks(s["body"])}
        for s in report.sections
        if s.get("body", "").strip()
    ]


def _heading(session: Session) -> tuple[str, str]:
    title = _("Report: %(title)s") % {"title": session.title}
    when = formats.date_format(timezone.localtime(session.starts_at), "j F Y")
    meta = when + (f" · {session.group.name}" if session.group_id else "")
    return title, meta


def export_filename(session: Session, extension: str) -> str:
    day = timezone.localtime(session.starts_at).date().isoformat()
    slug = slugify(session.title)[:60].strip("-") or "sessie"
    return f"{day}-{slug}.{extension}"


def render_markdown(report: Report) -> str:
    session = report.session
    with translation.override(report.language):
        title, meta = _heading(session)
        lines = [f"# {title}", "", meta, ""]
        for section in report.sections:
            body = section.get("body", "").strip()
            if body:
                lines += [f"## {section['title']}", "", body, ""]
        return "\n".join(lines).rstrip() + "\n"


def _xml(text: str) -> str:
    """DOCX is XML: control characters (a pasted NUL, a vertical tab) would break it."""
    return _NOT_XML.sub("", text)


def render_docx(report: Report) -> bytes:
    from docx import Document

    session = report.session
    with translation.override(report.language):
        title, meta = (_xml(text) for text in _heading(session))
        document = Document()
        document.core_properties.title = title
        document.core_properties.language = report.language
        document.add_heading(title, level=0)
        document.add_paragraph(meta)
        for section in shown_sections(report):
            document.add_heading(_xml(section["title"]), level=1)
            for block in section["blocks"]:
                if block.kind == "ul":
                    for item in block.items:
                        document.add_paragraph(_xml(item), style="List Bullet")
                else:
                    document.add_paragraph(_xml(block.items[0]))
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def pdf_html(report: Report) -> str:
    session = report.session
    with translation.override(report.language):
        title, meta = _heading(session)
        return render_to_string(
            "followup/report_pdf.html",
            {
                "title": title,
                "meta": meta,
                "sections": shown_sections(report),
                "language": report.language,
            },
        )


def pdf_document(html: str):
    """A rendered WeasyPrint document (raises OSError when Pango is missing)."""
    from weasyprint import HTML

    return HTML(string=html).render()


def render_pdf(report: Report) -> bytes:
    return pdf_document(pdf_html(report)).write_pdf()
