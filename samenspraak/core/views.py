from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from samenspraak.schools.access import active_memberships, my_groups
from samenspraak.schools.models import Ambition


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:overview")
    return redirect("accounts:login")


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Mijn overzicht: my schools, my groups, and the ambitions my groups work on."""
    memberships = list(active_memberships(request.user))
    groups = list(my_groups(request.user).prefetch_related("ambitions"))
    ambitions = (
        Ambition.objects.filter(groups__in=groups)
        .select_related("school")
        .prefetch_related("groups")
        .distinct()
    )
    return render(
        request,
        "core/overview.html",
        {"memberships": memberships, "groups": groups, "ambitions": list(ambitions)},
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
