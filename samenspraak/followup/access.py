"""Who may do what with what a session leaves behind, and the only doors to it.

| who                                      | may                                              |
|------------------------------------------|--------------------------------------------------|
| a session's participants and the         | see its agreements, action points and collected  |
| school's planners (planning.access)      | 3xW feedback (group data)                        |
| participants                             | answer a support check, give 3xW feedback (once  |
|                                          | the session has begun), write a reflection       |
| the session's facilitator and planners   | add and change agreements and action points,     |
|                                          | close a check, settle an objection               |
| an action point's owners                 | change its status                                |
| a reflection's author                    | read, change, share, unshare and delete it       |
| members of the session's group           | read a reflection shared with the group          |
| the one coach it is shared with          | read that reflection                             |
| anyone else — a leader or admin included | nothing: the same 404 as for a missing object    |
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from samenspraak.accounts.models import User
from samenspraak.followup.models import ActionPoint, Agreement, Reflection
from samenspraak.planning.access import can_plan, get_session_for, is_participant
from samenspraak.planning.models import Session
from samenspraak.schools.access import active_memberships


def can_manage(user: User, session: Session) -> bool:
    """The session's facilitator and the school's planners manage its follow-up."""
    return session.facilitator_id == user.pk or can_plan(user, session.school_id)


def get_managed_session_for(user: User, session_id: int) -> Session:
    session = get_session_for(user, session_id)
    if not can_manage(user, session):
        raise Http404
    return session


def get_participating_session_for(user: User, session_id: int) -> Session:
    session = get_session_for(user, session_id)
    if not is_participant(user, session):
        raise Http404
    return session


def get_agreement_for(user: User, agreement_id: int) -> Agreement:
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404
    agreement.session = get_session_for(user, agreement.session_id)
    return agreement


def get_managed_agreement_for(user: User, agreement_id: int) -> Agreement:
    agreement = get_agreement_for(user, agreement_id)
    if not can_manage(user, agreement.session):
        raise Http404
    return agreement


def get_action_for(user: User, action_id: int) -> ActionPoint:
    action = ActionPoint.objects.filter(pk=action_id).first()
    if action is None:
        raise Http404
    action.session = get_session_for(user, action.session_id)
    return action


def can_change_status(user: User, action: ActionPoint) -> bool:
    return can_manage(user, action.session) or action.owners.filter(pk=user.pk).exists()


def get_managed_action_for(user: User, action_id: int) -> ActionPoint:
    action = get_action_for(user, action_id)
    if not can_manage(user, action.session):
        raise Http404
    return action


# --- Reflections: private data, only through these doors ------------------------------------


def _active_school_ids(user: User) -> set[int]:
    return {m.school_id for m in active_memberships(user)}


def readable_reflections(user: User) -> QuerySet[Reflection]:
    """Reflections the user may read: their own; those shared with a group they are an
    active member of (in a school where they are active); those shared with them as coach."""
    schools = _active_school_ids(user)
    if not schools:
        return Reflection.objects.none()
    shared_with_group = Q(
        shared_with_group=True,
        session__group__members=user,
        session__school_id__in=schools,
    )
    # The coach, while active in the school it was written in (kept when its session is
    # deleted).
    coached = Q(coach=user, school_id__in=schools)
    ids = Reflection.objects.filter(Q(author=user) | shared_with_group | coached).values("pk")
    return Reflection.objects.filter(pk__in=ids)


def get_reflection_for(user: User, reflection_id: int) -> Reflection:
    reflection = (
        readable_reflections(user)
        .select_related("author", "coach", "session", "session__group")
        .filter(pk=reflection_id)
        .first()
    )
    if reflection is None:
        raise Http404
    return reflection


def get_own_reflection(user: User, reflection_id: int) -> Reflection:
    reflection = (
        Reflection.objects.select_related("coach", "session", "session__group")
        .filter(pk=reflection_id, author=user)
        .first()
    )
    if reflection is None:
        raise Http404
    return reflection
