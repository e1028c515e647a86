"""Per-school retention: the admin sets how many years sessions are kept; every night a
task deletes older sessions with everything in them, once per night, and asks before a
new term deletes anything."""

import os
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import run_queued_tasks
from samenspraak.core.models import AuditEntry
from samenspraak.followup import services as followup
from samenspraak.followup.models import ActionPoint, Agreement, Reflection
from samenspraak.live.models import Contribution, Room
from samenspraak.planning import retention
from samenspraak.planning.models import Cycle, Evidence, Preparation, Session
from samenspraak.planning.tasks import sweep_retention
from samenspraak.planning.tests.test_planning import next_year


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def held(school, group, facilitator, *, years_ago: float, title: str) -> Session:
    return Session.objects.create(
        school=school,
        group=group,
        facilitator=facilitator,
        title=title,
        starts_at=timezone.now() - timedelta(days=round(365.25 * years_ago)),
        status="held",
    )


@pytest.fixture
def history(school, group, facilitator, teacher, other_group, outsider, media):
    """An old session with something of every kind, a recent one, and an old one of
    another school."""
    old = held(school, group, facilitator, years_ago=3, title="Oud gesprek")
    room = Room.objects.create(session=old, status="ended")
    Contribution.objects.create(room=room, phase_index=0, text="KANARIE-oud-briefje")
    followup.agreement_propose(session=old, by=facilitator, text="Oude afspraak", anonymous=False)
    followup.action_add(session=old, by=facilitator, text="Oud punt", owners=[teacher],
                        due_date=None)  # fmt: skip
    Preparation.objects.create(session=old, author=teacher, answers={"q": "voorbereid"})
    followup.reflection_save(author=teacher, form="free", answers={"text": "mijn"}, session=old)
    evidence = Evidence(session=old, kind="document", title="Toetsuitslagen")
    evidence.file.save("uitslagen.pdf", ContentFile(b"%PDF-1.4 oud"), save=True)
    ended = Cycle.objects.create(
        school=school, group=group, title="Oude cyclus", goal="x",
        period_start=date(2020, 1, 1), period_end=date(2020, 6, 1), start_time="15:00",
    )  # fmt: skip
    recent = held(school, group, facilitator, years_ago=1, title="Recent gesprek")
    theirs = held(other_group.school, other_group, outsider, years_ago=3, title="Elders")
    return {"old": old, "recent": recent, "theirs": theirs, "file": evidence.file.path,
            "ended": ended}  # fmt: skip


def test_the_sweep_deletes_what_is_past_the_term_and_nothing_else(
    school, history, django_capture_on_commit_callbacks
):
    school.retention_years = 2
    school.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.sweep(school, timezone.now()) == 1
    assert list(Session.objects.order_by("title").values_list("title", flat=True)) == [
        "Elders", "Recent gesprek"
    ]  # fmt: skip
    for model in (Room, Contribution, Agreement, ActionPoint, Preparation, Evidence):
        assert not model.objects.exists(), model  # only the old session had any
    assert not os.path.exists(history["file"])  # the evidence file went too
    reflection = Reflection.objects.get()  # personal: stays with its author
    assert reflection.session is None and reflection.answers == {"text": "mijn"}
    assert not Cycle.objects.filter(pk=history["ended"].pk).exists()
    entry = AuditEntry.objects.get(action="retention.sweep")
    assert entry.detail == {"sessions": 1} and "Oud" not in str(entry.__dict__)


def test_a_school_that_keeps_everything_loses_nothing(school, history):
    assert retention.sweep(school, timezone.now()) == 0
    assert Session.objects.count() == 3


def test_the_admin_is_asked_before_a_term_deletes_sessions(
    client, admin, school, history, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    url = reverse("planning:retention", args=[school.pk])
    asked = client.post(url, {"years": "2"})
    assert asked.status_code == 200 and 'id="retention-confirm"' in asked.content.decode()
    school.refresh_from_db()
    assert school.retention_years is None and not DBTaskResult.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"years": "2", "confirm": "yes"}).status_code == 302
    school.refresh_from_db()
    assert school.retention_years == 2
    [queued] = DBTaskResult.objects.all()
    assert timezone.localtime(queued.run_after).hour == 3  # tonight, not now
    assert Session.objects.count() == 3  # nothing deleted yet
    # A term that deletes nothing is saved at once.
    assert client.post(url, {"years": "5"}).status_code == 302
    for bad in ("0", "21", "abc", "9" * 30):
        assert client.post(url, {"years": bad, "confirm": "yes"}).status_code == 400, bad
    school.refresh_from_db()
    assert school.retention_years == 5


def test_the_nightly_task_sweeps_once_a_night_and_queues_the_next(
    school, history, django_capture_on_commit_callbacks
):
    school.retention_years = 2
    school.save()
    tonight = timezone.localdate().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_retention.call(school_id=school.pk, day=tonight) == 1
    school.refresh_from_db()
    assert school.retention_swept_on.isoformat() == tonight
    [tomorrow] = DBTaskResult.objects.all()
    assert tomorrow.run_after > timezone.now()
    held(school, history["old"].group, history["old"].facilitator, years_ago=4, title="Nog een")
    with django_capture_on_commit_callbacks(execute=True):  # a second task for this night
        assert sweep_retention.call(school_id=school.pk, day=tonight) == 0
    assert DBTaskResult.objects.count() == 1  # and no second chain
    assert tomorrow.task_result.kwargs["day"] > tonight  # the chain moves on a night
    DBTaskResult.objects.update(run_after=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert run_queued_tasks("sweep_retention") == [1]  # the next night
    school.retention_years = None
    school.save()
    assert sweep_retention.call(school_id=school.pk, day=str(next_year()) + "-01-01") == 0
