"""3xW feedback: anonymous or named as the session chose, once per person, collected lists
for the facilitator and the participants; the session form's checkbox."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samenspraak.followup import services
from samenspraak.followup.models import Feedback, FeedbackGiven
from samenspraak.followup.tests.test_agreements import (
    PERSONAS,
    check_access,
    make_session,
    statuses,
)
from samenspraak.live.models import Room, RoomStatus
from samenspraak.planning.models import Session, SessionStatus
from tests.test_bad_input import JUNK

VIEWERS = ("admin", "leader", "facilitator", "teacher")
PARTICIPANTS = ("facilitator", "teacher")

URL_ROWS = {
    "followup:feedback": [
        ("get", statuses(200, *VIEWERS)),
        # An empty form is bad input for a participant; others may not give feedback.
        ("post", statuses(400, *PARTICIPANTS)),
    ],
}
CASES = [(index, persona) for index in range(2) for persona in PERSONAS]


@pytest.fixture
def session(group, facilitator) -> Session:
    return make_session(group, facilitator)


@pytest.mark.parametrize(("index", "persona"), CASES)
def test_feedback_url_per_persona(client, personas, session, index, persona):
    method, expected = URL_ROWS["followup:feedback"][index]
    url = reverse("followup:feedback", args=[session.pk])
    check_access(client, personas, persona, method, url, expected[persona])


def give(client, session, **answers):
    return client.post(reverse("followup:feedback", args=[session.pk]), answers)


def test_anonymous_feedback_has_no_author_no_time_and_a_random_key(client, teacher, session):
    assert session.feedback_anonymous  # the default
    client.force_login(teacher)
    response = give(client, session, went_well="De rondes", take_away="Vaker stilte")
    assert response.status_code == 302
    row = Feedback.objects.get()
    assert row.author is None
    assert isinstance(row.pk, type(Feedback._meta.pk.default()))
    assert not {f.name for f in Feedback._meta.get_fields()} & {"created_at", "updated_at"}
    assert FeedbackGiven.objects.filter(session=session, user=teacher).exists()
    page = client.get(reverse("followup:feedback", args=[session.pk])).content.decode()
    assert "De rondes" in page and "Vaker stilte" in page
    assert teacher.name not in page.split('id="collected-heading"')[1]


def test_named_feedback_shows_the_name(client, teacher, facilitator, session):
    session.feedback_anonymous = False
    session.save()
    client.force_login(teacher)
    give(client, session, could_be_better="Meer tijd voor de slotronde")
    assert Feedback.objects.get().author == teacher
    client.force_login(facilitator)
    page = client.get(reverse("followup:feedback", args=[session.pk])).content.decode()
    collected = page.split('id="collected-heading"')[1]
    assert "Meer tijd voor de slotronde" in collected and teacher.name in collected


def test_feedback_only_once(client, teacher, session):
    client.force_login(teacher)
    give(client, session, went_well="Eerste keer")
    again = give(client, session, went_well="Tweede keer")
    assert again.status_code == 400
    assert Feedback.objects.count() == 1
    with pytest.raises(Exception):  # noqa: B017, PT011 - the service refuses as well
        services.feedback_give(session=session, user=teacher, answers={"went_well": "Nog eens"})
    assert Feedback.objects.count() == 1


def test_a_leader_who_does_not_take_part_cannot_give_feedback(client, leader, session):
    client.force_login(leader)
    assert give(client, session, went_well="Ik was er niet").status_code == 404
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"went_well": "   "},
        {"went_well": "x" * 5000},
        {"take_away": "nul\x00teken"},
    ],
)
def test_bad_feedback_is_refused_and_changes_nothing(client, teacher, session, answers):
    client.force_login(teacher)
    response = give(client, session, **answers)
    assert response.status_code == 400
    assert not Feedback.objects.exists() and not FeedbackGiven.objects.exists()


def test_another_schools_session_is_hidden(client, outsider, session):
    client.force_login(outsider)
    assert give(client, session, went_well="Hallo").status_code == 404
    assert not Feedback.objects.exists()


def test_the_session_form_sets_named_feedback(client, leader, group, facilitator):
    client.force_login(leader)
    data = {
        "school": group.school_id,
        "title": "Met namen",
        "group": group.pk,
        "orientation": "horizontal",
        "structure": "own",
        "facilitator": facilitator.pk,
        "occasion": "Aanleiding",
        "goal": "Doel",
        "shared_interest": "Leerlingen",
        "starts_at": "2030-05-01T15:30",
        "duration_minutes": 60,
    }
    create = reverse("planning:session_create")
    assert 'name="feedback_anonymous"' in client.get(create).content.decode()
    assert client.post(create, data).status_code == 302  # unticked: named
    assert Session.objects.get(title="Met namen").feedback_anonymous is False
    client.post(create, data | {"title": "Zonder namen", "feedback_anonymous": "on"})
    assert Session.objects.get(title="Zonder namen").feedback_anonymous is True


# --- Not before the session has begun ---------------------------------------------------------


@pytest.fixture
def tomorrow(group, facilitator) -> Session:
    return make_session(group, facilitator, starts_at=timezone.now() + timedelta(days=1))


def assert_refused(client, teacher, session, message: str) -> None:
    client.force_login(teacher)
    page = client.get(reverse("followup:feedback", args=[session.pk])).content.decode()
    assert 'name="went_well"' not in page and message in page
    response = give(client, session, went_well="Te vroeg")
    assert response.status_code == 400
    assert message in response.content.decode()
    with pytest.raises(ValidationError):
        services.feedback_give(session=session, user=teacher, answers={"went_well": "Te vroeg"})
    assert not Feedback.objects.exists() and not FeedbackGiven.objects.exists()


def test_feedback_waits_until_the_session_has_begun(client, teacher, tomorrow):
    assert_refused(client, teacher, tomorrow, "zodra de sessie is begonnen")
    tomorrow.starts_at = timezone.now() - timedelta(minutes=1)
    tomorrow.save()
    page = client.get(reverse("followup:feedback", args=[tomorrow.pk])).content.decode()
    assert 'name="went_well"' in page
    assert give(client, tomorrow, went_well="Net begonnen").status_code == 302
    assert Feedback.objects.count() == 1


def test_the_refusal_speaks_the_persons_language(client, teacher, tomorrow):
    teacher.language = "en"
    teacher.save()
    assert_refused(client, teacher, tomorrow, "once the session has begun")


def test_a_room_still_waiting_has_not_begun(client, teacher, tomorrow):
    Room.objects.create(session=tomorrow, status=RoomStatus.WAITING)
    assert_refused(client, teacher, tomorrow, "zodra de sessie is begonnen")


@pytest.mark.parametrize("status", [RoomStatus.RUNNING, RoomStatus.PAUSED, RoomStatus.ENDED])
def test_a_room_started_early_opens_feedback(client, teacher, tomorrow, status):
    Room.objects.create(session=tomorrow, status=status)
    client.force_login(teacher)
    assert give(client, tomorrow, went_well="Vroeg begonnen").status_code == 302
    assert Feedback.objects.count() == 1


def test_a_session_marked_held_takes_feedback(client, teacher, tomorrow):
    tomorrow.status = SessionStatus.HELD
    tomorrow.save()
    client.force_login(teacher)
    assert give(client, tomorrow, went_well="Gehouden").status_code == 302


def test_a_cancelled_session_takes_no_feedback(client, teacher, session):
    session.status = SessionStatus.CANCELLED
    session.save()
    assert_refused(client, teacher, session, "afgezegd")


@pytest.mark.parametrize("junk", range(len(JUNK)))
def test_junk_before_the_session_has_begun_stores_nothing(client, teacher, tomorrow, junk):
    client.force_login(teacher)
    response = client.post(reverse("followup:feedback", args=[tomorrow.pk]), JUNK[junk])
    assert response.status_code == 400
    assert not Feedback.objects.exists() and not FeedbackGiven.objects.exists()
