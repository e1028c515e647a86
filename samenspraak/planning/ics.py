"""iCalendar (RFC 5545) for sessions: one invitation per e-mail, and a person's feed.

A session keeps one UID for its whole life; every change raises SEQUENCE, so calendar
programs update (or, with METHOD:CANCEL, remove) the event they already have."""

from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from samenspraak.planning.models import Session, SessionStatus

PRODID = "-//Samenspraak//Dialoogsessies//NL"


def _organizer_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@samenspraak.local"


def session_event(session: Session, *, attendee_email: str | None = None) -> Event:
    event = Event()
    event.add("uid", session.ics_uid)
    event.add("sequence", session.ics_sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", session.title)
    location = session.place or session.video_link
    if location:
        event.add("location", location)
    link = settings.SITE_URL + reverse("planning:session_detail", args=[session.pk])
    description = "\n\n".join(part for part in (session.occasion, session.goal, link) if part)
    event.add("description", description)
    event.add("url", link)
    cancelled = session.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_organizer_address()}")
    organizer.params["cn"] = vText("Samenspraak")
    event.add("organizer", organizer)
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
    return event


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def invitation(session: Session, *, attendee_email: str) -> bytes:
    cancelled = session.status == SessionStatus.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(session_event(session, attendee_email=attendee_email))
    return calendar.to_ical()


def feed(sessions) -> bytes:
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", "Samenspraak")
    for session in sessions:
        calendar.add_component(session_event(session))
    return calendar.to_ical()
