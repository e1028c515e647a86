from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samenspraak.lib.forms import is_key
from samenspraak.live.access import runs_room
from samenspraak.methods.access import visible_methods
from samenspraak.methods.kinds import Pdca
from samenspraak.planning import ics, retention, services
from samenspraak.planning.access import (
    can_manage_evidence,
    can_plan,
    get_cycle_for,
    get_plannable_cycle_for,
    get_plannable_session_for,
    get_session_for,
    is_participant,
    participant_filter,
    planner_memberships,
)
from samenspraak.planning.cadence import Cadence
from samenspraak.planning.forms import (
    STARRT_FIELDS,
    CycleForm,
    GroundRulesForm,
    HolidayForm,
    MethodChoiceForm,
    PreparationForm,
    RetentionForm,
    SessionForm,
)
from samenspraak.planning.models import (
    CalendarFeed,
    Cycle,
    Preparation,
    Session,
    SessionStatus,
    Structure,
)
from samenspraak.schools.access import Permission as SchoolPermission
from samenspraak.schools.access import active_memberships, get_membership_for
from samenspraak.schools.models import Ambition


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


def _planner_school(request: HttpRequest):
    """The school to plan in: the one named in ?school= or the only one the person plans in."""
    memberships = planner_memberships(request.user)
    wanted = request.GET.get("school") or request.POST.get("school")
    if is_key(wanted or ""):
        memberships = [m for m in memberships if m.school_id == int(wanted)]
    if not memberships:
        raise Http404
    return memberships[0].school


# --- My sessions and the school's plan ------------------------------------------------------


@login_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    sessions = (
        Session.objects.filter(participant_filter(request.user), ends_after(now))
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("group", "school")
        .distinct()
        .order_by("starts_at")
    )
    structure = request.GET.get("structure", "")
    if structure in Structure.values:
        sessions = sessions.filter(structure=structure)
    prepared = set(
        Preparation.objects.filter(author=request.user, session__in=sessions).values_list(
            "session_id", flat=True
        )
    )
    return render(
        request,
        "planning/my_sessions.html",
        {
            "sessions": sessions,
            "prepared": prepared,
            "can_plan": bool(planner_memberships(request.user)),
            "structures": Structure.choices,
            "structure": structure,
        },
    )


def ends_after(moment) -> Q:
    # A session shows until a day after it started (the same day's sessions stay visible).
    return Q(starts_at__gte=moment - timedelta(days=1))


@login_required
def school_plan(request: HttpRequest, school_id: int) -> HttpResponse:
    """Planned dialogues per ambition across the school: titles, dates, groups — school data."""
    membership = get_membership_for(request.user, school_id, SchoolPermission.VIEW_ALL_GROUPS)
    upcoming = Session.objects.filter(starts_at__gte=timezone.now()).exclude(
        status=SessionStatus.CANCELLED
    )
    ambitions = (
        Ambition.objects.filter(school_id=school_id)
        .prefetch_related(
            Prefetch(
                "cycles",
                queryset=Cycle.objects.select_related("group").prefetch_related(
                    Prefetch(
                        "sessions", queryset=upcoming.order_by("starts_at"), to_attr="upcoming"
                    )
                ),
            )
        )
        .order_by("title")
    )
    return render(
        request, "planning/school_plan.html", {"school": membership.school, "ambitions": ambitions}
    )


