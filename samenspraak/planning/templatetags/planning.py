"""Planning sections on the pages of other apps (group page, ambition page), so that the
schools app needs to know nothing about cycles."""

from django import template
from django.utils import timezone

from samenspraak.planning.access import can_plan
from samenspraak.planning.models import SessionStatus

register = template.Library()


@register.inclusion_tag("planning/_group_planning.html", takes_context=True)
def group_planning(context, group):
    user = context["request"].user
    now = timezone.now()
    upcoming = (
        group.sessions.filter(starts_at__gte=now)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")[:6]
    )
    return {
        "group": group,
        "cycles": group.cycles.order_by("-period_start"),
        "upcoming": upcoming,
        "can_plan": can_plan(user, group.school_id),
    }


@register.inclusion_tag("planning/_ambition_cycles.html")
def ambition_cycles(ambition):
    return {"cycles": ambition.cycles.select_related("group").order_by("-period_start")}
