"""Background tasks (django-tasks, stored in the database)."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def send_action_reminder(*, action_id: int, due_date: str) -> int:
    """Remind the owners of an action point that it is due soon. Returns how many were
    reminded; sends nothing twice, and nothing when the action point is done, dropped,
    has another due date or no longer exists."""
    from samenspraak.followup.models import ActionPoint, ActionReminderSent
    from samenspraak.followup.notify import reminder_due

    due = date.fromisoformat(due_date)
    action = ActionPoint.objects.filter(pk=action_id).select_related("session").first()
    if action is None or not reminder_due(action, due):
        return 0
    link = settings.SITE_URL + reverse("followup:my_actions")
    sent = 0
    for person in action.owners.filter(is_active=True):
        try:
            with transaction.atomic():
                ActionReminderSent.objects.create(action=action, user=person, due_date=due)
        except IntegrityError:
            continue  # already reminded of this due date
        with translation.override(person.language or settings.LANGUAGE_CODE):
            context = {"action": action, "person": person, "link": link}
            subject = render_to_string("followup/email/action_reminder_subject.txt", context)
            body = render_to_string("followup/email/action_reminder.txt", context)
        send_mail(subject.strip(), body, None, [person.email])
        sent += 1
    return sent


@task()
def send_report_links(*, report_id: int) -> int:
    """Mail the link to a published report to the participants not told of it yet
    (`report.mail_published`); returns how many. Nothing when the report is gone or no
    longer published. A mail server that fails fails the task and leaves them untold."""
    from samenspraak.followup.models import Report, ReportStatus
    from samenspraak.followup.report import mail_published

    report = Report.objects.filter(pk=report_id).select_related("session").first()
    if report is None or report.status != ReportStatus.PUBLISHED:
        return 0
    return mail_published(report)
