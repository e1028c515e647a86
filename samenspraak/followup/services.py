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
from samenspraak.followup import notify
from samenspraak.followup.models import (
    ActionPoint,
    ActionStatus,
    Agreement,
    AgreementStatus,
    Feedback,
    FeedbackGiven,
    Insight,
    ObjectionState,
    Reflection,
    ReflectionForm,
    Support,
    SupportAnswer,
    SupportGiven,
)
from samenspraak.followup.registers import register_answer
from samenspraak.live.models import Room, RoomStatus
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
            register_answer(
                SupportGiven,
                scope={"agreement": agreement},
                person={"voter": voter},
                lock=agreement,
            )
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
    notify.action_reminders_schedule(action)
    record(school=session.school, actor=by, action="action.add", target=f"action:{action.pk}")
    return action


@transaction.atomic
def action_update(
    *,
    action: ActionPoint,
    by: User | None,
    text: str,
    owners: Iterable[User],
    due_date: date | None,
    agreement: Agreement | None = None,
) -> ActionPoint:
    """Change an action point. A new due date queues new reminders; the old ones find, when
    they run, that the date they were made for no longer holds and send nothing."""
    owners = list(owners)
    if not owners:
        raise ValidationError(_("Choose at least one owner."))
    if agreement is not None and agreement.session_id != action.session_id:
        raise ValidationError(_("That agreement belongs to another session."))
    moved = action.due_date != due_date
    action.text = _clean_text(text)
    action.due_date = due_date
    action.agreement = agreement
    action.save(update_fields=["text", "due_date", "agreement"])
    before = set(action.owners.values_list("pk", flat=True))
    action.owners.set(owners)
    if moved or before != {o.pk for o in owners}:
        notify.action_reminders_schedule(action)
    record(
        school=action.session.school, actor=by, action="action.update", target=f"action:{action.pk}"
    )
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


def voter_key(user: User) -> str:
    """The key under which a signed-in person is registered as having answered."""
    return f"user:{user.pk}"


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, by: User | None, outcome: str, review_date: date | None
) -> Agreement:
    outcome = outcome.strip() if isinstance(outcome, str) else ""
    if len(outcome) > 2000:
        raise ValidationError(_("This is too long: at most %(max)d characters.") % {"max": 2000})
    agreement.outcome = outcome
    agreement.review_date = review_date
    agreement.save(update_fields=["outcome", "review_date"])
    record(
        school=agreement.session.school,
        actor=by,
        action="agreement.update",
        target=f"agreement:{agreement.pk}",
    )
    return agreement


@transaction.atomic
def agreement_withdraw(*, agreement: Agreement, by: User | None) -> Agreement:
    agreement.status = AgreementStatus.WITHDRAWN
    agreement.check_open = False
    agreement.save(update_fields=["status", "check_open"])
    record(
        school=agreement.session.school,
        actor=by,
        action="agreement.withdraw",
        target=f"agreement:{agreement.pk}",
    )
    return agreement


def agreement_shown_status(agreement: Agreement, summary: dict) -> str:
    """The status as people see it: an open check or an open objection is never adopted."""
    if agreement.status == AgreementStatus.WITHDRAWN:
        return AgreementStatus.WITHDRAWN
    open_objection = any(
        r["answer"] == Support.OBJECTION and r["state"] == ObjectionState.OPEN
        for r in summary["reasons"]
    )
    if agreement.check_open or open_objection:
        return AgreementStatus.PROPOSED
    return agreement.status


# --- 3xW feedback ----------------------------------------------------------------------------

FEEDBACK_FIELDS = ("went_well", "could_be_better", "take_away")


def feedback_refusal(session: Session) -> str | None:
    """Why 3xW feedback cannot be given on this session (yet), or None when it can.

    Feedback looks back on a dialogue, so it opens once the session has begun: it is marked
    held, or it is still planned and its start time has passed or its facilitator has
    started the live room early (a room still waiting for people has not begun). The same
    line as the portfolio's `held()`, plus the early start. A cancelled session takes none."""
    if session.status == SessionStatus.CANCELLED:
        return _("This session was cancelled: there is no feedback to give.")
    if session.status == SessionStatus.HELD or session.starts_at <= timezone.now():
        return None
    if Room.objects.filter(session=session).exclude(status=RoomStatus.WAITING).exists():
        return None
    return _("You can give 3xW feedback once the session has begun.")


