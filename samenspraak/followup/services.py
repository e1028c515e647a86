"""Writes for what a dialogue leaves behind. Keyword-only, one transaction each.

Errors people can fix raise `ValidationError` with a message in their language; callers
(views, the live room's engine) turn it into a form error or a refusal. Nothing here
writes an audit entry that could name the author of something anonymous or private.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspraak.accounts.models import User
from samenspraak.core.audit import record
from samenspraak.followup.models import (
    ActionPoint,
    ActionStatus,
    Agreement,
    AgreementStatus,
    Insight,
    ObjectionState,
    Support,
    SupportAnswer,
    SupportGiven,
)
from samenspraak.planning.models import Session, SessionStatus

MAX_TEXT = 1000


def _clean_text(value, *, limit: int = MAX_TEXT, message=None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(message or _("Write something first."))
    if len(value) > limit:
        raise ValidationError(_("This is too long: at most %(max)d characters.") % {"max": limit})
    return value.strip()


@transaction.atomic
def insight_add(*, session: Session, by: User | None, text: str) -> Insight:
    insight = Insight.objects.create(session=session, text=_clean_text(text), created_by=by)
    record(school=session.school, actor=by, action="insight.add", target=f"session:{session.pk}")
    return insight


@transaction.atomic
def agreement_propose(
    *, session: Session, by: User | None, text: str, anonymous: bool, open_check: bool = True
) -> Agreement:
    agreement = Agreement.objects.create(
        session=session,
        text=_clean_text(text, limit=2000),
        anonymous=anonymous,
        check_open=open_check,
        created_by=by,
    )
    record(
        school=session.school, actor=by, action="agreement.propose", target=f"session:{session.pk}"
    )
    return agreement


def support_give(
    *,
    agreement: Agreement,
    voter: str,
    name: str,
    answer: str,
    reason: str = "",
    reason_required: bool = True,
) -> SupportAnswer:
    """One person's answer in the support check. `voter` identifies the person for the
    once-only register; `name` is stored with the answer only in a named check.
    `reason_required=False` (a consent phase that does not ask for reasons) lets a concern
    or objection be given without one."""
    if not agreement.check_open:
        raise ValidationError(_("The support check for this agreement is closed."))
    if answer not in Support.values:
        raise ValidationError(_("Choose agree, concern or objection."))
    reason = reason.strip() if isinstance(reason, str) else ""
    if answer != Support.AGREE and (reason_required or reason):
        reason = _clean_text(reason, message=_("Give a reason for a concern or an objection."))
    else:
        reason = reason[:MAX_TEXT]
    try:
        with transaction.atomic():
            SupportGiven.objects.create(agreement=agreement, voter=voter)
            return SupportAnswer.objects.create(
                agreement=agreement,
                answer=answer,
                reason=reason,
                author_name="" if agreement.anonymous else name[:150],
            )
    except IntegrityError as error:
        raise ValidationError(_("You have already answered this support check.")) from error


def support_summary(agreement: Agreement) -> dict:
    """Counts per answer and the reasons of concerns and objections (with names only in a
    named check). In an anonymous check the reasons are shuffled into a stable order by
    their random key, so their order says nothing about who answered when."""
    answers = sorted(agreement.answers.all(), key=lambda a: str(a.pk))
    counts = {value: 0 for value in Support.values}
    reasons = []
    for item in answers:
        counts[item.answer] += 1
        if item.answer != Support.AGREE:
            reasons.append(
                {
                    "id": str(item.pk),
                    "answer": item.answer,
                    "reason": item.reason,
                    "name": None if agreement.anonymous else item.author_name,
                    "state": item.state,
                    "resolution": item.resolution,
                }
            )
    return {"counts": counts, "reasons": reasons, "total": len(answers)}


def open_objections(agreement: Agreement) -> QuerySet[SupportAnswer]:
    return agreement.answers.filter(answer=Support.OBJECTION, state=ObjectionState.OPEN)


@transaction.atomic
def agreement_close_check(*, agreement: Agreement, by: User | None) -> Agreement:
    """Close the support check; adopt the agreement unless an objection is open."""
    agreement.check_open = False
    if not open_objections(agreement).exists() and agreement.status == AgreementStatus.PROPOSED:
        agreement.status = AgreementStatus.ADOPTED
        agreement.decided_at = timezone.now()
    agreement.save(update_fields=["check_open", "status", "decided_at"])
    record(
        school=agreement.session.school,
        actor=by,
        action="agreement.close_check",
        target=f"agreement:{agreement.pk}",
    )
    return agreement


@transaction.atomic
def objection_settle(
    *, objection: SupportAnswer, by: User | None, state: str, text: str
) -> Agreement:
    """Settle an objection: resolved (the proposal was changed) or overruled, each with a
    reason that is kept. The agreement is adopted once no objection is open."""
    if objection.answer != Support.OBJECTION:
        raise ValidationError(_("Only an objection can be settled."))
    if state not in (ObjectionState.RESOLVED, ObjectionState.OVERRULED):
        raise ValidationError(_("Choose resolved or overruled."))
    objection.state = state
    objection.resolution = _clean_text(text, message=_("Say how the objection was settled."))
    objection.save(update_fields=["state", "resolution"])
    agreement = objection.agreement
    if (
        not agreement.check_open
        and agreement.status == AgreementStatus.PROPOSED
        and not open_objections(agreement).exists()
    ):
        agreement.status = AgreementStatus.ADOPTED
        agreement.decided_at = timezone.now()
        agreement.save(update_fields=["status", "decided_at"])
    record(
        school=agreement.session.school,
        actor=by,
        action=f"agreement.objection_{state}",
        target=f"agreement:{agreement.pk}",
    )
    return agreement


@transaction.atomic
def action_add(
    *,
    session: Session,
    by: User | None,
    text: str,
    owners: Iterable[User],
    due_date: date | None,
    agreement: Agreement | None = None,
) -> ActionPoint:
    owners = list(owners)
    if not owners:
        raise ValidationError(_("Choose at least one owner."))
    if agreement is not None and agreement.session_id != session.pk:
        raise ValidationError(_("That agreement belongs to another session."))
    action = ActionPoint.objects.create(
        session=session,
        agreement=agreement,
        text=_clean_text(text),
        due_date=due_date,
        created_by=by,
    )
    action.owners.set(owners)
    record(school=session.school, actor=by, action="action.add", target=f"action:{action.pk}")
    return action


@transaction.atomic
def action_set_status(
    *, action: ActionPoint, by: User | None, status: str, reason: str = ""
) -> ActionPoint:
    if status not in ActionStatus.values:
        raise ValidationError(_("Choose a status from the list."))
    if status == ActionStatus.DROPPED:
        action.dropped_reason = _clean_text(
            reason, message=_("Say why the action point is dropped.")
        )
    action.status = status
    action.done_at = timezone.now() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "dropped_reason", "done_at"])
    record(
        school=action.session.school,
        actor=by,
        action=f"action.{status}",
        target=f"action:{action.pk}",
    )
    return action


def actions_to_review(session: Session) -> QuerySet[ActionPoint]:
    """Open action points of the session's cycle from its earlier sessions: they come back
    at the start of this one (the Check of PDCA)."""
    if session.cycle_id is None:
        return ActionPoint.objects.none()
    return (
        ActionPoint.objects.filter(
            session__cycle_id=session.cycle_id,
            session__starts_at__lt=session.starts_at,
            status__in=(ActionStatus.OPEN, ActionStatus.DOING),
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session")
        .prefetch_related("owners")
    )
