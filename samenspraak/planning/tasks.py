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


@task()
def sweep_retention(*, school_id: int, day: str) -> int:
    """Tonight's retention sweep of one school (planning/retention.py); queues tomorrow's.
    Returns how many sessions went. A school that keeps everything ends the chain, and so
    does a second task for a night already swept (two saves queue two)."""
    from datetime import date, timedelta

    from django.utils import timezone

    from samenspraak.planning import retention
    from samenspraak.schools.models import School

    school = School.objects.filter(pk=school_id).first()
    night = date.fromisoformat(day)
    if school is None or not school.retention_years:
        return 0
    if school.retention_swept_on is not None and school.retention_swept_on >= night:
        return 0
    with transaction.atomic():
        count = retention.sweep(school, timezone.now())
        School.objects.filter(pk=school.pk).update(retention_swept_on=night)
        # The next night after this one and after today: a worker that was down for a
        # week sweeps once when it is back, not seven times.
        following = max(night, timezone.localdate()) + timedelta(days=1)
        retention.schedule_sweep(school, following)
    return count
