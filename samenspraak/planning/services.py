"""Writes for cycles, sessions, ground rules and preparations. Keyword-only, one
transaction each, an audit entry each; mail and reminders go out after commit."""

import secrets
from collections.abc import Iterable
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspraak.accounts.models import User
from samenspraak.core.audit import record
from samenspraak.live.events import recheck_user_sockets
from samenspraak.methods.models import Method
from samenspraak.methods.services import snapshot_take
from samenspraak.planning import notify
from samenspraak.planning.cadence import Cadence, CadenceChange, plan_change, starts
from samenspraak.planning.models import (
    CalendarFeed,
    Cycle,
    GroundRule,
    Holiday,
    Preparation,
    Session,
    SessionStatus,
)
from samenspraak.schools.models import Ambition, Group, School

DEFAULT_GROUND_RULES = (
    # Dutch first: a school edits these in its own words (planning/ground-rules page).
    "We komen samen om te leren, niet om te oordelen.",
    "Wat persoonlijk is, blijft in de kamer.",
    "We luisteren om te begrijpen, niet om te antwoorden.",
    "Iedereen komt aan het woord; passen mag.",
)


def ground_rules_for(school: School) -> list[GroundRule]:
    """The school's own ground rules, or (unsaved) the defaults while it has none: reading
    them writes nothing."""
    rules = list(school.ground_rules.all())
    return rules or [
        GroundRule(school=school, position=i, text=t) for i, t in enumerate(DEFAULT_GROUND_RULES)
    ]


@transaction.atomic
def ground_rules_save(*, school: School, by: User, texts: Iterable[str]) -> None:
    school.ground_rules.all().delete()
    GroundRule.objects.bulk_create(
        [
            GroundRule(school=school, position=i, text=t.strip())
            for i, t in enumerate(texts)
            if t.strip()
        ]
    )
    record(school=school, actor=by, action="ground_rules.save")


HOLIDAY_MOST_DAYS = 92  # a summer holiday is about six weeks; more is a typing error
HOLIDAYS_MOST = 40  # per school


def holiday_add(*, school: School, by: User, name: str, first_day: date, last_day: date) -> Holiday:
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the holiday a name."))
    if last_day < first_day:
        raise ValidationError(_("The last day comes on or after the first day."))
    if (last_day - first_day).days >= HOLIDAY_MOST_DAYS:
        raise ValidationError(
            _("A holiday lasts at most %(days)s days.") % {"days": HOLIDAY_MOST_DAYS}
        )
    if school.holidays.count() >= HOLIDAYS_MOST:
        raise ValidationError(
            _("A school keeps at most %(count)s holidays; remove past ones first.")
            % {"count": HOLIDAYS_MOST}
        )
    holiday = Holiday.objects.create(
        school=school, name=name[:80], first_day=first_day, last_day=last_day
    )
    record(school=school, actor=by, action="holiday.add", target=holiday.name)
    return holiday


def holiday_remove(*, holiday: Holiday, by: User) -> None:
    record(school=holiday.school, actor=by, action="holiday.remove", target=holiday.name)
    holiday.delete()


def holiday_spans(school: School) -> tuple[tuple[date, date], ...]:
    """The school's holidays as (first day, last day), for a cadence."""
    return tuple(school.holidays.values_list("first_day", "last_day"))


def participants(session: Session) -> list[User]:
    """Everyone who takes part: the group's active members, the invitees and the
    facilitator — only people still active in the session's school (or, for a network,
    its board)."""
    people: dict[int, User] = {}
    if session.group_id:
        for user in session.group.members.filter(is_active=True):
            people[user.pk] = user
    for user in session.invitees.filter(is_active=True):
        people[user.pk] = user
    if session.facilitator_id and session.facilitator.is_active:
        people[session.facilitator_id] = session.facilitator
    return sorted(people.values(), key=lambda u: u.name)


