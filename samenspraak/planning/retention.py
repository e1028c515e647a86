"""Per-school retention (PRODUCT.md: "people own their data … per-school retention").

A school's admin sets how many years sessions are kept. Every night the task
`planning.tasks.sweep_retention` deletes the school's sessions that started longer ago,
with everything in them: the live room and its notes, agreements, action points,
insights, 3xW feedback, reports, evidence (and its files), preparations. A cycle whose
period ended before then and has no session left goes too. Personal reflections stay
with their authors, without the session; anonymous quality answers stay in the group's
totals, without the session. The audit log records how many sessions went, never what
they held.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspraak.accounts.models import User
from samenspraak.core.audit import record
from samenspraak.planning.models import Cycle, Session
from samenspraak.schools.models import School

MOST_YEARS = 20
SWEEP_AT = time(3, 0)  # at night, school time


def years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cutoff(years: int | None, now: datetime) -> datetime | None:
    """Sessions that started before this moment are past a term of `years` (None: the
    school keeps everything)."""
    if not years:
        return None
    day = years_ago(timezone.localtime(now).date(), years)
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def expired_sessions(school: School, years: int | None, now: datetime) -> QuerySet:
    """The school's sessions past a term of `years` (none when it keeps everything)."""
    moment = cutoff(years, now)
    if moment is None:
        return Session.objects.none()
    return Session.objects.filter(school_id=school.pk, starts_at__lt=moment)


@transaction.atomic
def sweep(school: School, now: datetime) -> int:
    """Delete what is past the school's term; returns how many sessions went."""
    moment = cutoff(school.retention_years, now)
    if moment is None:
        return 0
    sessions = expired_sessions(school, school.retention_years, now)
    count = sessions.count()
    sessions.delete()  # cascades; evidence files go after commit (planning.signals)
    Cycle.objects.filter(school=school, period_end__lt=moment.date(), sessions=None).delete()
    if count:
        record(school=school, actor=None, action="retention.sweep", detail={"sessions": count})
    return count


def retention_set(*, school: School, by: User, years: int | None) -> None:
    if years is not None and not 1 <= years <= MOST_YEARS:
        raise ValidationError(
            _("Keep sessions for 1 to %(most)s years, or keep everything.") % {"most": MOST_YEARS}
        )
    school.retention_years = years
    school.save(update_fields=["retention_years"])
    record(school=school, actor=by, action="retention.set", detail={"years": years})
    if years is not None:
        schedule_sweep(school, first_night(timezone.now()))


def first_night(now: datetime) -> date:
    """The night of the first sweep after `now`: today's if 03:00 is still to come."""
    local = timezone.localtime(now)
    return local.date() if local.time() < SWEEP_AT else local.date() + timedelta(days=1)


def schedule_sweep(school: School, night: date) -> None:
    """Queue the sweep of `night` at 03:00 (after commit). Two queued for one night make
    one sweep: the task sweeps a school once a night, and only that one queues the next."""
    from samenspraak.planning.tasks import sweep_retention

    moment = datetime.combine(night, SWEEP_AT, tzinfo=timezone.get_current_timezone())
    transaction.on_commit(
        lambda: sweep_retention.using(run_after=moment).enqueue(
            school_id=school.pk, day=night.isoformat()
        )
    )
