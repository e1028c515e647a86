"""Portfolios: a group's timeline of held sessions and what they left behind, and a
person's own sessions, action points and reflections.

Who sees what:
- A group's portfolio: its members and the school's planners (admin, leaders,
  facilitators: `schools.access.get_group_for`). It shows published reports, agreements,
  action points — group data.
- Reflections a member shared with the group are shown to the group's members only. A
  leader or planner who is not in the group sees no reflection at all, not even a count:
  sharing with the group is not sharing with the school.
- "Mijn portfolio" shows one person only their own things.

Both pages load everything in a fixed number of queries (prefetches), whatever the
number of sessions; the tests pin it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from samenspraak.accounts.models import User
from samenspraak.followup.models import (
    ActionPoint,
    Agreement,
    Reflection,
    ReportStatus,
    Support,
)
from samenspraak.planning.access import participant_filter
from samenspraak.planning.models import Session, SessionStatus
from samenspraak.schools.access import active_memberships
from samenspraak.schools.models import Ambition, Group


def held(now: datetime | None = None) -> Q:
    """Sessions that took place: marked held, or planned and already begun."""
    now = now or timezone.now()
    return Q(status=SessionStatus.HELD) | Q(status=SessionStatus.PLANNED, starts_at__lte=now)


def is_group_member(user: User, group: Group) -> bool:
    return group.members.filter(pk=user.pk).exists()


def group_ambitions(group: Group) -> QuerySet[Ambition]:
    """The ambitions the group's cycles work on: the choices of the filter."""
    return Ambition.objects.filter(cycles__group=group).distinct().order_by("title")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def support_counts(agreement: Agreement) -> dict[str, int]:
    counts = {value: 0 for value in Support.values}
    for answer in agreement.answers.all():  # prefetched
        counts[answer.answer] += 1
    return counts


@dataclass
class Entry:
    """One session on the timeline, with what it left behind."""

    session: Session
    report_published: bool
    agreements: list[Agreement]
    action_points: list[ActionPoint]
    reflections: list[Reflection]
    ambitions: list[Ambition]


def group_timeline(
    group: Group,
    *,
    with_reflections: bool,
    ambition: Ambition | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Entry]:
    """Held sessions of the group, newest first; `with_reflections` only for members."""
    sessions = (
        Session.objects.filter(group=group)
        .filter(held())
        .select_related("cycle", "facilitator", "report")
        .prefetch_related(
            "cycle__ambitions",
            Prefetch("agreements", queryset=Agreement.objects.prefetch_related("answers")),
            Prefetch("action_points", queryset=ActionPoint.objects.prefetch_related("owners")),
        )
        .order_by("-starts_at", "-pk")
    )
    if with_reflections:
        sessions = sessions.prefetch_related(
            Prefetch(
                "reflections",
                queryset=Reflection.objects.filter(shared_with_group=True).select_related("author"),
                to_attr="shared_reflections",
            )
        )
    if ambition is not None:
        sessions = sessions.filter(cycle__ambitions=ambition)
    if start is not None:
        sessions = sessions.filter(starts_at__gte=_day_start(start))
    if end is not None:
        sessions = sessions.filter(starts_at__lt=_day_start(end) + timezone.timedelta(days=1))
    entries = []
    for session in sessions:
        report = session.report if _has_report(session) else None
        reflections = list(getattr(session, "shared_reflections", []))
        for reflection in reflections:
            reflection.parts = reflection_parts(reflection)
        agreements = list(session.agreements.all())
        for agreement in agreements:
            agreement.support = support_counts(agreement)
        entries.append(
            Entry(
                session=session,
                report_published=report is not None and report.status == ReportStatus.PUBLISHED,
                agreements=agreements,
                action_points=list(session.action_points.all()),
                reflections=reflections,
                ambitions=list(session.cycle.ambitions.all()) if session.cycle_id else [],
            )
        )
    return entries


def reflection_parts(reflection: Reflection) -> list[tuple[str, str]]:
    """A reflection's answers as (question, text), in the form's order for STARR(T)."""
    from samenspraak.planning.forms import STARRT_FIELDS

    labels = {key: str(label) for key, label in STARRT_FIELDS}
    answers = reflection.answers if isinstance(reflection.answers, dict) else {}
    order = [key for key, _label in STARRT_FIELDS if key in answers]
    order += [key for key in answers if key not in labels]
    return [(labels.get(key, ""), str(answers[key])) for key in order if str(answers[key]).strip()]


def _has_report(session: Session) -> bool:
    try:
        session.report  # noqa: B018 — selected with the session, no query
    except Session.report.RelatedObjectDoesNotExist:
        return False
    return True


@dataclass
class Mine:
    sessions: list[Session]
    action_points: list[ActionPoint]
    reflections: list[Reflection]
    published_reports: set[int]


def my_portfolio(user: User) -> Mine:
    """A person's own portfolio: the held sessions they took part in (as a group member,
    an invitee or the facilitator, in schools where they are still active), their action
    points, and all their reflections, shared or not."""
    schools = [m.school_id for m in active_memberships(user)]
    session_ids = (
        Session.objects.filter(participant_filter(user), school_id__in=schools)
        .filter(held())
        .values("pk")
    )
    sessions = list(
        Session.objects.filter(pk__in=session_ids)
        .select_related("group", "report")
        .order_by("-starts_at", "-pk")
    )
    published = {
        s.pk for s in sessions if _has_report(s) and s.report.status == ReportStatus.PUBLISHED
    }
    action_points = list(
        ActionPoint.objects.filter(owners=user)
        .select_related("session")
        .prefetch_related("owners")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    reflections = list(Reflection.objects.filter(author=user).select_related("session", "coach"))
    for reflection in reflections:
        reflection.parts = reflection_parts(reflection)
    return Mine(
        sessions=sessions,
        action_points=action_points,
        reflections=reflections,
        published_reports=published,
    )