def cycle_cadence(cycle: Cycle) -> Cadence:
    return Cadence(
        period_start=cycle.period_start,
        period_end=cycle.period_end,
        start_time=cycle.start_time,
        every_weeks=cycle.every_weeks,
        weekday=cycle.weekday,
        dates=tuple(date.fromisoformat(d) for d in cycle.dates),
        holidays=holiday_spans(cycle.school),
    )


def _session_from_cycle(cycle: Cycle, start: datetime, by: User) -> Session:
    return Session(
        school=cycle.school,
        cycle=cycle,
        group=cycle.group,
        title=cycle.title,
        structure=cycle.structure,
        facilitator=cycle.facilitator,
        goal=cycle.goal,
        starts_at=start,
        duration_minutes=cycle.duration_minutes,
        place=cycle.place,
        created_by=by,
    )


@transaction.atomic
def cycle_create(
    *,
    school: School,
    by: User,
    group: Group,
    ambitions: Iterable[Ambition],
    title: str,
    goal: str,
    period_start: date,
    period_end: date,
    pdca_phase: str,
    structure: str,
    every_weeks: int | None,
    weekday: int | None,
    dates: list[date],
    start_time: time,
    duration_minutes: int,
    place: str,
    facilitator: User | None,
) -> Cycle:
    cycle = Cycle.objects.create(
        school=school,
        group=group,
        title=title.strip(),
        goal=goal.strip(),
        period_start=period_start,
        period_end=period_end,
        pdca_phase=pdca_phase,
        structure=structure,
        every_weeks=every_weeks,
        weekday=weekday,
        dates=[d.isoformat() for d in dates],
        start_time=start_time,
        duration_minutes=duration_minutes,
        place=place.strip(),
        facilitator=facilitator,
        created_by=by,
    )
    cycle.ambitions.set(list(ambitions))
    now = timezone.now()
    sessions = [
        _session_from_cycle(cycle, start, by)
        for start in starts(cycle_cadence(cycle))
        if start > now
    ]
    for session in sessions:
        session.save()
        notify.session_planned(session)
    record(
        school=school,
        actor=by,
        action="cycle.create",
        target=cycle.title,
        detail={"sessions": len(sessions)},
    )
    return cycle


def cadence_change(cycle: Cycle, cadence: Cadence) -> CadenceChange:
    now = timezone.now()
    sessions = list(cycle.sessions.exclude(status=SessionStatus.CANCELLED).order_by("starts_at"))
    planned = [s for s in sessions if s.status == SessionStatus.PLANNED and s.starts_at > now]
    kept = {timezone.localtime(s.starts_at).date() for s in sessions if s not in planned}
    return plan_change(planned=planned, kept_dates=kept, new_starts=starts(cadence), now=now)


@transaction.atomic
def cycle_update(
    *, cycle: Cycle, by: User, ambitions: Iterable[Ambition], **fields
) -> CadenceChange:
    """Save the cycle and apply its (possibly new) cadence. The caller has shown the
    returned change to the person and had it confirmed when it moves or cancels sessions."""
    dates = fields.pop("dates")
    for name, value in fields.items():
        setattr(cycle, name, value.strip() if isinstance(value, str) else value)
    cycle.dates = [d.isoformat() for d in dates]
    cycle.save()
    cycle.ambitions.set(list(ambitions))
    change = cadence_change(cycle, cycle_cadence(cycle))
    for session, start in change.move:
        session.starts_at = start
        session.ics_sequence += 1
        session.save(update_fields=["starts_at", "ics_sequence"])
        notify.session_changed(session)
    for session in change.cancel:
        session.status = SessionStatus.CANCELLED
        session.ics_sequence += 1
        session.save(update_fields=["status", "ics_sequence"])
        notify.session_cancelled(session)
    for start in change.add:
        session = _session_from_cycle(cycle, start, by)
        session.save()
        notify.session_planned(session)
    record(
        school=cycle.school,
        actor=by,
        action="cycle.update",
        target=cycle.title,
        detail={
            "added": len(change.add),
            "moved": len(change.move),
            "cancelled": len(change.cancel),
        },
    )
    return change