# --- Cycles ---------------------------------------------------------------------------------


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    school = _planner_school(request)
    initial = {"duration_minutes": 60, "every_weeks": 6, "pdca_phase": "plan", "structure": "own"}
    if is_key(request.GET.get("group", "")):
        initial["group"] = request.GET["group"]
    form = CycleForm(school, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cycle = services.cycle_create(school=school, by=request.user, **form.cleaned_data)
        count = cycle.sessions.count()
        messages.success(
            request,
            ngettext(
                "The cycle has been planned with %(count)d session; "
                "the participants have been invited.",
                "The cycle has been planned with %(count)d sessions; "
                "the participants have been invited.",
                count,
            )
            % {"count": count},
        )
        return redirect("planning:cycle_detail", cycle_id=cycle.pk)
    return render(
        request,
        "planning/cycle_form.html",
        {"form": form, "school": school, "cycle": None},
        status=_status(request),
    )


@login_required
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for(request.user, cycle_id)
    sessions = list(cycle.sessions.order_by("starts_at"))
    # A planned session in a school holiday (one added after the cycle was planned) is
    # named, so a planner knows to save the cycle again and move it.
    holidays = list(cycle.school.holidays.all())
    for session in sessions:
        day = timezone.localtime(session.starts_at).date()
        session.holiday = next(
            (h for h in holidays if h.first_day <= day <= h.last_day), None
        ) if session.status == SessionStatus.PLANNED else None  # fmt: skip
    return render(
        request,
        "planning/cycle_detail.html",
        {
            "cycle": cycle,
            "sessions": sessions,
            "any_in_holiday": any(s.holiday for s in sessions),
            "ambitions": cycle.ambitions.all(),
            "can_plan": can_plan(request.user, cycle.school_id),
            "now": timezone.now(),
            "pdca_steps": Pdca.choices,
        },
    )


@login_required
def cycle_edit(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_plannable_cycle_for(request.user, cycle_id)
    initial = {
        "title": cycle.title,
        "group": cycle.group,
        "ambitions": list(cycle.ambitions.all()),
        "goal": cycle.goal,
        "pdca_phase": cycle.pdca_phase,
        "structure": cycle.structure,
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
        "every_weeks": cycle.every_weeks,
        "weekday": cycle.weekday,
        "dates": "\n".join(cycle.dates),
        "start_time": cycle.start_time,
        "duration_minutes": cycle.duration_minutes,
        "place": cycle.place,
        "facilitator": cycle.facilitator,
    }
    form = CycleForm(cycle.school, request.POST or None, initial=initial)
    change = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        preview = services.cadence_change(
            cycle,
            Cadence(
                data["period_start"],
                data["period_end"],
                data["start_time"],
                data["every_weeks"],
                data["weekday"],
                tuple(data["dates"]),
                services.holiday_spans(cycle.school),
            ),
        )
        if preview.touches_planned and request.POST.get("confirm") != "yes":
            change = preview  # ask first: show what would move or be cancelled
        else:
            data.pop("group")
            ambitions = data.pop("ambitions")
            services.cycle_update(cycle=cycle, by=request.user, ambitions=ambitions, **data)
            messages.success(request, _("The cycle has been saved."))
            return redirect("planning:cycle_detail", cycle_id=cycle.pk)
    status = 200 if change is not None or request.method == "GET" else 400
    return render(
        request,
        "planning/cycle_form.html",
        {"form": form, "school": cycle.school, "cycle": cycle, "change": change},
        status=status,
    )


# --- Sessions -------------------------------------------------------------------------------


def _session_initial(session: Session) -> dict:
    fields = [
        "title",
        "group",
        "orientation",
        "structure",
        "facilitator",
        "occasion",
        "goal",
        "shared_interest",
        "starts_at",
        "duration_minutes",
        "place",
        "video_link",
        "extra_ground_rules",
        "preparation",
        "preparation_deadline",
        "feedback_anonymous",
    ]
    initial = {name: getattr(session, name) for name in fields}
    initial["invitees"] = list(session.invitees.all())
    return initial


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    school = _planner_school(request)
    initial = {
        "duration_minutes": 60,
        "orientation": "horizontal",
        "structure": "own",
        "facilitator": request.user,
        "feedback_anonymous": True,
    }
    if is_key(request.GET.get("group", "")):
        initial["group"] = request.GET["group"]
    form = SessionForm(school, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        session = services.session_create(
            school=school,
            by=request.user,
            group=data.pop("group"),
            cycle=None,
            invitees=data.pop("invitees"),
            **data,
        )
        messages.success(request, _("The session has been planned and the participants invited."))
        return redirect("planning:session_detail", session_id=session.pk)
    return render(
        request,
        "planning/session_form.html",
        {"form": form, "school": school, "session": None},
        status=_status(request),
    )


@login_required
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_plannable_session_for(request.user, session_id)
    if session.status != SessionStatus.PLANNED:
        messages.error(request, _("Only a planned session can be changed."))
        return redirect("planning:session_detail", session_id=session.pk)
    form = SessionForm(session.school, request.POST or None, initial=_session_initial(session))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.session_update(
            session=session,
            by=request.user,
            group=data.pop("group"),
            invitees=data.pop("invitees"),
            **data,
        )
        messages.success(request, _("The session has been saved; the participants got the update."))
        return redirect("planning:session_detail", session_id=session.pk)
    return render(
        request,
        "planning/session_form.html",
        {"form": form, "school": session.school, "session": session},
        status=_status(request),
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_plannable_session_for(request.user, session_id)
    if session.status == SessionStatus.PLANNED:
        services.session_cancel(session=session, by=request.user)
        messages.success(
            request, _("The session has been cancelled; the participants have been told.")
        )
    return redirect("planning:session_detail", session_id=session.pk)


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session before it starts: occasion, goal, ground rules, evidence, preparation,
    participants and who prepared (never what)."""
    session = get_session_for(request.user, session_id)
    people = services.participants(session)
    preparations = {p.author_id: p for p in Preparation.objects.filter(session=session)}
    planner = can_plan(request.user, session.school_id)
    shared = [p for p in preparations.values() if p.shared]
    own = preparations.get(request.user.pk)
    return render(
        request,
        "planning/session_detail.html",
        {
            "session": session,
            "people": people,
            "prepared_ids": set(preparations),
            "prepared_count": len(preparations),
            "shared_preparations": sorted(shared, key=lambda p: p.author.name) if shared else [],
            "own_preparation": own,
            "ground_rules": services.ground_rules_for(session.school),
            "evidence": list(session.evidence.all()),
            "can_manage_evidence": can_manage_evidence(request.user, session),
            "can_plan": planner,
            "takes_part": is_participant(request.user, session),
            "runs_room": runs_room(request.user, session),
            "snapshot": session.method_snapshot,
        },
    )


@login_required
def session_method(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_plannable_session_for(request.user, session_id)
    methods = list(
        visible_methods(request.user)
        .filter(Q(school__isnull=True) | Q(school=session.school))
        .annotate(total=Sum("phases__minutes"))
        .order_by("family", "series_position", "name_nl")
    )
    form = MethodChoiceForm(methods, request.POST or None)
    if request.method == "POST" and form.is_valid():
        method = next(m for m in methods if m.pk == form.cleaned_data["method"])
        warning = services.session_attach_method(session=session, by=request.user, method=method)
        messages.success(request, _("The work form has been attached."))
        if warning:
            messages.warning(request, warning)
        return redirect("planning:session_detail", session_id=session.pk)
    return render(
        request,
        "planning/session_method.html",
        {"session": session, "form": form},
        status=_status(request),
    )


def _preparation_questions(session: Session) -> list[tuple[str, str]]:
    if session.preparation == "starrt":
        return [(key, str(label)) for key, label in STARRT_FIELDS]
    prompts = []
    if session.method_snapshot:
        from django.utils.translation import get_language

        language = (get_language() or "nl")[:2]
        for phase in session.method_snapshot.data.get("phases", []):
            text = phase.get(f"prompts_{language}") or phase.get("prompts_nl", "")
            prompts += [line.strip() for line in text.splitlines() if line.strip()]
    if not prompts:
        prompts = [_("What do you bring to this dialogue: a question, an example, a thought?")]
    return [(f"p{i}", prompt) for i, prompt in enumerate(prompts[:8], start=1)]


@login_required
def session_prepare(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for(request.user, session_id)
    if not session.preparation or not is_participant(request.user, session):
        raise Http404
    own = Preparation.objects.filter(session=session, author=request.user).first()
    questions = _preparation_questions(session)
    initial = {"shared": own.shared} if own else {}
    if own:
        initial |= {f"q_{key}": value for key, value in own.answers.items()}
    form = PreparationForm(questions, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preparation_save(
            session=session,
            author=request.user,
            answers=form.answers(),
            shared=form.cleaned_data["shared"],
        )
        messages.success(
            request,
            _("Your preparation has been saved and shared with the session.")
            if form.cleaned_data["shared"]
            else _("Your preparation has been saved. Only you can read it."),
        )
        return redirect("planning:session_detail", session_id=session.pk)
    return render(
        request,
        "planning/session_prepare.html",
        {"session": session, "form": form},
        status=_status(request),
    )


@login_required
def session_ics(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for(request.user, session_id)
    response = HttpResponse(
        ics.invitation(session, attendee_email=request.user.email),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="sessie-{session.pk}.ics"'
    return response


# --- Ground rules and calendar feed ---------------------------------------------------------


@login_required
def ground_rules(request: HttpRequest, school_id: int) -> HttpResponse:
    acting = get_membership_for(request.user, school_id, SchoolPermission.MANAGE_MEMBERS)
    rules = services.ground_rules_for(acting.school)
    form = GroundRulesForm(
        request.POST or None, initial={"rules": "\n".join(r.text for r in rules)}
    )
    if request.method == "POST" and form.is_valid():
        services.ground_rules_save(
            school=acting.school, by=request.user, texts=form.cleaned_data["rules"]
        )
        messages.success(request, _("The ground rules have been saved."))
        return redirect("planning:ground_rules", school_id=school_id)
    return render(
        request,
        "planning/ground_rules.html",
        {"school": acting.school, "form": form},
        status=_status(request),
    )


@login_required
def holidays(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's holidays: a cycle's rhythm moves a session out of them."""
    acting = get_membership_for(request.user, school_id, SchoolPermission.MANAGE_MEMBERS)
    school = acting.school
    form = HolidayForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST" and request.POST.get("action") == "remove":
        key = request.POST.get("holiday", "")
        holiday = school.holidays.filter(pk=int(key)).first() if is_key(key) else None
        if holiday is not None:
            services.holiday_remove(holiday=holiday, by=request.user)
            messages.success(request, _("The holiday has been removed."))
            return redirect("planning:holidays", school_id=school.pk)
        messages.error(request, _("That holiday does not exist (any more)."))
    if form.is_bound and form.is_valid():
        try:
            services.holiday_add(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The holiday has been added."))
            return redirect("planning:holidays", school_id=school.pk)
    return render(
        request,
        "planning/holidays.html",
        {"school": school, "holidays": school.holidays.all(), "form": form},
        status=_status(request),
    )


@login_required
def retention_settings(request: HttpRequest, school_id: int) -> HttpResponse:
    """How long the school keeps its sessions (planning/retention.py). A term that would
    delete sessions tonight asks first, naming how many."""
    acting = get_membership_for(request.user, school_id, SchoolPermission.MANAGE_MEMBERS)
    school = acting.school
    form = RetentionForm(request.POST or None, initial={"years": school.retention_years})
    doomed = None
    if request.method == "POST" and form.is_valid():
        years = form.cleaned_data["years"]
        doomed = retention.expired_sessions(school, years, timezone.now()).count()
        if not doomed or request.POST.get("confirm") == "yes":
            retention.retention_set(school=school, by=request.user, years=years)
            messages.success(request, _("The retention term has been saved."))
            return redirect("planning:retention", school_id=school.pk)
    return render(
        request,
        "planning/retention.html",
        {"school": school, "form": form, "doomed": doomed},
        status=200 if doomed else _status(request),
    )


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the private feed address; it is shown once, right after."""
    feed_url = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(user=request.user)
        messages.success(request, _("Your calendar feed has been switched off."))
        return redirect("planning:calendar_settings")
    if request.method == "POST":
        token = services.calendar_feed_issue(user=request.user)
        feed_url = request.build_absolute_uri(reverse("planning:calendar_feed", args=[token]))
    has_feed = CalendarFeed.objects.filter(user=request.user).exists()
    return render(
        request, "planning/calendar_settings.html", {"feed_url": feed_url, "has_feed": has_feed}
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar program polls: no sign-in, the secret address is the key."""
    if len(token) > 64:
        raise Http404
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash(token))
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    user = feed.user
    schools = [m.school_id for m in active_memberships(user)]
    sessions = (
        Session.objects.filter(
            participant_filter(user),
            school_id__in=schools,
            starts_at__gte=timezone.now() - timedelta(days=90),
        )
        .distinct()
        .order_by("starts_at")
    )
    response = HttpResponse(ics.feed(sessions), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
