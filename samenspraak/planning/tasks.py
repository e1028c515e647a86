"""Background tasks (django-tasks, stored in the database)."""

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def send_reminder(*, session_id: int, kind: str, moment: str) -> int:
    """Remind the participants of a session (kind "session") or those who have not
    prepared yet (kind "preparation"). Returns how many were reminded; sends nothing
    twice, and nothing when the session moved, was cancelled or no longer exists."""
    from samenspraak.planning.models import Preparation, ReminderSent, Session
    from samenspraak.planning.notify import reminder_due
    from samenspraak.planning.services import participants

    session = Session.objects.filter(pk=session_id).select_related("group", "facilitator").first()
    if session is None or not reminder_due(session, kind, datetime.fromisoformat(moment)):
        return 0
    people = participants(session)
    if kind == "preparation":
        prepared = set(
            Preparation.objects.filter(session=session).values_list("author_id", flat=True)
        )
        people = [p for p in people if p.pk not in prepared and p.pk != session.facilitator_id]
    link = settings.SITE_URL + reverse("planning:session_detail", args=[session.pk])
    sent = 0
    for person in people:
        try:
            with transaction.atomic():
                ReminderSent.objects.create(session=session, user=person, kind=kind)
        except IntegrityError:
            continue  # already reminded
        with translation.override(person.language or settings.LANGUAGE_CODE):
            context = {"session": session, "person": person, "kind": kind, "link": link}
            subject = render_to_string("planning/email/reminder_subject.txt", context).strip()
            body = render_to_string("planning/email/reminder.txt", context)
        send_mail(subject, body, None, [person.email])
        sent += 1
    return sent
