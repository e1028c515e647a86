"""Reminders for action points, through the background task queue. Queued after the
transaction commits, so nothing is queued for an action point that was rolled back; the
task itself checks again, when it runs, that the reminder is still due."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

REMIND_DAYS_BEFORE = 2
REMIND_AT = time(8, 0)  # in the morning, school time


def reminder_moment(due_date: date) -> datetime:
    moment = datetime.combine(due_date - timedelta(days=REMIND_DAYS_BEFORE), REMIND_AT)
    return timezone.make_aware(moment)


def action_reminders_schedule(action) -> None:
    """Queue a reminder for the action point's current due date (none without one, or when
    the due date has passed)."""
    if action.due_date is None:
        return
    action_id, due = action.pk, action.due_date

    def enqueue():
        from samenspraak.followup.tasks import send_action_reminder

        now = timezone.now()
        if timezone.make_aware(datetime.combine(due, time.max)) < now:
            return
        send_action_reminder.using(run_after=max(reminder_moment(due), now)).enqueue(
            action_id=action_id, due_date=due.isoformat()
        )

    transaction.on_commit(enqueue)


def reminder_due(action, due_date: date) -> bool:
    return action.is_open and action.due_date == due_date
