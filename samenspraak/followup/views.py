"""Pages for what a session leaves behind: agreements with their support check, action
points, 3xW feedback and reflections. Doors in `access.py`; writes in `services.py`.
Bad input re-renders the page with the message and status 400, and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspraak.accounts.models import User
from samenspraak.followup import access, services
from samenspraak.followup.forms import (
    ActionForm,
    ActionStatusForm,
    AgreementForm,
    AgreementOutcomeForm,
    CoachForm,
    FeedbackForm,
    ReflectionTextForm,
    SettleForm,
    SupportForm,
    reflection_questions,
)
from samenspraak.followup.models import (
    ActionPoint,
    ActionStatus,
    FeedbackGiven,
    ReflectionForm,
    Support,
    SupportGiven,
)
from samenspraak.planning.access import is_participant
from samenspraak.planning.models import Session
from samenspraak.planning.services import participants


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Agreements -----------------------------------------------------------------------------


def _agreement_items(request: HttpRequest, session: Session, bound: dict | None = None) -> list:
    """Each agreement with its support result and the forms this person may use. `bound`
    holds a form that failed, by (agreement id, form name), to show it with its errors."""
    bound = bound or {}
    user = request.user
    takes_part = is_participant(user, session)
    answered = set(
        SupportGiven.objects.filter(
            agreement__session=session, voter=services.voter_key(user)
        ).values_list("agreement_id", flat=True)
    )
    items = []
    for agreement in session.agreements.prefetch_related("answers").order_by("created_at", "pk"):
        summary = services.support_summary(agreement)
        key = agreement.pk
        can_answer = takes_part and agreement.check_open and agreement.pk not in answered
        items.append(
            {
                "agreement": agreement,
                "summary": summary,
                "status": services.agreement_shown_status(agreement, summary),
                "answered": agreement.pk in answered,
                "support_form": bound.get((key, "support"))
                or (SupportForm(prefix=f"s{key}") if can_answer else None),
                "outcome_form": bound.get((key, "outcome"))
                or AgreementOutcomeForm(
                    prefix=f"o{key}",
                    initial={"outcome": agreement.outcome, "review_date": agreement.review_date},
                ),
                "settle_form": bound.get((key, "settle")),
                "settle_prefix": f"x{key}",
            }
        )
    return items


def _agreements_page(
    request: HttpRequest,
    session: Session,
    *,
    form: AgreementForm | None = None,
    bound: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    manage = access.can_manage(request.user, session)
    return render(
        request,
        "followup/agreements.html",
        {
            "session": session,
            "items": _agreement_items(request, session, bound),
            "can_manage": manage,
            "form": form or (AgreementForm() if manage else None),
            "settle_choices": SettleForm.base_fields["state"].choices,
        },
        status=status,
    )


@login_required
def agreements(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access.get_session_for(request.user, session_id)
    if request.method != "POST":
        return _agreements_page(request, session)
    if not access.can_manage(request.user, session):
        raise Http404
    form = AgreementForm(request.POST)
    if form.is_valid():
        check = form.cleaned_data["support_check"]
        try:
            agreement = services.agreement_propose(
                session=session,
                by=request.user,
                text=form.cleaned_data["text"],
                anonymous=check == "anonymous",
                open_check=check != "none",
            )
        except ValidationError as error:
            form.add_error("text", error)
        else:
            if check == "none":
                services.agreement_close_check(agreement=agreement, by=request.user)
                messages.success(request, _("The agreement has been recorded."))
            else:
                messages.success(
                    request,
                    _("The agreement has been added; the participants can give their support."),
                )
            return redirect("followup:agreements", session_id=session.pk)
    return _agreements_page(request, session, form=form, status=400)


@login_required
@require_POST
def agreement_support(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access.get_agreement_for(request.user, agreement_id)
    session = agreement.session
    if not is_participant(request.user, session):
        raise Http404
    form = SupportForm(request.POST, prefix=f"s{agreement.pk}")
    if form.is_valid():
        try:
            services.support_give(
                agreement=agreement,
                voter=services.voter_key(request.user),
                name=request.user.name,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
            return _agreements_page(request, session, status=400)
        messages.success(request, _("Thank you: your answer has been counted."))
        return redirect("followup:agreements", session_id=session.pk)
    return _agreements_page(request, session, bound={(agreement.pk, "support"): form}, status=400)


@login_required
@require_POST
def agreement_outcome(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access.get_managed_agreement_for(request.user, agreement_id)
    form = AgreementOutcomeForm(request.POST, prefix=f"o{agreement.pk}")
    if form.is_valid():
        services.agreement_update(agreement=agreement, by=request.user, **form.cleaned_data)
        messages.success(request, _("The outcome and review date have been saved."))
        return redirect("followup:agreements", session_id=agreement.session_id)
    return _agreements_page(
        request, agreement.session, bound={(agreement.pk, "outcome"): form}, status=400
    )


@login_required
@require_POST
def agreement_close(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access.get_managed_agreement_for(request.user, agreement_id)
    if agreement.check_open:
        services.agreement_close_check(agreement=agreement, by=request.user)
        if services.open_objections(agreement).exists():
            messages.warning(
                request,
                _(
                    "The support check is closed. An objection is open: the agreement is "
                    "adopted once every objection is resolved or overruled with a reason."
                ),
            )
        else:
            messages.success(request, _("The support check is closed."))
    return redirect("followup:agreements", session_id=agreement.session_id)


@login_required
@require_POST
def agreement_withdraw(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access.get_managed_agreement_for(request.user, agreement_id)
    services.agreement_withdraw(agreement=agreement, by=request.user)
    messages.success(request, _("The agreement has been withdrawn."))
    return redirect("followup:agreements", session_id=agreement.session_id)


@login_required
@require_POST
def objection_settle(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access.get_managed_agreement_for(request.user, agreement_id)
    form = SettleForm(request.POST, prefix=f"x{agreement.pk}")
    if form.is_valid():
        objection = agreement.answers.filter(
            pk=form.cleaned_data["objection"], answer=Support.OBJECTION
        ).first()
        if objection is None:
            messages.error(request, _("That objection does not belong to this agreement."))
            return _agreements_page(request, agreement.session, status=400)
        try:
            services.objection_settle(
                objection=objection,
                by=request.user,
                state=form.cleaned_data["state"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
            return _agreements_page(request, agreement.session, status=400)
        messages.success(request, _("The objection has been settled."))
        return redirect("followup:agreements", session_id=agreement.session_id)
    return _agreements_page(
        request, agreement.session, bound={(agreement.pk, "settle"): form}, status=400
    )


# --- Action points --------------------------------------------------------------------------


def _action_form(session: Session, data=None, **kwargs) -> ActionForm:
    return ActionForm(
        participants(session), session.agreements.exclude(status="withdrawn"), data, **kwargs
    )


def _with_status_forms(actions, may_change=lambda action: True) -> list:
    return [
        {
            "action": action,
            "can_status": may_change(action),
            "status_form": ActionStatusForm(
                prefix=f"a{action.pk}",
                initial={"status": action.status, "reason": action.dropped_reason},
            ),
        }
        for action in actions
    ]


def _open_first(queryset):
    return queryset.annotate(
        closed=Case(
            When(status__in=(ActionStatus.DONE, ActionStatus.DROPPED), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("closed", "due_date", "created_at", "pk")


@login_required
def actions(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access.get_session_for(request.user, session_id)
    manage = access.can_manage(request.user, session)
    form = None
    status = 200
    if manage:
        form = _action_form(session, request.POST or None)
    if request.method == "POST":
        if not manage:
            raise Http404
        if form.is_valid():
            try:
                services.action_add(session=session, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The action point has been added."))
                return redirect("followup:actions", session_id=session.pk)
        status = 400
    points = _open_first(
        ActionPoint.objects.filter(session=session).prefetch_related("owners")
    ).select_related("agreement")
    owned = set(
        ActionPoint.objects.filter(session=session, owners=request.user).values_list(
            "pk", flat=True
        )
    )
    return render(
        request,
        "followup/actions.html",
        {
            "session": session,
            "items": _with_status_forms(points, lambda a: manage or a.pk in owned),
            "can_manage": manage,
            "form": form,
            "review": services.actions_to_review(session),
        },
        status=status,
    )


@login_required
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.get_managed_action_for(request.user, action_id)
    initial = {
        "text": action.text,
        "owners": list(action.owners.all()),
        "due_date": action.due_date,
        "agreement": action.agreement,
    }
    form = _action_form(action.session, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The action point has been saved."))
            return redirect("followup:actions", session_id=action.session_id)
    return render(
        request,
        "followup/action_edit.html",
        {"action": action, "session": action.session, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def action_status(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.get_action_for(request.user, action_id)
    if not access.can_change_status(request.user, action):
        raise Http404
    prefix = f"a{action.pk}"
    form = ActionStatusForm(
        request.POST or None,
        prefix=prefix,
        initial={"status": action.status, "reason": action.dropped_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_set_status(
                action=action,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The status has been saved."))
            if request.POST.get("back") == "mine":
                return redirect("followup:my_actions")
            return redirect("followup:actions", session_id=action.session_id)
    return render(
        request,
        "followup/action_status.html",
        {"action": action, "session": action.session, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    schools = [m.school_id for m in access.active_memberships(request.user)]
    points = (
        _open_first(ActionPoint.objects.filter(owners=request.user, session__school_id__in=schools))
        .select_related("session", "agreement")
        .prefetch_related("owners")
    )
    items = _with_status_forms(points)
    return render(
        request,
        "followup/my_actions.html",
        {
            "open_items": [i for i in items if i["action"].is_open],
            "closed_items": [i for i in items if not i["action"].is_open],
        },
    )


# --- 3xW feedback ---------------------------------------------------------------------------


@login_required
def feedback(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access.get_session_for(request.user, session_id)
    takes_part = is_participant(request.user, session)
    given = FeedbackGiven.objects.filter(session=session, user=request.user).exists()
    refusal = services.feedback_refusal(session)
    may_give = takes_part and not given and refusal is None
    form = FeedbackForm(request.POST or None) if may_give else None
    status = 200
    if request.method == "POST":
        if form is None:
            if not takes_part:
                raise Http404
            messages.error(
                request,
                _("You have already given feedback on this session.") if given else refusal,
            )
            status = 400
        elif form.is_valid():
            try:
                services.feedback_give(
                    session=session, user=request.user, answers=form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                messages.success(request, _("Thank you for your feedback."))
                return redirect("followup:feedback", session_id=session.pk)
        else:
            status = 400
    collected = services.feedback_lists(session)
    return render(
        request,
        "followup/feedback.html",
        {
            "session": session,
            "form": form,
            "given": given,
            "refusal": refusal if takes_part and not given else None,
            "count": collected["count"],
            "sections": [
                (FeedbackForm.base_fields[name].label, collected["lists"][name])
                for name in services.FEEDBACK_FIELDS
            ],
        },
        status=status,
    )


# --- Reflections ----------------------------------------------------------------------------


@login_required
def reflection_new(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access.get_participating_session_for(request.user, session_id)
    kind = request.POST.get("form") or request.GET.get("form") or ReflectionForm.FREE
    if kind not in ReflectionForm.values:
        kind = ReflectionForm.FREE
    form = ReflectionTextForm(kind, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reflection = services.reflection_save(
                author=request.user, form=kind, answers=form.answers(), session=session
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reflection has been saved. Only you can read it."))
            return redirect("followup:reflection_detail", reflection_id=reflection.pk)
    return render(
        request,
        "followup/reflection_form.html",
        {
            "session": session,
            "form": form,
            "kind": kind,
            "reflection": None,
            "kinds": ReflectionForm.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


def _colleagues(reflection) -> "User":
    """Who may coach: the colleagues in the school it was written in, which it keeps when
    its session is deleted."""
    return (
        User.objects.filter(
            memberships__school_id=reflection.school_id,
            memberships__is_active=True,
            is_active=True,
        )
        .exclude(pk=reflection.author_id)
        .order_by("name")
    )


def _answers_shown(reflection) -> list[tuple[str, str]]:
    questions = reflection_questions(reflection.form)
    return [
        (label, reflection.answers.get(key, ""))
        for key, label in questions
        if reflection.answers.get(key)
    ]


def _reflection_page(request, reflection, *, coach_form=None, status=200) -> HttpResponse:
    own = reflection.author_id == request.user.pk
    if own and coach_form is None:
        coach_form = CoachForm(_colleagues(reflection), initial={"coach": reflection.coach})
    return render(
        request,
        "followup/reflection_detail.html",
        {
            "reflection": reflection,
            "answers": _answers_shown(reflection),
            "own": own,
            "coach_form": coach_form if own else None,
            "can_share_group": bool(reflection.session and reflection.session.group_id),
        },
        status=status,
    )


@login_required
def reflection_detail(request: HttpRequest, reflection_id: int) -> HttpResponse:
    reflection = access.get_reflection_for(request.user, reflection_id)
    return _reflection_page(request, reflection)


@login_required
def reflection_edit(request: HttpRequest, reflection_id: int) -> HttpResponse:
    reflection = access.get_own_reflection(request.user, reflection_id)
    form = ReflectionTextForm(reflection.form, request.POST or None, initial=reflection.answers)
    if request.method == "POST" and form.is_valid():
        try:
            services.reflection_save(
                author=request.user,
                form=reflection.form,
                answers=form.answers(),
                reflection=reflection,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reflection has been saved."))
            return redirect("followup:reflection_detail", reflection_id=reflection.pk)
    return render(
        request,
        "followup/reflection_form.html",
        {
            "session": reflection.session,
            "form": form,
            "kind": reflection.form,
            "reflection": reflection,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def reflection_share(request: HttpRequest, reflection_id: int) -> HttpResponse:
    """The author's explicit acts: share with the group, stop; share with a coach, stop."""
    reflection = access.get_own_reflection(request.user, reflection_id)
    act = request.POST.get("act")
    coach_form = None
    try:
        if act in ("share_group", "unshare_group"):
            services.reflection_share_group(
                reflection=reflection, by=request.user, shared=act == "share_group"
            )
            messages.success(
                request,
                _("Your reflection is now shared with the group.")
                if act == "share_group"
                else _("Your reflection is no longer shared with the group."),
            )
        elif act == "share_coach":
            coach_form = CoachForm(_colleagues(reflection), request.POST)
            if not coach_form.is_valid():
                return _reflection_page(request, reflection, coach_form=coach_form, status=400)
            coach = coach_form.cleaned_data["coach"]
            services.reflection_set_coach(reflection=reflection, by=request.user, coach=coach)
            messages.success(
                request,
                _("Your reflection is now shared with %(name)s.") % {"name": coach.name},
            )
        elif act == "unshare_coach":
            services.reflection_set_coach(reflection=reflection, by=request.user, coach=None)
            messages.success(request, _("Your reflection is no longer shared with a coach."))
        else:
            messages.error(request, _("Choose what to do with your reflection."))
            return _reflection_page(request, reflection, status=400)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return _reflection_page(request, reflection, coach_form=coach_form, status=400)
    return redirect("followup:reflection_detail", reflection_id=reflection.pk)


@login_required
def reflection_delete(request: HttpRequest, reflection_id: int) -> HttpResponse:
    """The author asks to delete (GET: are you sure?) and confirms (POST with
    confirm=yes). A POST without the confirmation deletes nothing."""
    reflection = access.get_own_reflection(request.user, reflection_id)
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            services.reflection_delete(reflection=reflection, by=request.user)
            messages.success(request, _("Your reflection has been deleted."))
            return redirect("followup:my_reflections")
        messages.error(request, _("Confirm that you want to delete your reflection."))
    return render(
        request,
        "followup/reflection_delete.html",
        {"reflection": reflection},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def my_reflections(request: HttpRequest) -> HttpResponse:
    readable = access.readable_reflections(request.user).select_related(
        "author", "session", "coach"
    )
    own = [r for r in readable if r.author_id == request.user.pk]
    shared = [r for r in readable if r.author_id != request.user.pk]
    return render(request, "followup/my_reflections.html", {"own": own, "shared_with_me": shared})
