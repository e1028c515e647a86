"""Evidence pages: add a document, link or data table to a session; look at it (a table
with its chart); download a document; remove it. Forbidden and missing are the same 404."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspraak.planning import charts
from samenspraak.planning.access import can_manage_evidence, get_evidence_for, get_session_for
from samenspraak.planning.evidence import (
    EvidenceError,
    chart_data,
    describe,
    evidence_add_document,
    evidence_add_link,
    evidence_add_table,
    evidence_set_chart,
)
from samenspraak.planning.evidence import evidence_delete as delete_evidence
from samenspraak.planning.forms_evidence import ChartForm, DocumentForm, LinkForm, TableForm
from samenspraak.planning.models import Evidence, EvidenceKind

PREVIEW_ROWS = 20
FORMS = {"document": DocumentForm, "link": LinkForm, "table": TableForm}


def _forms(request: HttpRequest, kind: str | None) -> dict:
    """The three add-forms, each with its own prefix; only the chosen one is bound."""
    too_large = getattr(request, "upload_too_large", False)
    forms = {}
    for name, form_class in FORMS.items():
        args = (request.POST, request.FILES) if name == kind else ()
        extra = {"too_large": too_large} if form_class is not LinkForm else {}
        forms[name] = form_class(*args, prefix=name, **extra)
    return forms


def _add(kind: str, form, request: HttpRequest, session) -> Evidence:
    data = form.cleaned_data
    if kind == "document":
        return evidence_add_document(
            session=session, by=request.user, upload=data["file"], title=data["title"]
        )
    if kind == "table":
        return evidence_add_table(
            session=session, by=request.user, upload=data["file"], title=data["title"]
        )
    return evidence_add_link(session=session, by=request.user, url=data["url"], title=data["title"])


@login_required
def evidence_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for(request.user, session_id)
    if not can_manage_evidence(request.user, session):
        raise Http404
    kind = request.POST.get("kind") if request.method == "POST" else None
    forms = _forms(request, kind)
    problem = ""
    if request.method == "POST":
        form = forms.get(kind)
        if form is None:
            problem = _("Choose what to add: a document, a link or a data table.")
        elif form.is_valid():
            try:
                evidence = _add(kind, form, request, session)
            except EvidenceError as error:
                form.add_error("url" if kind == "link" else "file", str(error))
            else:
                messages.success(
                    request, _("“%(title)s” has been added.") % {"title": evidence.title}
                )
                if evidence.kind == EvidenceKind.TABLE:
                    return redirect("planning:evidence_detail", evidence_id=evidence.pk)
                return redirect("planning:session_detail", session_id=session.pk)
    context = {"session": session, "forms": forms, "bound": forms.get(kind), "problem": problem}
    status = 400 if request.method == "POST" else 200
    return render(request, "planning/evidence_add.html", context, status=status)


def _table_context(evidence: Evidence, chart_form: ChartForm | None) -> dict:
    table = evidence.table
    rows = table.get("rows", [])
    context = {
        "columns": table.get("columns", []),
        "preview": rows[:PREVIEW_ROWS],
        "rows": rows,
        "more_rows": len(rows) > PREVIEW_ROWS,
        "has_numbers": any(table.get("numeric", [])),
        "chart_form": chart_form,
        "chart": None,
    }
    data = chart_data(evidence)
    if data is not None and len(data[1]) <= charts.MAX_CATEGORIES:
        label, labels, series = data
        context["chart"] = charts.bar_chart(
            title=evidence.title, label_name=label, labels=labels, series=series
        )
        context["chart_label"] = label
        context["chart_series"] = [name for name, _values in series]
        by_row = zip(*[values for _name, values in series], strict=True)
        context["chart_rows"] = [
            (text, ["–" if v is None else charts.format_value(v) for v in values])
            for text, values in zip(labels, by_row, strict=True)
        ]
    return context


@login_required
def evidence_detail(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = get_evidence_for(request.user, evidence_id)
    session = evidence.session
    can_manage = can_manage_evidence(request.user, session)
    if request.method == "POST" and not can_manage:
        raise Http404
    context = {"evidence": evidence, "session": session, "can_manage_evidence": can_manage}
    status = 200
    if evidence.kind == EvidenceKind.TABLE:
        chart_form = None
        table = evidence.table
        if can_manage and any(table.get("numeric", [])):
            chosen = evidence.chart_columns
            initial = {"label_column": chosen[0], "value_columns": chosen[1:]} if chosen else {}
            data = request.POST if request.method == "POST" else None
            chart_form = ChartForm(table["columns"], table["numeric"], data, initial=initial)
        if request.method == "POST":
            status = 400
            if chart_form is None:
                messages.error(request, _("This table has no column with numbers only."))
            elif chart_form.is_valid():
                try:
                    evidence_set_chart(
                        evidence=evidence, by=request.user, **chart_form.cleaned_data
                    )
                except EvidenceError as error:
                    chart_form.add_error(None, str(error))
                else:
                    messages.success(request, _("The chart has been drawn."))
                    return redirect("planning:evidence_detail", evidence_id=evidence.pk)
        context |= _table_context(evidence, chart_form)
    elif request.method == "POST":
        status = 400
    if evidence.kind == EvidenceKind.DOCUMENT:
        context["what"] = describe(evidence)
    return render(request, "planning/evidence_detail.html", context, status=status)


@login_required
@require_safe
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = get_evidence_for(request.user, evidence_id)
    if evidence.kind != EvidenceKind.DOCUMENT or not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = PurePosixPath(evidence.file.name).suffix
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(evidence.title) or 'document'}{suffix}",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = get_evidence_for(request.user, evidence_id)
    session = evidence.session
    if not can_manage_evidence(request.user, session):
        raise Http404
    title = evidence.title
    delete_evidence(evidence=evidence, by=request.user)
    messages.success(request, _("“%(title)s” has been removed.") % {"title": title})
    return redirect("planning:session_detail", session_id=session.pk)
