"""Who may do what in a school: the rules as one table, and the only doors to objects.

Every look-up helper answers the same 404 for "does not exist" and "not yours", so an
id from another school tells its guesser nothing.
"""

from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404

from samenspraak.accounts.models import User
from samenspraak.schools.models import Ambition, Group, Membership, Role, School


class Permission(StrEnum):
    VIEW_SCHOOL = "view_school"
    VIEW_ALL_GROUPS = "view_all_groups"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_GROUPS = "manage_groups"
    MANAGE_AMBITIONS = "manage_ambitions"


EVERYONE = frozenset(Role)

#: permission -> roles that hold it (a person holds the union of their roles' rights)
RULES: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_SCHOOL: EVERYONE,
    Permission.VIEW_ALL_GROUPS: frozenset(
        {Role.ADMIN, Role.SCHOOL_LEADER, Role.TEAM_LEADER, Role.FACILITATOR}
    ),
    Permission.MANAGE_MEMBERS: frozenset({Role.ADMIN}),
    Permission.MANAGE_GROUPS: frozenset({Role.ADMIN}),
    Permission.MANAGE_AMBITIONS: frozenset({Role.ADMIN, Role.SCHOOL_LEADER}),
}


def holds_any(membership: Membership | None, roles: frozenset[Role]) -> bool:
    """True when an active membership holds one of these roles (other apps' rule tables
    use this too)."""
    if membership is None or not membership.is_active:
        return False
    return bool(membership.roles & roles)


def has_permission(membership: Membership | None, permission: Permission) -> bool:
    return holds_any(membership, RULES[permission])


def active_memberships(user: User) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("school")
        .order_by("school__name")
    )


def membership_in(user: User, school_id: int) -> Membership | None:
    return active_memberships(user).filter(school_id=school_id).first()


def get_membership_for(user: User, school_id: int, permission: Permission) -> Membership:
    """The user's own membership in that school, if it grants the permission; else 404."""
    membership = membership_in(user, school_id)
    if not has_permission(membership, permission):
        raise Http404
    return membership


def get_member_for(user: User, school_id: int, membership_id: int) -> tuple[Membership, Membership]:
    """(acting admin's membership, the member being managed) or 404."""
    acting = get_membership_for(user, school_id, Permission.MANAGE_MEMBERS)
    member = (
        Membership.objects.select_related("user", "school")
        .filter(pk=membership_id, school_id=school_id)
        .first()
    )
    if member is None:
        raise Http404
    return acting, member


def visible_groups(user: User, school: School) -> QuerySet[Group]:
    """Groups of this school that the user may see: all of them for staff with an
    overview role, otherwise only their own."""
    membership = membership_in(user, school.pk)
    groups = Group.objects.filter(school=school)
    if has_permission(membership, Permission.VIEW_ALL_GROUPS):
        return groups
    if membership is None:
        return groups.none()
    return groups.filter(members=user)


def get_group_for(user: User, group_id: int, permission: Permission | None = None) -> Group:
    """A group the user may see (and, with a permission, act on in its school)."""
    group = Group.objects.select_related("school", "school__board").filter(pk=group_id).first()
    if group is None or not user.is_authenticated:
        raise Http404
    membership = membership_in(user, group.school_id)
    if permission is not None:
        if not has_permission(membership, permission):
            raise Http404
        return group
    is_member = group.members.filter(pk=user.pk).exists()
    # A network's members from other schools of the board see it through their membership
    # of the group itself; an inactive person sees nothing.
    if is_member and active_memberships(user).filter(school__in=group.eligible_schools()).exists():
        return group
    if has_permission(membership, Permission.VIEW_ALL_GROUPS):
        return group
    raise Http404


def get_ambition_for(user: User, ambition_id: int, permission: Permission) -> Ambition:
    ambition = Ambition.objects.select_related("school").filter(pk=ambition_id).first()
    if ambition is None:
        raise Http404
    get_membership_for(user, ambition.school_id, permission)
    return ambition


def my_groups(user: User) -> QuerySet[Group]:
    """Groups the user belongs to, in schools where they are still active."""
    schools = active_memberships(user).values("school")
    board_schools = School.objects.filter(board__isnull=False, board__schools__in=schools).values(
        "pk"
    )
    return (
        Group.objects.filter(members=user)
        .filter(Q(school__in=schools) | Q(kind="network", school__in=board_schools))
        .select_related("school")
        .distinct()
    )
