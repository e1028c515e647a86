from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from samenspraak.followup.quality import MIN_ANSWERS
from samenspraak.leadership.access import leader_membership
from samenspraak.leadership.aggregates import dashboard


@login_required
def overview(request: HttpRequest, school_id: int) -> HttpResponse:
    """Per ambition and group: cadence kept, participation, action points on time and the
    dialogue-quality trend — aggregates only (see aggregates.py)."""
    membership = leader_membership(request.user, school_id)
    if membership is None:
        raise Http404
    data = dashboard(membership.school)
    return render(
        request,
        "leadership/overview.html",
        {
            "school": membership.school,
            "data": data,
            "min_answers": MIN_ANSWERS,
        },
    )
