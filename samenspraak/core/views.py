from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from samenspraak.schools.access import Permission, active_memberships, has_permission, my_groups
from samenspraak.schools.models import Ambition, Group


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:overview")
    return redirect("accounts:login")


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Mijn overzicht: my groups and the ambitions they work on; for leaders and others
    with an overview role, also every group and ambition of their school."""
    memberships = list(active_memberships(request.user))
    overview_schools = [
        m.school_id for m in memberships if has_permission(m, Permission.VIEW_ALL_GROUPS)
    ]
    groups = list(my_groups(request.user).prefetch_related("ambitions"))
    school_groups = list(
        Group.objects.filter(school_id__in=overview_schools)
        .exclude(pk__in=[g.pk for g in groups])
        .select_related("school")
        .annotate(member_count=Count("memberships", distinct=True))
    )
    ambitions = (
        Ambition.objects.filter(Q(groups__in=groups) | Q(school_id__in=overview_schools))
        .select_related("school")
        .distinct()
    )
    return render(
        request,
        "core/overview.html",
        {
            "memberships": memberships,
            "groups": groups,
            "school_groups": school_groups,
            "ambitions": list(ambitions),
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a response has no icon link (a PDF, a plain
    error): the site's icon. Not permanent: its static name changes with its content."""
    return redirect(static("samenspraak/icon.svg"))
