"""Every write to schools, memberships, groups and ambitions goes through here.

Services are keyword-only, own their transaction and their audit entry, and send mail
only after the transaction commits (invitations through the task queue).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from samenspraak.accounts.models import Invitation, User
from samenspraak.accounts.services import invitation_send
from samenspraak.core.audit import record
from samenspraak.schools.models import Ambition, Group, GroupMember, Membership, Role, School


def _ensure_member(
    *, school: School, email: str, name: str, roles: Iterable[Role], by: User | None
) -> tuple[Membership, bool]:
    """Find or create the person and their membership; returns (membership, newly invited)."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, name=name.strip())
    membership, created = Membership.objects.get_or_create(user=user, school=school)
    wanted = set(membership.roles) | set(roles) if not created else set(roles)
    membership.set_roles(wanted)
    if not membership.is_active:
        membership.is_active = True
        membership.deactivated_at = None
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    membership.save()
    needs_invitation = created or not user.has_usable_password()
    if needs_invitation:
        invitation_send(user=user, school=school, invited_by=by)
    return membership, needs_invitation


@transaction.atomic
def member_invite(
    *,
    school: School,
    by: User,
    email: str,
    name: str,
    roles: Iterable[Role],
    groups: Iterable[Group] = (),
) -> Membership:
    membership, _ = _ensure_member(school=school, email=email, name=name, roles=roles, by=by)
    for group in groups:
        GroupMember.objects.get_or_create(group=group, user=membership.user)
    record(school=school, actor=by, action="member.invite", target=membership.user.email)
    return membership


@dataclass
class StaffRow:
    line: int
    name: str
    email: str
    roles: set[Role]
    groups: list[Group] = field(default_factory=list)


@dataclass
class ImportResult:
    invited: int = 0
    updated: int = 0


@transaction.atomic
def members_import(*, school: School, by: User, rows: list[StaffRow]) -> ImportResult:
    """Import rows that have already been validated as a whole (see schools.staff_import)."""
    result = ImportResult()
    for row in rows:
        membership, invited = _ensure_member(
            school=school, email=row.email, name=row.name, roles=row.roles, by=by
        )
        for group in row.groups:
            GroupMember.objects.get_or_create(group=group, user=membership.user)
        if invited:
            result.invited += 1
        else:
            result.updated += 1
    record(
        school=school,
        actor=by,
        action="member.import",
        detail={"invited": result.invited, "updated": result.updated},
    )
    return result


@transaction.atomic
def member_set_roles(*, member: Membership, by: User, roles: Iterable[Role]) -> None:
    """Give a member these roles; their open live rooms check whether they may still see
    or run them."""
    member.set_roles(roles)
    member.save()
    record(
        school=member.school,
        actor=by,
        action="member.roles",
        target=member.user.email,
        detail={"roles": sorted(str(r) for r in member.roles)},
    )

    from samenspraak.live.events import recheck_user_sockets

    transaction.on_commit(lambda: recheck_user_sockets([member.user_id]))


@transaction.atomic
def member_deactivate(*, member: Membership, by: User) -> None:
    """Take away this person's access to the school at once: their signed-in sessions end
    and, if this was their last school, their account is switched off."""
    member.is_active = False
    member.deactivated_at = timezone.now()
    member.save(update_fields=["is_active", "deactivated_at"])
    user = member.user
    if not user.memberships.filter(is_active=True).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
    user.end_all_sessions()
    record(school=member.school, actor=by, action="member.deactivate", target=user.email)

    from samenspraak.live.events import close_user_sockets

    transaction.on_commit(lambda: close_user_sockets(user.pk))


@transaction.atomic
def member_reactivate(*, member: Membership, by: User) -> None:
    member.is_active = True
    member.deactivated_at = None
    member.save(update_fields=["is_active", "deactivated_at"])
    if not member.user.is_active:
        member.user.is_active = True
        member.user.save(update_fields=["is_active"])
    record(school=member.school, actor=by, action="member.reactivate", target=member.user.email)


@transaction.atomic
def invitation_resend(*, member: Membership, by: User) -> None:
    user = member.user
    Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=timezone.now())
    invitation_send(user=user, school=member.school, invited_by=by)
    record(school=member.school, actor=by, action="member.reinvite", target=user.email)


@transaction.atomic
def group_save(
    *, school: School, by: User, group: Group | None, name: str, kind: str, description: str
) -> Group:
    if group is None:
        group = Group(school=school)
    group.name = name.strip()
    group.kind = kind
    group.description = description.strip()
    group.save()
    record(school=school, actor=by, action="group.save", target=group.name)
    return group


@transaction.atomic
def group_set_members(*, group: Group, by: User, users: Iterable[User]) -> None:
    """Set the group's members; open live rooms check whether those who left may stay."""
    wanted = {u.pk for u in users}
    current = set(group.memberships.values_list("user_id", flat=True))
    group.memberships.filter(user_id__in=current - wanted).delete()
    GroupMember.objects.bulk_create(
        [GroupMember(group=group, user_id=pk) for pk in sorted(wanted - current)]
    )
    record(
        school=group.school,
        actor=by,
        action="group.members",
        target=group.name,
        detail={"added": len(wanted - current), "removed": len(current - wanted)},
    )

    from samenspraak.live.events import recheck_user_sockets

    transaction.on_commit(lambda: recheck_user_sockets(current - wanted))


@transaction.atomic
def ambition_save(
    *,
    school: School,
    by: User,
    ambition: Ambition | None,
    title: str,
    description: str,
    period_start: int,
    period_end: int,
    status: str,
    groups: Iterable[Group],
) -> Ambition:
    if ambition is None:
        ambition = Ambition(school=school)
    ambition.title = title.strip()
    ambition.description = description.strip()
    ambition.period_start = period_start
    ambition.period_end = period_end
    ambition.status = status
    ambition.save()
    ambition.groups.set(list(groups))
    record(school=school, actor=by, action="ambition.save", target=ambition.title)
    return ambition