def feedback_give(*, session: Session, user: User, answers: dict[str, str]) -> Feedback:
    """One person's 3xW feedback, once the session has begun (`feedback_refusal`). In an
    anonymous session the row has no author and no time; the register of who gave
    feedback is kept apart so nobody answers twice."""
    refusal = feedback_refusal(session)
    if refusal:
        raise ValidationError(refusal)
    texts = {}
    for name in FEEDBACK_FIELDS:
        value = answers.get(name, "")
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > 2000:
            raise ValidationError(
                _("This is too long: at most %(max)d characters.") % {"max": 2000}
            )
        texts[name] = value
    if not any(texts.values()):
        raise ValidationError(_("Write an answer to at least one question."))
    try:
        with transaction.atomic():
            register_answer(
                FeedbackGiven, scope={"session": session}, person={"user": user}, lock=session
            )
            return Feedback.objects.create(
                session=session, author=None if session.feedback_anonymous else user, **texts
            )
    except IntegrityError as error:
        raise ValidationError(_("You have already given feedback on this session.")) from error


def feedback_lists(session: Session) -> dict:
    """The collected answers per question. Anonymous rows come in the order of their random
    key (says nothing about who wrote when); names only for named rows."""
    rows = sorted(
        Feedback.objects.filter(session=session).select_related("author"), key=lambda f: str(f.pk)
    )
    lists: dict[str, list[dict]] = {name: [] for name in FEEDBACK_FIELDS}
    for row in rows:
        for name in FEEDBACK_FIELDS:
            text = getattr(row, name)
            if text:
                author = row.author.name if row.author_id and row.author else None
                lists[name].append({"text": text, "name": author})
    return {"lists": lists, "count": len(rows)}


# --- Reflections -----------------------------------------------------------------------------

REFLECTION_LIMIT = 5000


@transaction.atomic
def reflection_save(
    *,
    author: User,
    form: str,
    answers: dict[str, str],
    session: Session | None = None,
    reflection: Reflection | None = None,
) -> Reflection:
    """Create or change one's own reflection. No audit entry names what it says."""
    if form not in ReflectionForm.values:
        raise ValidationError(_("Choose a reflection form from the list."))
    cleaned = {}
    for key, value in answers.items():
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > REFLECTION_LIMIT:
            raise ValidationError(
                _("This is too long: at most %(max)d characters.") % {"max": REFLECTION_LIMIT}
            )
        cleaned[str(key)[:40]] = value
    if not any(cleaned.values()):
        raise ValidationError(_("Write an answer to at least one question."))
    if reflection is None:
        reflection = Reflection.objects.create(
            author=author,
            session=session,
            form=form,
            answers=cleaned,
        )
    else:
        if reflection.author_id != author.pk:
            raise ValidationError(_("Only the author can change a reflection."))
        reflection.answers = cleaned
        reflection.updated_at = timezone.now()
        reflection.save(update_fields=["answers", "updated_at"])
    return reflection


def _record_reflection(reflection: Reflection, by: User, action: str) -> None:
    # Only that it was (un)shared or deleted, never what it says. Filed under the school
    # it was written in, which it keeps when its session is deleted; a school that was
    # itself deleted took its audit log with it.
    if reflection.school_id is not None:
        record(
            school=reflection.school,
            actor=by,
            action=action,
            target=f"reflection:{reflection.pk}",
        )


@transaction.atomic
def reflection_share_group(*, reflection: Reflection, by: User, shared: bool) -> Reflection:
    """The author's explicit act of sharing with the session's group (or undoing it)."""
    if reflection.author_id != by.pk:
        raise ValidationError(_("Only the author can share a reflection."))
    if shared and (reflection.session is None or reflection.session.group_id is None):
        raise ValidationError(_("This reflection has no group to share it with."))
    reflection.shared_with_group = shared
    reflection.save(update_fields=["shared_with_group"])
    _record_reflection(
        reflection, by, "reflection.share_group" if shared else "reflection.unshare_group"
    )
    return reflection


@transaction.atomic
def reflection_set_coach(*, reflection: Reflection, by: User, coach: User | None) -> Reflection:
    """Share with one coach, or (coach None) stop sharing with a coach."""
    if reflection.author_id != by.pk:
        raise ValidationError(_("Only the author can share a reflection."))
    if coach is not None and coach.pk == by.pk:
        raise ValidationError(_("Choose a colleague as coach, not yourself."))
    reflection.coach = coach
    reflection.save(update_fields=["coach"])
    _record_reflection(
        reflection, by, "reflection.share_coach" if coach else "reflection.unshare_coach"
    )
    return reflection


@transaction.atomic
def reflection_delete(*, reflection: Reflection, by: User) -> None:
    """The author's act of deleting their reflection for good; whoever it was shared with
    can no longer read it. The audit entry names only the act and the reflection's number."""
    if reflection.author_id != by.pk:
        raise ValidationError(_("Only the author can delete a reflection."))
    _record_reflection(reflection, by, "reflection.delete")
    reflection.delete()
