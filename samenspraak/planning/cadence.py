"""Turn a cycle's cadence into dates, and work out what a cadence change would do to the
sessions already planned (pure functions: no database writes)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

MAX_SESSIONS = 60  # a cadence that would make more is refused, not truncated


@dataclass(frozen=True)
class Cadence:
    period_start: date
    period_end: date
    start_time: time
    every_weeks: int | None = None
    weekday: int | None = None
    dates: tuple[date, ...] = ()
    # The school's holidays, (first day, last day) both included: a session of the rhythm
    # that falls in one moves to the same weekday after it. Chosen dates stay as chosen.
    holidays: tuple[tuple[date, date], ...] = ()


def after_holidays(day: date, holidays: tuple[tuple[date, date], ...]) -> date:
    """`day`, or when it falls in a holiday the same weekday in the first week after it
    (and after the next holiday too, should that one follow straight on)."""
    moved = True
    while moved:
        moved = False
        for first, last in holidays:
            if first <= day <= last:
                day += timedelta(weeks=(last - day).days // 7 + 1)
                moved = True
    return day


def cadence_dates(cadence: Cadence) -> list[date]:
    if cadence.dates:
        return sorted(
            d for d in set(cadence.dates) if cadence.period_start <= d <= cadence.period_end
        )
    if not cadence.every_weeks or cadence.weekday is None:
        return []
    first = cadence.period_start + timedelta(
        days=(cadence.weekday - cadence.period_start.weekday()) % 7
    )
    rhythm = []
    day = first
    while day <= cadence.period_end and len(rhythm) <= MAX_SESSIONS:
        rhythm.append(day)
        day += timedelta(weeks=cadence.every_weeks)
    # A session moved out of a holiday keeps the rhythm of the others: it is left out when
    # it would land on or after the next one, or after the period.
    result = []
    for index, day in enumerate(rhythm):
        moved = after_holidays(day, cadence.holidays)
        following = rhythm[index + 1] if index + 1 < len(rhythm) else None
        if moved <= cadence.period_end and (following is None or moved < following):
            result.append(moved)
    return result


def starts(cadence: Cadence) -> list[datetime]:
    zone = timezone.get_current_timezone()
    return [datetime.combine(d, cadence.start_time, tzinfo=zone) for d in cadence_dates(cadence)]


@dataclass
class CadenceChange:
    """What applying a new cadence does: new sessions, planned ones that move, planned ones
    that are cancelled. Held (and past) sessions are never touched."""

    add: list[datetime] = field(default_factory=list)
    move: list[tuple[object, datetime]] = field(default_factory=list)
    cancel: list[object] = field(default_factory=list)

    @property
    def touches_planned(self) -> bool:
        return bool(self.move or self.cancel)

    @property
    def empty(self) -> bool:
        return not (self.add or self.move or self.cancel)


def plan_change(
    *, planned: list, kept_dates: set[date], new_starts: list[datetime], now: datetime
) -> CadenceChange:
    """Pair the future planned sessions, in order, with the future new start times.

    `planned`: sessions still planned and in the future, sorted by start. `kept_dates`:
    dates already taken by sessions that stay as they are (held or past)."""
    wanted = [s for s in new_starts if s > now and s.date() not in kept_dates]
    change = CadenceChange()
    for session, start in zip(planned, wanted, strict=False):
        if session.starts_at != start:
            change.move.append((session, start))
    change.add = wanted[len(planned) :]
    change.cancel = planned[len(wanted) :]
    return change
