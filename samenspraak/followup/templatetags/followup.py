"""Follow-up blocks on the pages of other apps (session page, personal overview), so that
planning and core need to know nothing about agreements or action points."""

from django import template

from samenspraak.followup import services
from samenspraak.followup.models import ActionPoint, ActionStatus, Reflection
from samenspraak.planning.access import is_participant
from samenspraak.schools.access import active_memberships

register = template.Library()


@register.inclusion_tag("followup/_session_followup.html", takes_context=True)
def session_followup(context, session):
    """On a session's page: the review of open action points from earlier sessions of the
    cycle (the Check of PDCA), and the ways to what this session leaves behind."""
    user = context["request"].user
    takes_part = is_participant(user, session)
    return {
        "session": session,
        "review": list(services.actions_to_review(session)),
        "takes_part": takes_part,
        "own_reflections": list(
            Reflection.objects.filter(session=session, author=user).values_list("pk", flat=True)
        )
        if takes_part
        else [],
    }


@register.inclusion_tag("followup/_my_open_actions.html", takes_context=True)
def my_open_actions(context, limit: int = 5):
    user = context["request"].user
    schools = [m.school_id for m in active_memberships(user)]
    actions = (
        ActionPoint.objects.filter(
            owners=user,
            session__school_id__in=schools,
            status__in=(ActionStatus.OPEN, ActionStatus.DOING),
        )
        .select_related("session")
        .order_by("due_date", "created_at", "pk")
    )
    shown = list(actions[: limit + 1])
    return {"actions": shown[:limit], "more": len(shown) > limit}
