"""Action points: owners among the participants, status by the owners and the
facilitator, 'my action points', the review at the start of the cycle's next session, and
e-mail reminders before the due date from the database task queue."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_tasks_db.models import DBTaskResult

from conftest import make_person
from samenspraak.followup import services
from samenspraak.followup.models import ActionPoint, ActionReminderSent, ActionStatus
from samenspraak.followup.tasks import send_action_reminder
from samenspraak.followup.tests.test_agreements import (
    PERSONAS,
    check_access,
    make_session,
    statuses,
)
from samenspraak.planning.models import Cycle

MANAGERS = ("admin", "leader", "facilitator")
VIEWERS = ("admin", "leader", "facilitator", "teacher")

URL_ROWS = {
    "followup:actions": [
        ("get", "session", statuses(200, *VIEWERS)),
        ("post", "session", statuses(400, *MANAGERS)),
    ],
    "followup:action_edit": [("get", "action", statuses(200, *MANAGERS))],
    # The teacher owns the action point: owners and managers change its status.
    "followup:action_status": [
        ("get", "action", statuses(200, *VIEWERS)),
        ("post", "action", statuses(400, *VIEWERS)),
    ],
    "followup:my_actions": [("get", None, statuses(200, *PERSONAS))],
}


@pytest.fixture
def session(group, facilitator):
    return make_session(group, facilitator)


@pytest.fixture
def action(session, facilitator, teacher) -> ActionPoint:
    return services.action_add(
        session=session,
        by=facilitator,
        text="Leeslijst voor de brugklas opstellen",
        owners=[teacher],
        due_date=timezone.localdate() + timedelta(days=14),
    )


CASES = [
    (name, index, persona)
    for name, rows in URL_ROWS.items()
    for index in range(len(rows))
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "index", "persona"), CASES)
def test_action_urls_per_persona(client, personas, session, action, name, index, persona):
    method, kind, expected = URL_ROWS[name][index]
    kwargs = {}
    if kind == "session":
        kwargs = {"session_id": session.pk}
    elif kind == "action":
        kwargs = {"action_id": action.pk}
    check_access(client, personas, persona, method, reverse(name, kwargs=kwargs), expected[persona])


def action_post(people, **changes) -> dict:
    data = {
        "text": "Toetsmatrijs bespreken in de sectie",
        "owners": [o.pk for o in people],
        "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "agreement": "",
    }
    data.update(changes)
    return data


def test_facilitator_adds_an_action_point_with_owners(
    client, facilitator, teacher, session, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("followup:actions", args=[session.pk]), action_post([teacher, facilitator])
        )
    assert response.status_code == 302
    action = ActionPoint.objects.get()
    assert set(action.owners.all()) == {teacher, facilitator}
    assert action.status == ActionStatus.OPEN
    # A reminder is queued for two days before the due date.
    queued = DBTaskResult.objects.filter(task_path__endswith="send_action_reminder")
    assert queued.count() == 1
    assert queued.get().run_after.date() == action.due_date - timedelta(days=2)


def test_an_action_point_links_to_an_agreement_of_the_same_session(
    client, facilitator, teacher, session
):
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Tien minuten lezen", anonymous=True
    )
    other = make_session(session.group, facilitator, title="Andere sessie")
    foreign = services.agreement_propose(
        session=other, by=facilitator, text="Elders", anonymous=True
    )
    client.force_login(facilitator)
    url = reverse("followup:actions", args=[session.pk])
    refused = client.post(url, action_post([teacher], agreement=foreign.pk))
    assert refused.status_code == 400
    assert not ActionPoint.objects.exists()
    client.post(url, action_post([teacher], agreement=agreement.pk))
    assert ActionPoint.objects.get().agreement == agreement


@pytest.mark.parametrize(
    "changes",
    [
        {"text": ""},
        {"text": "x" * 5000},
        {"owners": []},
        {"owners": ["abc"]},
        {"due_date": "morgen"},
        {"agreement": "99999999"},
        {"agreement": "9" * 30},
        {"owners": ["9" * 30]},
        {"due_date": "9999-99-99"},
        {"due_date": "0001-01-01"},  # its reminder, two days before, would be in year 0
        {"due_date": "9999-12-31"},
    ],
)
def test_bad_action_input_is_refused(client, facilitator, teacher, session, changes):
    client.force_login(facilitator)
    response = client.post(
        reverse("followup:actions", args=[session.pk]), action_post([teacher], **changes)
    )
    assert response.status_code == 400
    assert 'class="field-errors"' in response.content.decode()
    assert not ActionPoint.objects.exists()


def test_owners_come_from_the_sessions_participants(
    client, facilitator, teacher, support, outsider, session
):
    client.force_login(facilitator)
    url = reverse("followup:actions", args=[session.pk])
    for stranger in (support, outsider):  # not in the session; another school
        response = client.post(url, action_post([teacher, stranger]))
        assert response.status_code == 400
    assert not ActionPoint.objects.exists()


def test_the_owner_moves_the_status_and_dropping_needs_a_reason(client, teacher, action):
    client.force_login(teacher)
    url = reverse("followup:action_status", args=[action.pk])
    prefix = f"a{action.pk}"
    assert client.post(url, {f"{prefix}-status": "doing", "back": "mine"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DOING
    refused = client.post(url, {f"{prefix}-status": "dropped", f"{prefix}-reason": " "})
    assert refused.status_code == 400
    action.refresh_from_db()
    assert action.status == ActionStatus.DOING
    client.post(url, {f"{prefix}-status": "dropped", f"{prefix}-reason": "Niet meer nodig."})
    action.refresh_from_db()
    assert action.status == ActionStatus.DROPPED and action.dropped_reason == "Niet meer nodig."
    done = client.post(url, {f"{prefix}-status": "klaar"})
    assert done.status_code == 400


def test_a_participant_who_is_not_an_owner_cannot_change_the_status(
    client, session, facilitator, teacher, school
):
    colleague = make_person(school, "collega@linde.test", "Collega Lid", is_teacher=True)
    session.group.members.add(colleague)
    action = services.action_add(
        session=session, by=facilitator, text="Iets", owners=[teacher], due_date=None
    )
    client.force_login(colleague)
    assert client.get(reverse("followup:actions", args=[session.pk])).status_code == 200
    response = client.post(
        reverse("followup:action_status", args=[action.pk]), {f"a{action.pk}-status": "done"}
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_my_action_points_and_the_overview_block(client, teacher, facilitator, action, session):
    done = services.action_add(
        session=session, by=facilitator, text="Al gedaan", owners=[teacher], due_date=None
    )
    services.action_set_status(action=done, by=teacher, status="done")
    not_mine = services.action_add(
        session=session, by=facilitator, text="Van een ander", owners=[facilitator], due_date=None
    )
    client.force_login(teacher)
    page = client.get(reverse("followup:my_actions")).content.decode()
    assert action.text in page and done.text in page and not_mine.text not in page
    assert page.index(action.text) < page.index(done.text)  # open first
    overview = client.get(reverse("core:overview")).content.decode()
    assert action.text in overview and done.text not in overview


def test_an_open_action_point_past_its_due_date_is_marked_overdue(
    client, teacher, facilitator, action, session
):
    """Wherever a due date shows, an open or started point whose date has passed says
    so; a point done or dropped, or due today or later, does not."""
    yesterday = timezone.localdate() - timedelta(days=1)
    late = services.action_add(
        session=session, by=facilitator, text="Te laat", owners=[teacher], due_date=yesterday
    )
    started = services.action_add(
        session=session, by=facilitator, text="Begonnen", owners=[teacher], due_date=yesterday
    )
    services.action_set_status(action=started, by=teacher, status="doing")
    done = services.action_add(
        session=session, by=facilitator, text="Op tijd af", owners=[teacher], due_date=yesterday
    )
    services.action_set_status(action=done, by=teacher, status="done")
    today = services.action_add(
        session=session,
        by=facilitator,
        text="Vandaag",
        owners=[teacher],
        due_date=timezone.localdate(),
    )
    assert [a.is_overdue for a in (late, started, done, today, action)] == [
        True, True, False, False, False
    ]  # fmt: skip
    client.force_login(teacher)
    pages = {
        "my actions": reverse("followup:my_actions"),
        "session actions": reverse("followup:actions", args=[session.pk]),
        "my portfolio": reverse("reports:my_portfolio"),
        "group portfolio": reverse("reports:group_portfolio", args=[session.group_id]),
        "overview": reverse("core:overview"),
    }
    for name, url in pages.items():
        page = client.get(url).content.decode()
        assert page.count("tag--late") == 2, name
        for text in ("Te laat", "Begonnen"):
            mark = page.index("tag--late", page.index(text))
            assert all(  # the mark belongs to this point: no other point comes between
                page.find(other, page.index(text), mark) == -1
                for other in ("Op tijd af", "Vandaag", action.text)
            ), name


def test_open_action_points_come_back_at_the_next_session_of_the_cycle(
    client, school, group, facilitator, teacher
):
    cycle = Cycle.objects.create(
        school=school,
        group=group,
        title="Lezen",
        goal="Beter lezen",
        period_start=date.today(),
        period_end=date.today() + timedelta(days=90),
        every_weeks=6,
        weekday=1,
        start_time=timezone.now().time(),
    )
    first = make_session(
        group, facilitator, cycle=cycle, starts_at=timezone.now() - timedelta(days=7)
    )
    following = make_session(
        group, facilitator, cycle=cycle, starts_at=timezone.now() + timedelta(days=35)
    )
    unrelated = make_session(group, facilitator, starts_at=timezone.now() + timedelta(days=35))
    open_one = services.action_add(
        session=first, by=facilitator, text="Nog open punt", owners=[teacher], due_date=None
    )
    closed = services.action_add(
        session=first, by=facilitator, text="Afgerond punt", owners=[teacher], due_date=None
    )
    services.action_set_status(action=closed, by=teacher, status="done")
    client.force_login(teacher)
    page = client.get(reverse("planning:session_detail", args=[following.pk])).content.decode()
    assert 'id="review-heading"' in page
    assert open_one.text in page and closed.text not in page
    assert page.index("review-heading") < page.index("rules-heading")  # at the start
    other = client.get(reverse("planning:session_detail", args=[unrelated.pk])).content.decode()
    assert open_one.text not in other
    first_page = client.get(reverse("planning:session_detail", args=[first.pk])).content.decode()
    assert 'id="review-heading"' not in first_page


def test_edit_moves_the_due_date_and_queues_a_new_reminder(
    client, facilitator, teacher, action, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    new_due = action.due_date + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("followup:action_edit", args=[action.pk]),
            action_post([teacher], text=action.text, due_date=new_due.isoformat()),
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_date == new_due
    runs = DBTaskResult.objects.filter(task_path__endswith="send_action_reminder")
    assert new_due - timedelta(days=2) in {r.run_after.date() for r in runs}


# --- Reminders ------------------------------------------------------------------------------


def test_a_reminder_goes_to_each_owner_once_in_their_language(session, facilitator, teacher):
    teacher.language = "en"
    teacher.save()
    due = timezone.localdate() + timedelta(days=2)
    action = services.action_add(
        session=session,
        by=facilitator,
        text="Rubric delen",
        owners=[teacher, facilitator],
        due_date=due,
    )
    assert send_action_reminder.call(action_id=action.pk, due_date=due.isoformat()) == 2
    assert send_action_reminder.call(action_id=action.pk, due_date=due.isoformat()) == 0
    assert ActionReminderSent.objects.count() == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    for person, language in ((teacher, "en"), (facilitator, "nl")):
        with translation.override(language):
            month = formats.date_format(due, "F")
        assert month in by_person[person.email].subject, (language, by_person[person.email].subject)
        assert "Rubric delen" in by_person[person.email].body


def test_no_reminder_when_done_dropped_moved_or_gone(session, facilitator, teacher):
    due = timezone.localdate() + timedelta(days=2)
    action = services.action_add(
        session=session, by=facilitator, text="Iets", owners=[teacher], due_date=due
    )
    services.action_set_status(action=action, by=teacher, status="done")
    assert send_action_reminder.call(action_id=action.pk, due_date=due.isoformat()) == 0
    services.action_set_status(action=action, by=teacher, status="open")
    ActionPoint.objects.filter(pk=action.pk).update(due_date=due + timedelta(days=1))
    assert send_action_reminder.call(action_id=action.pk, due_date=due.isoformat()) == 0
    assert send_action_reminder.call(action_id=987654, due_date=due.isoformat()) == 0
    assert not mail.outbox


def test_nothing_is_queued_for_a_rolled_back_or_undated_action(
    session, facilitator, teacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.action_add(
            session=session, by=facilitator, text="Zonder datum", owners=[teacher], due_date=None
        )
        with pytest.raises(RuntimeError), transaction.atomic():
            services.action_add(
                session=session,
                by=facilitator,
                text="Teruggedraaid",
                owners=[teacher],
                due_date=timezone.localdate() + timedelta(days=9),
            )
            raise RuntimeError
    assert not DBTaskResult.objects.exists()


# The worker closes its database connection between tasks, as a real worker process does;
# only a transactional test survives that on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_reminder(group, facilitator, teacher):
    session = make_session(group, facilitator)
    due = timezone.localdate() + timedelta(days=5)
    services.action_add(
        session=session, by=facilitator, text="Werker-test", owners=[teacher], due_date=due
    )
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    assert [m.to[0] for m in mail.outbox] == [teacher.email]
    assert ActionReminderSent.objects.filter(user=teacher, due_date=due).exists()
