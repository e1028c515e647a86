"""The session report's pages: read, edit, recompile, publish and unpublish, and the
three exports.

| who                                             | may                                      |
|-------------------------------------------------|------------------------------------------|
| the session's facilitator, the school's planners| read the draft, edit, recompile, publish,|
| (admin, leaders, facilitators)                  | unpublish, export at any time            |
| the session's participants                      | read and export while it is published    |
| anyone else                                     | the same 404 as for a missing session    |
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samenspraak.followup import report as reports
from samenspraak.followup.models import Report, ReportStatus
from samenspraak.planning.access import can_plan, get_session_for
from samenspraak.planning.models import Session


def can_edit_report(user, session: Session) -> bool:
    return session.facilitator_id == user.pk or can_plan(user, session.school_id)


def get_report_for(user, session_id: int) -> tuple[Session, Report, bool]:
    """(session, its report — stored, or compiled now for an editor —, may edit) or 404.
    A participant gets 404 until the report is published."""
    session = get_session_for(user, session_id)
    editor = can_edit_report(user, session)
    report = reports.draft_for(session)
    if not editor and (report.pk is None or report.status != ReportStatus.PUBLISHED):
        raise Http404
    return session, report, editor


def get_editable_report_for(user, session_id: int) -> tuple[Session, Report]:
    session, report, editor = get_report_for(user, session_id)
    if not editor:
        raise Http404
    return session, report


class ReportForm(forms.Form):
    """One textarea per section of the report, each limited in size."""

    def __init__(self, sections: list[dict], *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in sections:
            self.fields[section["key"]] = forms.CharField(
                label=section["title"],
                required=False,
                max_length=reports.SECTION_LIMIT,
                strip=False,
                initial=section.get("body", ""),
                widget=forms.Textarea(attrs={"rows": 6}),
                error_messages={
                    "max_length": gettext_lazy(
                        "This is too long: at most %(limit_value)d characters."
                    )
                },
            )


class RecompileForm(forms.Form):
    replace_edits = forms.TypedChoiceField(
        label=gettext_lazy("Your edited sections"),
        choices=[
            ("keep", gettext_lazy("Keep my edits; refresh only the sections I did not change")),
            ("replace", gettext_lazy("Replace my edits with the newly compiled text")),
        ],
        coerce=lambda value: value == "replace",
        widget=forms.RadioSelect,
        initial="keep",
    )


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@login_required
def report_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session, report, editor = get_report_for(request.user, session_id)
    with translation.override(report.language):
        sections = reports.shown_sections(report)
    return render(
        request,
        "followup/report_detail.html",
        {
            "session": session,
            "report": report,
            "sections": sections,
            "can_edit": editor,
            "stored": report.pk is not None,
            "edited": bool(report.pk and reports.edited_sections(report)),
        },
    )


@login_required
def report_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session, report = get_editable_report_for(request.user, session_id)
    form = ReportForm(report.sections, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Only the sections the form sent: a post without them must not empty the report.
        bodies = {k: v for k, v in form.cleaned_data.items() if k in request.POST}
        try:
            if not bodies:
                raise ValidationError(_("The form was incomplete; nothing has been saved."))
            reports.report_save(session=session, by=request.user, bodies=bodies)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report has been saved."))
            return redirect("reports:report_detail", session_id=session.pk)
    return render(
        request,
        "followup/report_edit.html",
        {"session": session, "report": report, "form": form, "limit": reports.SECTION_LIMIT},
        status=_status(request) if form.errors else 200,
    )


@login_required
@require_POST
def report_recompile(request: HttpRequest, session_id: int) -> HttpResponse:
    """Compile again. When sections were edited, first ask what to do with them."""
    session, report = get_editable_report_for(request.user, session_id)
    edited = reports.edited_sections(report) if report.pk else []
    form = RecompileForm(request.POST if "replace_edits" in request.POST else None)
    if edited and not form.is_valid():
        return render(
            request,
            "followup/report_recompile.html",
            {"session": session, "edited": edited, "form": form},
            status=400 if form.is_bound else 200,
        )
    replace = bool(edited) and form.cleaned_data["replace_edits"]
    reports.report_recompile(session=session, by=request.user, replace_edits=replace)
    if edited and not replace:
        messages.success(request, _("The report has been compiled again; your edits were kept."))
    else:
        messages.success(request, _("The report has been compiled again."))
    return redirect("reports:report_detail", session_id=session.pk)


@login_required
@require_POST
def report_publish(request: HttpRequest, session_id: int) -> HttpResponse:
    session, report = get_editable_report_for(request.user, session_id)
    if report.status == ReportStatus.PUBLISHED:
        messages.info(request, _("The report was already published."))
    else:
        reports.report_publish(session=session, by=request.user)
        messages.success(
            request,
            _(
                "The report has been published; participants who have not had a link to it "
                "yet are sent one by e-mail."
            ),
        )
    return redirect("reports:report_detail", session_id=session.pk)


@login_required
@require_POST
def report_unpublish(request: HttpRequest, session_id: int) -> HttpResponse:
    session, report = get_editable_report_for(request.user, session_id)
    if report.status != ReportStatus.PUBLISHED:
        messages.info(request, _("The report is not published."))
    else:
        reports.report_unpublish(session=session, by=request.user)
        messages.success(
            request,
            _("The report is a draft again; the participants can no longer read it."),
        )
    return redirect("reports:report_detail", session_id=session.pk)


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def report_markdown(request: HttpRequest, session_id: int) -> HttpResponse:
    session, report, _editor = get_report_for(request.user, session_id)
    return _download(
        reports.render_markdown(report).encode(),
        "text/markdown; charset=utf-8",
        reports.export_filename(session, "md"),
    )


@login_required
def report_docx(request: HttpRequest, session_id: int) -> HttpResponse:
    session, report, _editor = get_report_for(request.user, session_id)
    return _download(
        reports.render_docx(report),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        reports.export_filename(session, "docx"),
    )


@login_required
def report_pdf(request: HttpRequest, session_id: int) -> HttpResponse:
    session, report, _editor = get_report_for(request.user, session_id)
    try:
        pdf = reports.render_pdf(report)
    except OSError:  # Pango missing on this server
        messages.error(
            request, _("This server cannot make PDF files (the Pango library is missing).")
        )
        return redirect("reports:report_detail", session_id=session.pk)
    return _download(pdf, "application/pdf", reports.export_filename(session, "pdf"))
