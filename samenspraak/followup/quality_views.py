"""Pages of the dialogue-quality check, the safety scale and a group's results.

| who                                         | may                                           |
|---------------------------------------------|-----------------------------------------------|
| a session's participants (planning.access)  | fill in the session's scan once               |
| a group's members                           | fill in the safety scale once per half-year   |
| a group's members and the school's planners | see the group's results (suppressed)          |
| anyone else                                 | the same 404 as for a group that is not there |

Nothing here writes an audit entry or a log line with a person next to an answer.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspraak.followup import quality
from samenspraak.planning.access import can_plan, get_session_for, is_participant
from samenspraak.planning.charts import bar_chart, format_value
from samenspraak.planning.models import Session, SessionStatus
from samenspraak.schools.access import get_group_for


def _scan_session(request: HttpRequest, session_id: int) -> Session:
    """The door to a session's scan: its participants, once it has begun, not cancelled,
    with a group (the answers are kept per group)."""
    session = get_session_for(request.user, session_id)
    if (
        not is_participant(request.user, session)
        or session.group_id is None
        or session.status == SessionStatus.CANCELLED
    ):
        raise Http404
    return session


def _member_group(request: HttpRequest, group_id: int):
    group = get_group_for(request.user, group_id)
    if not group.members.filter(pk=request.user.pk).exists():
        raise Http404
    return group


def _form_items(questionnaire, data) -> list[dict]:
    low, high = questionnaire.scale
    rows = []
    for number, item in enumerate(questionnaire.items, start=1):
        chosen = data.get(item.key) if data is not None else None
        points = []
        for value in range(low, high + 1):
            label = str(value) if item.bipolar else questionnaire.anchors[value - low]
            points.append({"value": value, "label": label, "checked": str(value) == chosen})
        rows.append({"item": item, "number": number, "points": points})
    return rows


@login_required
def scan_answer(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _scan_session(request, session_id)
    started = session.starts_at <= timezone.now()
    answered = quality.has_answered_scan(request.user, session)
    error = None
    status = 200
    if request.method == "POST":
        if not started:
            error = _("The quality check opens when the session begins.")
        elif answered:
            error = _("You have already filled this in.")
        else:
            try:
                quality.answer_scan(user=request.user, session=session, data=request.POST)
            except ValidationError as problem:
                error = problem.messages[0]
            else:
                messages.success(request, _("Thank you. Your answers have been saved anonymously."))
                return redirect("quality:results", group_id=session.group_id)
        status = 400
    return render(
        request,
        "followup/quality_scan.html",
        {
            "session": session,
            "questionnaire": quality.SCAN,
            "characteristics": [
                r
                for r in _form_items(quality.SCAN, request.POST if error else None)
                if r["item"].part == "characteristics"
            ],
            "contrasts": [
                r
                for r in _form_items(quality.SCAN, request.POST if error else None)
                if r["item"].part == "contrasts"
            ],
            "started": started,
            "answered": answered,
            "error": error,
            "min_answers": quality.MIN_ANSWERS,
        },
        status=status,
    )


@login_required
def safety_answer(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _member_group(request, group_id)
    period = quality.current_period()
    answered = quality.has_answered_safety(request.user, group, period)
    error = None
    status = 200
    if request.method == "POST":
        if answered:
            error = _("You have already filled this in.")
        else:
            try:
                quality.answer_safety(user=request.user, group=group, data=request.POST)
            except ValidationError as problem:
                error = problem.messages[0]
            else:
                messages.success(request, _("Thank you. Your answers have been saved anonymously."))
                return redirect("quality:results", group_id=group.pk)
        status = 400
    return render(
        request,
        "followup/quality_safety.html",
        {
            "group": group,
            "questionnaire": quality.SAFETY,
            "rows": _form_items(quality.SAFETY, request.POST if error else None),
            "period": quality.period_label(period),
            "answered": answered,
            "error": error,
            "min_answers": quality.MIN_ANSWERS,
        },
        status=status,
    )


def _value(value: float | None) -> str:
    return "–" if value is None else format_value(value)


def _chart(title: str, label_name: str, rows: list, series_names: list[str], id_prefix: str):
    """A bar chart of the shown rows only; None when nothing may be shown."""
    shown = [row for row in rows if row["shown"]]
    if not shown:
        return None
    labels = [row["label"] for row in shown][-40:]
    series = []
    for index, name in enumerate(series_names):
        series.append((name, [row["values"][index] for row in shown][-40:]))
    return bar_chart(
        title=title, label_name=label_name, labels=labels, series=series, id_prefix=id_prefix
    )


def _rows(aggregates, questionnaire, parts: list[str]) -> list[dict]:
    rows = []
    for aggregate in aggregates:
        values = [aggregate.mean] + [aggregate.part_mean(questionnaire, p) for p in parts]
        rows.append(
            {
                "label": aggregate.label,
                "shown": aggregate.shown,
                "count": aggregate.count if aggregate.shown else None,
                "values": values,
                "display": [_value(v) for v in values],
                "items": [
                    (item, _value(aggregate.item_mean(item.key))) for item in questionnaire.items
                ],
            }
        )
    return rows


@login_required
def group_results(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    is_member = group.members.filter(pk=request.user.pk).exists()
    if not is_member and not can_plan(request.user, group.school_id):
        raise Http404
    labels = {
        pk: f"{timezone.localtime(starts).date():%Y-%m-%d} {title}"
        for pk, starts, title in Session.objects.filter(group=group).values_list(
            "pk", "starts_at", "title"
        )
    }
    results = quality.group_results(group, labels)
    scan_rows = _rows(results.scan_periods, quality.SCAN, ["characteristics", "contrasts"])
    session_rows = _rows(
        [child for period in results.scan_periods for child in period.children],
        quality.SCAN,
        ["characteristics", "contrasts"],
    )
    safety_rows = _rows(results.safety_periods, quality.SAFETY, [])
    scan_series = [_("overall"), _("characteristics"), _("dialogue or discussion")]
    safety_series = [_("psychological safety")]
    period = quality.current_period()
    return render(
        request,
        "followup/quality_results.html",
        {
            "group": group,
            "is_member": is_member,
            "scan_rows": scan_rows,
            "session_rows": session_rows,
            "safety_rows": safety_rows,
            "scan_series": scan_series,
            "safety_series": safety_series,
            "scan_chart": _chart(
                _("Dialogue quality per session (1–5)"),
                _("session"),
                session_rows,
                scan_series,
                "scan-chart",
            ),
            "safety_chart": _chart(
                _("Psychological safety per half-year (1–7)"),
                _("half-year"),
                safety_rows,
                safety_series,
                "safety-chart",
            ),
            "safety_answered": is_member
            and quality.has_answered_safety(request.user, group, period),
            "min_answers": quality.MIN_ANSWERS,
            "scan_items": quality.SCAN.items,
        },
    )
