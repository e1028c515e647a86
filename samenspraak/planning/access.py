"""Who may do what with cycles and sessions, and the only doors to them.

| who                                   | may                                                  |
|---------------------------------------|------------------------------------------------------|
| planners: admin, school leader, team  | plan cycles and sessions for the school's groups,    |
| leader, facilitator (in that school)  | see and edit every session of the school             |
| a session's participants              | see the session, its evidence, who prepared; prepare |
| (group members, invitees, facilitator)|                                                      |
| the author of a preparation           | read and change it; share it with the session        |
| anyone else                           | nothing: the same 404 as for a session that is not   |

A preparation's text is private: no role reads it unless its author shared it.
"""

from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404

from samenspraak.accounts.models import User
from samenspraak.planning.models import Cycle, Evidence, Session
from samenspraak.schools.access import active_memberships, holds_any
from samenspraak.schools.models import Membership, Role


class Permission(StrEnum):
    PLAN = "plan"


RULES = {
    Permission.PLAN: frozenset(
        {Role.ADMIN, Role.SCHOOL_LEADER, Role.TEAM_LEADER, Role.FACILITATOR}
    ),
}


def planner_memberships(user: User) -> list[Membership]:
    return [m for m in active_memberships(user) if holds_any(m, RULES[Permission.PLAN])]


def can_plan(user: User, school_id: int) -> bool:
    return any(m.school_id == school_id for m in planner_memberships(user))


def participant_filter(user: User) -> Q:
    """Sessions in which the user takes part: by group, by invitation, or as facilitator."""
    return Q(group__members=user) | Q(invitees=user) | Q(facilitator=user)


def visible_sessions(user: User) -> QuerySet[Session]:
    schools = [m.school_id for m in active_memberships(user)]
    if not schools:
        return Session.objects.none()
    planner_schools = [m.school_id for m in planner_memberships(user)]
    ids = (
        Session.objects.filter(school_id__in=schools)
        .filter(participant_filter(user) | Q(school_id__in=planner_schools))
        .values("pk")
    )
    return Session.objects.filter(pk__in=ids)


def get_session_for(user: User, session_id: int) -> Session:
    session = (
        visible_sessions(user)
        .select_related("school", "group", "cycle", "facilitator", "method_snapshot")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    return session


def get_plannable_session_for(user: User, session_id: int) -> Session:
    session = get_session_for(user, session_id)
    if not can_plan(user, session.school_id):
        raise Http404
    return session


def is_participant(user: User, session: Session) -> bool:
    return Session.objects.filter(pk=session.pk).filter(participant_filter(user)).exists()


def get_cycle_for(user: User, cycle_id: int) -> Cycle:
    """Cycles are seen by the group's members and by planners of the school."""
    cycle = Cycle.objects.select_related("school", "group").filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    member_of_school = any(m.school_id == cycle.school_id for m in active_memberships(user))
    if not member_of_school:
        raise Http404
    if can_plan(user, cycle.school_id) or cycle.group.members.filter(pk=user.pk).exists():
        return cycle
    raise Http404


def get_plannable_cycle_for(user: User, cycle_id: int) -> Cycle:
    cycle = get_cycle_for(user, cycle_id)
    if not can_plan(user, cycle.school_id):
        raise Http404
    return cycle


def get_evidence_for(user: User, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.select_related("session").filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    get_session_for(user, evidence.session_id)
    return evidence


def can_manage_evidence(user: User, session: Session) -> bool:
    """Planners of the school and the session's own facilitator add and remove evidence."""
    return can_plan(user, session.school_id) or session.facilitator_id == user.pk
