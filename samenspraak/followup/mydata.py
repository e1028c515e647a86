"""Everything Samenspraak keeps that is tied to one person, as one JSON document: the
export behind the trust rule "people own their data" (PRODUCT.md).

It holds the person's own data of every class: their profile, schools and groups, the
sessions they take part in, their private preparations and reflections, and what the
group's record links to them by name (notes, 3xW feedback, action points they own,
agreements and insights they put forward, evidence they added). Nobody else's private
data is in it, not even a reflection someone shared with them.

What was given anonymously (notes in an anonymous phase, quality answers, answers in an
anonymous support check, 3xW feedback in an anonymous session) is stored with no link to
its author, so it cannot be found for anyone and is not in here; nor are the answers to a
named support check, which carry a name and no link. The document says so in the person's
language. A fixed number of queries, however much there is.

`delete_me` is the other half: a person deletes their account. What is private goes with
it; what they brought into a group's record stays there without their name.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspraak.accounts.models import User
from samenspraak.followup.models import (
    ActionPoint,
    Agreement,
    Feedback,
    Insight,
    Reflection,
    SupportAnswer,
)
from samenspraak.live import engine
from samenspraak.live.events import broadcast_room, recheck_user_sockets
from samenspraak.live.models import Contribution, Participant
from samenspraak.planning.access import participant_filter
from samenspraak.planning.models import Evidence, Preparation, Session
from samenspraak.schools.models import GroupMember, Membership

FORMAT = "samenspraak-personal-data"
VERSION = 1


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _session(session: Session | None) -> dict | None:
    if session is None:
        return None
    return {"id": session.pk, "title": session.title, "starts_at": _when(session.starts_at)}


def _taking_part(user: User) -> QuerySet:
    """The keys of the sessions the person takes part in (member, invitee, facilitator)."""
    return Session.objects.filter(participant_filter(user)).values("pk")


def personal_data(user: User) -> dict:
    """The person's data as a JSON-ready dict (keys in English, texts as they were
    written)."""
    memberships = Membership.objects.filter(user=user).select_related("school")
    groups = GroupMember.objects.filter(user=user).select_related("group__school")
    sessions = (
        Session.objects.filter(pk__in=_taking_part(user))
        .select_related("school", "group", "facilitator")
        .order_by("starts_at", "pk")
    )
    preparations = Preparation.objects.filter(author=user).select_related("session")
    reflections = Reflection.objects.filter(author=user).select_related("session", "coach")
    notes = (
        Contribution.objects.filter(author__user=user)
        .select_related("room__session")
        .order_by("created_at", "pk")
    )
    feedback = Feedback.objects.filter(author=user).select_related("session")
    actions = ActionPoint.objects.filter(owners=user).select_related("session")
    agreements = Agreement.objects.filter(created_by=user).select_related("session")
    insights = Insight.objects.filter(created_by=user).select_related("session")
    evidence = Evidence.objects.filter(uploaded_by=user).select_related("session")
    return {
        "format": FORMAT,
        "version": VERSION,
        "made_at": _when(timezone.now()),
        "person": {
            "name": user.name,
            "email": user.email,
            "language": user.language,
            "active": user.is_active,
            "joined": _when(user.date_joined),
        },
        "schools": [
            {
                "school": m.school.name,
                "roles": sorted(role.value for role in m.roles),
                "active": m.is_active,
                "since": _when(m.created_at),
            }
            for m in memberships
        ],
        "groups": [
            {"group": g.group.name, "kind": g.group.kind, "school": g.group.school.name}
            for g in groups
        ],
        "sessions": [
            {
                **_session(s),
                "school": s.school.name,
                "group": s.group.name if s.group_id else None,
                "status": s.status,
                "you_facilitate": s.facilitator_id == user.pk,
            }
            for s in sessions
        ],
        "preparations": [
            {
                "session": _session(p.session),
                "answers": p.answers,
                "shared": p.shared,
                "updated_at": _when(p.updated_at),
            }
            for p in preparations
        ],
        "reflections": [
            {
                "form": r.form,
                "session": _session(r.session),
                "answers": r.answers,
                "shared_with_group": r.shared_with_group,
                "shared_with": r.coach.name if r.coach_id else None,
                "created_at": _when(r.created_at),
                "updated_at": _when(r.updated_at),
            }
            for r in reflections
        ],
        "notes": [
            {
                "session": _session(c.room.session),
                "phase": c.phase_index + 1,
                "text": c.text,
                "written_at": _when(c.created_at),
            }
            for c in notes
        ],
        "feedback": [
            {
                "session": _session(f.session),
                "went_well": f.went_well,
                "could_be_better": f.could_be_better,
                "take_away": f.take_away,
            }
            for f in feedback
        ],
        "action_points": [
            {
                "session": _session(a.session),
                "text": a.text,
                "due_date": _when(a.due_date),
                "status": a.status,
                "dropped_reason": a.dropped_reason,
            }
            for a in actions
        ],
        "agreements_proposed": [
            {"session": _session(a.session), "text": a.text, "status": a.status} for a in agreements
        ],
        "insights_captured": [{"session": _session(i.session), "text": i.text} for i in insights],
        "evidence_added": [
            {"session": _session(e.session), "kind": e.kind, "title": e.title, "url": e.url}
            for e in evidence
        ],
        "not_included": _(
            "What you gave anonymously (notes in an anonymous phase, quality answers, answers "
            "in an anonymous support check, 3xW feedback in an anonymous session) is stored "
            "without any link to you, so it cannot be found for you and is not in this file. "
            "Nor are your answers in a named support check: they carry your name, no link."
        ),
    }


def only_admin_of(user: User) -> list[str]:
    """The schools where this person is the only active admin while others are members:
    deleting the account would leave them without one."""
    schools = []
    for membership in Membership.objects.filter(user=user, is_active=True, is_admin=True):
        others = Membership.objects.filter(school=membership.school, is_active=True).exclude(
            user=user
        )
        if others.exists() and not others.filter(is_admin=True).exists():
            schools.append(membership.school.name)
    return schools


@transaction.atomic
def delete_me(*, user: User, password: str) -> None:
    """Delete the account. Gone with it: the profile, memberships, reflections,
    preparations, the calendar feed, seats in live rooms and the registers of what the
    person answered. Kept in the groups' records, without a link or a name: their notes,
    3xW feedback, agreements and insights they put forward, evidence they added, the
    action points they owned (with their other owners), and their answers in named support
    checks, whose name is blanked. Published reports stay as they were published."""
    if not user.check_password(password or ""):
        raise ValidationError(_("That is not your password."))
    blocked = only_admin_of(user)
    if blocked:
        raise ValidationError(
            _("You are the only admin of %(schools)s: make someone else admin first.")
            % {"schools": ", ".join(blocked)}
        )
    SupportAnswer.objects.filter(
        agreement__session__in=_taking_part(user), author_name=user.name
    ).update(author_name="")
    # Open rooms forget the person's seat first, each telling its screens (after commit).
    seats = Participant.objects.filter(user=user).order_by("room_id")
    left = [
        (room_id, engine.seat_removed(room_id=room_id, seat_id=seat_id))
        for room_id, seat_id in seats.values_list("room_id", "pk")
    ]
    user_id = user.pk
    user.delete()  # cascades to the private rows; the group records keep theirs (SET_NULL)
    transaction.on_commit(lambda: recheck_user_sockets([user_id]))
    for room_id, outcome in left:
        if outcome is not None:
            transaction.on_commit(partial(broadcast_room, room_id, outcome.events))
