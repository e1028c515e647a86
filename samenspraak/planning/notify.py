"""Tell participants about their sessions: e-mail with an .ics invitation (new, changed,
cancelled) and reminders through the background task queue. Everything here runs after
the transaction commits, so nothing is sent about a change that was rolled back."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samenspraak.accounts.models import User
from samenspraak.planning import ics
from samenspraak.planning.models import Session

REMIND_BEFORE = timedelta(hours=24)


def _mail(session: Session, people, kind: str) -> None:
    messages = []
    link = settings.SITE_URL + reverse("planning:session_detail", args=[session.pk])
    for person in people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            context = {"session": session, "person": person, "kind": kind, "link": link}
            subject = render_to_string("planning/email/session_subject.txt", context).strip()
            body = render_to_string("planning/email/session.txt", context)
        message = EmailMessage(subject, body, None, [person.email])
        message.attach(
            "uitnodiging.ics",
            ics.invitation(session, attendee_email=person.email),
            "text/calendar; method=" + ("CANCEL" if kind == "cancelled" else "REQUEST"),
        )
        messages.append(message)
    if messages:
        get_connection().send_messages(messages)


def _after_commit(function) -> None:
    transaction.on_commit(function)


def session_planned(session: Session) -> None:
    def send():
        from samenspraak.planning.services import participants

        _mail(session, participants(session), "planned")
        schedule_reminders(session)

    _after_commit(send)


def session_changed(session: Session, removed: set[User] | None = None) -> None:
    def send():
        from samenspraak.planning.services import participants

        _mail(session, participants(session), "changed")
        if removed:
            cancelled = Session.objects.get(pk=session.pk)
            cancelled.status = "cancelled"  # for their calendars only: not saved
            _mail(cancelled, removed, "cancelled")
        schedule_reminders(session)

    _after_commit(send)


def session_cancelled(session: Session) -> None:
    def send():
        from samenspraak.planning.services import participants

        _mail(session, participants(session), "cancelled")

    _after_commit(send)


def schedule_reminders(session: Session) -> None:
    """Queue the reminders for this session's current times. A queued reminder checks at
    run time that the time it was made for still holds, so moving a session needs no
    clean-up of old ones."""
    from samenspraak.planning.tasks import send_reminder

    now = timezone.now()
    moments = [("session", session.starts_at)]
    if session.preparation and session.preparation_deadline:
        moments.append(("preparation", session.preparation_deadline))
    for kind, moment in moments:
        run_after = moment - REMIND_BEFORE
        if moment <= now:
            continue
        send_reminder.using(run_after=max(run_after, now)).enqueue(
            session_id=session.pk, kind=kind, moment=moment.isoformat()
        )


def reminder_due(session: Session, kind: str, moment: datetime) -> bool:
    if session.status != "planned":
        return False
    if kind == "session":
        return session.starts_at == moment
    return bool(session.preparation) and session.preparation_deadline == moment
