"""The personal calendar feed (revocable) and reminders from the database task queue,
which survive a restart because they live in the database."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from samenspraak.planning import notify
from samenspraak.planning.models import Preparation, ReminderSent, Session
from samenspraak.planning.tasks import send_reminder


def new_feed(client, user) -> str:
    client.force_login(user)
    html = client.post(reverse("planning:calendar_settings"), {"action": "new"}).content.decode()
    client.logout()
    return re.search(r'value="https?://[^/]+(/calendar/[^"]+\.ics)"', html).group(1)


def test_docents_feed_lists_their_sessions_and_no_one_elses(client, teacher, group, other_group):
    mine = Session.objects.create(
        school=group.school,
        group=group,
        title="Sectie-overleg",
        starts_at=timezone.now() + timedelta(days=3),
    )
    Session.objects.create(
        school=other_group.school,
        group=other_group,
        title="Elders",
        starts_at=timezone.now() + timedelta(days=3),
    )
    url = new_feed(client, teacher)
    response = client.get(url)  # no sign-in: the secret address is the key
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    uids = [str(e["uid"]) for e in calendar.walk("VEVENT")]
    assert uids == [mine.ics_uid]


def test_a_new_address_revokes_the_old_one(client, teacher):
    old = new_feed(client, teacher)
    new = new_feed(client, teacher)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_switching_the_feed_off(client, teacher):
    url = new_feed(client, teacher)
    client.force_login(teacher)
    client.post(reverse("planning:calendar_settings"), {"action": "revoke"})
    assert client.get(url).status_code == 404


def test_a_deactivated_persons_feed_stops(client, teacher):
    url = new_feed(client, teacher)
    teacher.is_active = False
    teacher.save()
    assert client.get(url).status_code == 404


def test_forged_feed_tokens_are_404(client, db):
    assert client.get("/calendar/nope.ics").status_code == 404
    assert client.get("/calendar/" + "x" * 300 + ".ics").status_code == 404


@pytest.fixture
def session(group, facilitator):
    return Session.objects.create(
        school=group.school,
        group=group,
        facilitator=facilitator,
        title="Dialoog over toetsen",
        starts_at=timezone.now() + timedelta(days=3),
        preparation="starrt",
        preparation_deadline=timezone.now() + timedelta(days=2),
    )


def test_reminders_are_queued_in_the_database(session):
    notify.schedule_reminders(session)
    queued = DBTaskResult.objects.filter(task_path__endswith="send_reminder")
    assert queued.count() == 2
    for result in queued:
        assert result.run_after is not None and result.run_after > timezone.now()


# The worker closes its database connection between tasks, as a real worker process does;
# only a transactional test survives that on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_reminders_after_a_restart_once(session, teacher, facilitator):
    notify.schedule_reminders(session)
    # Everything the worker needs is in the database: a fresh worker process (a restart)
    # finds the tasks there. Make them due, then run the real worker once.
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    session_reminders = [m for m in mail.outbox if "Morgen" in m.subject]
    prep_reminders = [
        m for m in mail.outbox if "voor" in m.subject.lower() and "bereid" in m.subject.lower()
    ]
    assert {m.to[0] for m in session_reminders} == {teacher.email, facilitator.email}
    assert [m.to[0] for m in prep_reminders] == [teacher.email]  # the facilitator needs none
    sent = len(mail.outbox)
    send_reminder.call(session_id=session.pk, kind="session", moment=session.starts_at.isoformat())
    assert len(mail.outbox) == sent  # never twice
    assert ReminderSent.objects.count() == 3


def test_no_preparation_reminder_for_who_has_prepared(session, teacher):
    Preparation.objects.create(session=session, author=teacher, answers={"situation": "x"})
    count = send_reminder.call(
        session_id=session.pk, kind="preparation", moment=session.preparation_deadline.isoformat()
    )
    assert count == 0


def test_a_moved_or_cancelled_session_sends_no_old_reminder(session):
    old = session.starts_at
    session.starts_at = old + timedelta(days=1)
    session.save()
    assert send_reminder.call(session_id=session.pk, kind="session", moment=old.isoformat()) == 0
    session.status = "cancelled"
    session.save()
    assert (
        send_reminder.call(
            session_id=session.pk, kind="session", moment=session.starts_at.isoformat()
        )
        == 0
    )
    assert send_reminder.call(session_id=987654, kind="session", moment=old.isoformat()) == 0
