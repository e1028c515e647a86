"""The rules in followup.services that every page and the live room rely on: an agreement
with an open objection is never adopted; an anonymous support answer keeps no name; one
answer per person; open action points come back at the next session of the cycle."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samenspraak.followup import services
from samenspraak.followup.models import (
    ActionPoint,
    ActionStatus,
    AgreementStatus,
    ObjectionState,
    SupportAnswer,
)
from samenspraak.planning.models import Cycle, Session, SessionStatus

pytestmark = pytest.mark.django_db


def make_session(group, facilitator, *, cycle=None, days=0, status=SessionStatus.HELD) -> Session:
    return Session.objects.create(
        school=group.school,
        cycle=cycle,
        group=group,
        title="Leesvaardigheid",
        facilitator=facilitator,
        starts_at=timezone.now() + timedelta(days=days),
        status=status,
    )


@pytest.fixture
def cycle(group, facilitator) -> Cycle:
    today = timezone.localdate()
    return Cycle.objects.create(
        school=group.school,
        group=group,
        title="Begrijpend lezen",
        goal="Samen leren",
        period_start=today - timedelta(days=60),
        period_end=today + timedelta(days=60),
        start_time="15:30",
        facilitator=facilitator,
    )


def test_agreement_without_objection_is_adopted_when_the_check_closes(group, facilitator):
    session = make_session(group, facilitator)
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="We lezen elke les tien minuten.", anonymous=False
    )
    services.support_give(agreement=agreement, voter="u1", name="Daan", answer="agree")
    services.support_give(
        agreement=agreement, voter="u2", name="Sanne", answer="concern", reason="Tijd"
    )
    agreement = services.agreement_close_check(agreement=agreement, by=facilitator)
    assert agreement.status == AgreementStatus.ADOPTED and agreement.decided_at is not None
    summary = services.support_summary(agreement)
    assert summary["counts"] == {"agree": 1, "concern": 1, "objection": 0}
    assert summary["reasons"][0]["name"] == "Sanne"


def test_open_objection_blocks_adoption_until_settled(group, facilitator):
    session = make_session(group, facilitator)
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Toetsen alleen op vrijdag.", anonymous=False
    )
    objection = services.support_give(
        agreement=agreement, voter="u1", name="Rachid", answer="objection", reason="Roosters"
    )
    agreement = services.agreement_close_check(agreement=agreement, by=facilitator)
    assert agreement.status == AgreementStatus.PROPOSED
    with pytest.raises(ValidationError):
        services.objection_settle(objection=objection, by=facilitator, state="overruled", text="")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.OPEN
    agreement = services.objection_settle(
        objection=objection, by=facilitator, state="overruled", text="Roosterteam lost het op."
    )
    assert agreement.status == AgreementStatus.ADOPTED
    objection.refresh_from_db()
    assert objection.resolution == "Roosterteam lost het op."


def test_anonymous_support_keeps_no_name_and_counts_each_voter_once(group, facilitator):
    session = make_session(group, facilitator)
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Geen telefoons in de klas.", anonymous=True
    )
    services.support_give(
        agreement=agreement, voter="u7", name="Lotte Mulder", answer="objection", reason="Apps"
    )
    with pytest.raises(ValidationError):
        services.support_give(agreement=agreement, voter="u7", name="Lotte Mulder", answer="agree")
    answer = SupportAnswer.objects.get()
    assert answer.author_name == ""
    assert "Lotte" not in str(services.support_summary(agreement))
    assert SupportAnswer.objects.count() == 1


@pytest.mark.parametrize(
    ("answer", "reason"),
    [("maybe", ""), ("objection", ""), ("concern", "   "), ("concern", "x" * 1001)],
)
def test_bad_support_answers_change_nothing(group, facilitator, answer, reason):
    session = make_session(group, facilitator)
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Afspraak", anonymous=False
    )
    with pytest.raises(ValidationError):
        services.support_give(
            agreement=agreement, voter="u1", name="X", answer=answer, reason=reason
        )
    assert not SupportAnswer.objects.exists()
    # The voter may still answer properly afterwards.
    services.support_give(agreement=agreement, voter="u1", name="X", answer="agree")


def test_a_closed_check_takes_no_answers(group, facilitator):
    session = make_session(group, facilitator)
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Afspraak", anonymous=False
    )
    services.agreement_close_check(agreement=agreement, by=facilitator)
    with pytest.raises(ValidationError):
        services.support_give(agreement=agreement, voter="u1", name="X", answer="agree")


def test_open_actions_come_back_at_the_next_session_of_the_cycle(
    group, facilitator, teacher, cycle
):
    earlier = make_session(group, facilitator, cycle=cycle, days=-42)
    previous = make_session(group, facilitator, cycle=cycle, days=-1)
    nxt = make_session(group, facilitator, cycle=cycle, days=41, status=SessionStatus.PLANNED)
    elsewhere = make_session(group, facilitator, days=-3)  # no cycle
    due = date.today() + timedelta(days=7)
    open_one = services.action_add(
        session=earlier,
        by=facilitator,
        text="Leesstrategie uitproberen",
        owners=[teacher],
        due_date=due,
    )
    doing = services.action_add(
        session=previous, by=facilitator, text="Rubric delen", owners=[teacher], due_date=None
    )
    services.action_set_status(action=doing, by=teacher, status="doing")
    done = services.action_add(
        session=previous, by=facilitator, text="Klaar", owners=[teacher], due_date=None
    )
    services.action_set_status(action=done, by=teacher, status="done")
    services.action_add(
        session=elsewhere, by=facilitator, text="Buiten de cyclus", owners=[teacher], due_date=None
    )
    later = services.action_add(
        session=nxt, by=facilitator, text="Van later", owners=[teacher], due_date=None
    )
    review = list(services.actions_to_review(nxt))
    assert set(review) == {open_one, doing}
    assert later not in review
    assert list(services.actions_to_review(elsewhere)) == []


def test_action_status_rules(group, facilitator, teacher):
    session = make_session(group, facilitator)
    with pytest.raises(ValidationError):
        services.action_add(
            session=session, by=facilitator, text="Zonder eigenaar", owners=[], due_date=None
        )
    action = services.action_add(
        session=session, by=facilitator, text="Iets doen", owners=[teacher], due_date=None
    )
    with pytest.raises(ValidationError):
        services.action_set_status(action=action, by=teacher, status="dropped", reason="")
    with pytest.raises(ValidationError):
        services.action_set_status(action=action, by=teacher, status="finished")
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    services.action_set_status(action=action, by=teacher, status="done")
    assert ActionPoint.objects.get().done_at is not None
    services.action_set_status(action=action, by=teacher, status="dropped", reason="Niet nodig")
    action.refresh_from_db()
    assert action.done_at is None and action.dropped_reason == "Niet nodig"


def test_registers_do_not_keep_the_order_of_answering(group, facilitator, teacher, support):
    """The n-th register row must not sit next to the n-th anonymous answer."""
    from samenspraak.followup.models import Feedback, FeedbackGiven, SupportGiven

    session = make_session(group, facilitator)
    session.feedback_anonymous = True
    session.save()
    first, second = sorted([teacher, support, facilitator], key=lambda u: u.pk, reverse=True)[:2]
    for person in (first, second):  # the higher id answers first
        services.feedback_give(
            session=session, user=person, answers={"went_well": f"goed {person.pk}"}
        )
    register = list(FeedbackGiven.objects.order_by("pk").values_list("user_id", flat=True))
    assert register == sorted(register) == sorted([first.pk, second.pk])
    assert all(f.author_id is None for f in Feedback.objects.all())

    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Afspraak", anonymous=True
    )
    for voter in ("user:9", "user:10", "user:1"):
        services.support_give(agreement=agreement, voter=voter, name="X", answer="agree")
    voters = list(SupportGiven.objects.order_by("pk").values_list("voter", flat=True))
    assert voters == sorted(voters)
    with pytest.raises(ValidationError):  # still once each
        services.support_give(agreement=agreement, voter="user:10", name="X", answer="agree")
    assert SupportGiven.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_people_answering_at_once_are_all_registered(group, facilitator):
    """Each answer rewrites the register; the agreement's row is locked first, so answers
    that arrive together are all kept (on PostgreSQL from parallel connections; SQLite
    serialises writers itself, so there the same calls run one after the other)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    from samenspraak.followup.models import SupportGiven

    session = make_session(group, facilitator)
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Afspraak", anonymous=True
    )

    def answer(number: int) -> None:
        try:
            services.support_give(
                agreement=agreement, voter=f"user:{number}", name="", answer="agree"
            )
        finally:
            connections.close_all()

    voters = range(1, 9)
    if connection.vendor == "postgresql":
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(answer, voters))
    else:
        for number in voters:
            services.support_give(
                agreement=agreement, voter=f"user:{number}", name="", answer="agree"
            )
    assert SupportGiven.objects.filter(agreement=agreement).count() == 8
    assert agreement.answers.count() == 8