SESSION_FIELDS = (
    "title",
    "orientation",
    "structure",
    "facilitator",
    "occasion",
    "goal",
    "shared_interest",
    "starts_at",
    "duration_minutes",
    "place",
    "video_link",
    "extra_ground_rules",
    "preparation",
    "preparation_deadline",
    "feedback_anonymous",
)


@transaction.atomic
def session_create(
    *,
    school: School,
    by: User,
    group: Group | None,
    cycle: Cycle | None,
    invitees: Iterable[User],
    **fields,
) -> Session:
    session = Session(school=school, group=group, cycle=cycle, created_by=by)
    for name in SESSION_FIELDS:
        value = fields[name]
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.save()
    session.invitees.set(list(invitees))
    notify.session_planned(session)
    record(school=school, actor=by, action="session.create", target=session.title)
    return session


@transaction.atomic
def session_update(
    *, session: Session, by: User, group: Group | None, invitees: Iterable[User], **fields
) -> None:
    before = set(participants(session))
    facilitator_before = session.facilitator_id
    for name in SESSION_FIELDS:
        value = fields[name]
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.group = group
    session.ics_sequence += 1
    session.save()
    session.invitees.set(list(invitees))
    after = set(participants(session))
    notify.session_changed(session, removed=before - after)
    record(school=session.school, actor=by, action="session.update", target=session.title)
    # Whoever left the session, or stopped facilitating it, may have lost its live room.
    changed = {user.pk for user in before - after}
    if facilitator_before != session.facilitator_id:
        changed.add(facilitator_before)
        transaction.on_commit(lambda: _facilitator_changed_live(session.pk, facilitator_before))
    transaction.on_commit(lambda: recheck_user_sockets(changed - {None}))


def _facilitator_changed_live(session_id: int, previous_id: int | None) -> None:
    """A new facilitator leads an open live room at once: their seat, if any, leaves its
    orders, pairs and tables; the previous one's seat takes part from now on, unless they
    still run the room from its console; every screen hears of it. (The live room builds
    on planning, so it is imported here, when needed.)"""
    from samenspraak.live import engine
    from samenspraak.live.events import broadcast_room
    from samenspraak.live.models import Room

    room_id = Room.objects.filter(session_id=session_id).values_list("pk", flat=True).first()
    outcome = None
    if room_id is not None:
        outcome = engine.facilitator_changed(room_id=room_id, previous_id=previous_id)
    if outcome is not None:
        broadcast_room(room_id, outcome.events)


@transaction.atomic
def session_cancel(*, session: Session, by: User) -> None:
    session.status = SessionStatus.CANCELLED
    session.ics_sequence += 1
    session.save(update_fields=["status", "ics_sequence"])
    notify.session_cancelled(session)
    record(school=session.school, actor=by, action="session.cancel", target=session.title)


@transaction.atomic
def session_attach_method(*, session: Session, by: User, method: Method) -> str | None:
    """Attach a snapshot of the work form. Returns a warning when its phases do not add up
    to the session's duration."""
    session.method_snapshot = snapshot_take(method=method)
    session.save(update_fields=["method_snapshot"])
    record(school=session.school, actor=by, action="session.method", target=session.title)
    total = session.method_snapshot.total_minutes
    if total != session.duration_minutes:
        return _(
            "The phases of this work form take %(total)d minutes; the session lasts %(duration)d. "
            "Adjust the timings or the duration."
        ) % {"total": total, "duration": session.duration_minutes}
    return None


@transaction.atomic
def preparation_save(
    *, session: Session, author: User, answers: dict[str, str], shared: bool
) -> Preparation:
    preparation, _created = Preparation.objects.get_or_create(session=session, author=author)
    preparation.answers = answers
    preparation.shared = shared
    preparation.updated_at = timezone.now()
    preparation.save()
    # No audit entry with content, and none naming the author: the audit log is readable
    # by a school's admins, and a preparation is private.
    return preparation


def calendar_feed_issue(*, user: User) -> str:
    """A new secret feed address for this person; the previous one stops working."""
    token = secrets.token_urlsafe(24)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": CalendarFeed.hash(token), "created_at": timezone.now()}
    )
    return token


def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
