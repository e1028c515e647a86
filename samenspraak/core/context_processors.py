from django.http import HttpRequest

from samenspraak.schools.access import Permission, active_memberships, has_permission


def navigation(request: HttpRequest) -> dict:
    """The school the navigation links point at, and what the person may manage there."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(active_memberships(user))
    if not memberships:
        return {"nav_memberships": []}
    # The school in the URL, if any; otherwise the first (most people have only one).
    wanted = None
    if request.resolver_match is not None:
        wanted = request.resolver_match.kwargs.get("school_id")
    current = next((m for m in memberships if m.school_id == wanted), memberships[0])
    return {
        "nav_memberships": memberships,
        "nav_membership": current,
        "nav_school": current.school,
        "nav_can_manage_members": has_permission(current, Permission.MANAGE_MEMBERS),
    }
