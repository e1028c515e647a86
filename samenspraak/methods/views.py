from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samenspraak.lib.forms import is_key
from samenspraak.lib.uploads import explain_too_large
from samenspraak.methods import services
from samenspraak.methods.access import (
    Permission,
    get_deck_for,
    get_editable_deck_for,
    get_editable_method_for,
    get_method_for,
    memberships_with,
    visible_decks,
    visible_methods,
)
from samenspraak.methods.card_import import parse_card_file
from samenspraak.methods.forms import (
    CardFileForm,
    CardForm,
    CopyForm,
    DeckForm,
    LibraryFilterForm,
    MethodForm,
    PhaseForm,
)
from samenspraak.methods.kinds import SETTINGS, Kind, MethodRole, Output, Pdca
from samenspraak.methods.models import Method, Phase
from samenspraak.methods.services import CardRow


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


def _flow(method: Method) -> list[dict]:
    """The phases as the method page and the card show them: who speaks, who is silent,
    what the interaction is and how it is set, in plain words."""
    start = 0
    flow = []
    for phase in method.phases.all():
        settings = []
        for name, spec in SETTINGS[phase.kind].items():
            value = phase.settings.get(name, spec.default)
            if spec.kind == "bool":
                value = _("yes") if value else _("no")
            elif spec.kind == "choice":
                value = dict(spec.choices).get(value, value)
            settings.append((spec.label, value))
        flow.append(
            {
                "phase": phase,
                "start": start,
                "kind": Kind(phase.kind).label,
                "settings": settings,
                "speaking": [MethodRole(r).label for r in phase.speaking],
                "silent": [MethodRole(r).label for r in phase.silent],
                "produces": [Output(o).label for o in phase.produces],
            }
        )
        start += phase.minutes
    return flow


def _method_context(method: Method) -> dict:
    return {
        "method": method,
        "flow": _flow(method),
        "total": sum(phase.minutes for phase in method.phases.all()),
        "roles": [MethodRole(r).label for r in method.roles],
        "pdca": [Pdca(p).label for p in method.pdca],
    }


@login_required
def method_list(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    methods = (
        visible_methods(request.user)
        .select_related("school")
        .annotate(total=Sum("phases__minutes"))
        .order_by("school_id", "family", "series_position", "name_nl")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            methods = methods.filter(
                Q(name_nl__icontains=q)
                | Q(name_en__icontains=q)
                | Q(summary_nl__icontains=q)
                | Q(summary_en__icontains=q)
            )
        if data["purpose"]:
            methods = methods.filter(purpose=data["purpose"])
        if data["family"]:
            methods = methods.filter(family=data["family"])
        if data["people"]:
            methods = methods.filter(min_people__lte=data["people"], max_people__gte=data["people"])
        if data["minutes"]:
            methods = methods.filter(total__lte=data["minutes"])
    context = {"form": form, "methods": list(methods)}
    template = "methods/_method_results.html" if request.htmx else "methods/method_list.html"
    return render(
        request, template, context, status=200 if form.is_valid() or not form.is_bound else 400
    )


@login_required
def method_detail(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_method_for(request.user, method_id)
    adapters = memberships_with(request.user, Permission.ADAPT_METHODS)
    context = _method_context(method) | {
        "copy_form": CopyForm(adapters) if adapters else None,
        "can_edit": method.school_id in {m.school_id for m in adapters},
    }
    return render(request, "methods/method_detail.html", context)


@login_required
def method_card(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_method_for(request.user, method_id)
    return render(request, "methods/method_card.html", _method_context(method))


@login_required
def method_card_pdf(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_method_for(request.user, method_id)
    card_css = Path(finders.find("samenspraak/card.css")).as_uri()
    context = _method_context(method) | {"card_css": card_css}
    html = render_to_string("methods/method_card_pdf.html", context, request=request)
    try:
        from weasyprint import HTML
    except OSError:  # Pango missing on this server
        messages.error(
            request, _("This server cannot make PDF files (the Pango library is missing).")
        )
        return redirect("methods:method_card", method_id=method.pk)
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = slugify(method.name) or "werkvorm"
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


@login_required
@require_POST
def method_copy(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_method_for(request.user, method_id)
    adapters = memberships_with(request.user, Permission.ADAPT_METHODS)
    if not adapters:
        raise Http404
    form = CopyForm(adapters, request.POST)
    if not form.is_valid():
        messages.error(request, _("You cannot copy work forms for that school."))
        return redirect("methods:method_detail", method_id=method.pk)
    school = next(m.school for m in adapters if m.school_id == form.cleaned_data["school"])
    copy = services.method_copy(method=method, school=school, by=request.user)
    messages.success(
        request,
        _("Copied. This version belongs to %(school)s; change what you like.")
        % {"school": school.name},
    )
    return redirect("methods:method_edit", method_id=copy.pk)


@login_required
def method_edit(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_editable_method_for(request.user, method_id)
    form = MethodForm(method, request.POST or None, initial=MethodForm.initial_for(method))
    if request.method == "POST" and form.is_valid():
        services.method_update(method=method, by=request.user, **form.cleaned_data)
        messages.success(request, _("The work form has been saved."))
        return redirect("methods:method_edit", method_id=method.pk)
    context = _method_context(method) | {"form": form}
    return render(request, "methods/method_edit.html", context, status=_status(request))


@login_required
@require_POST
def method_delete(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_editable_method_for(request.user, method_id)
    services.method_delete(method=method, by=request.user)
    messages.success(request, _("The work form has been deleted."))
    return redirect("methods:method_list")


def _phase_of(method: Method, phase_id: int) -> Phase:
    phase = method.phases.filter(pk=phase_id).first()
    if phase is None:
        raise Http404
    return phase


@login_required
def phase_edit(request: HttpRequest, method_id: int, phase_id: int) -> HttpResponse:
    method = get_editable_method_for(request.user, method_id)
    phase = _phase_of(method, phase_id)
    form = PhaseForm(phase, request.POST or None, initial=PhaseForm.initial_for(phase))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind_changed = data["kind"] != phase.kind
        services.phase_update(
            phase=phase,
            by=request.user,
            title=data["title"],
            purpose=data["purpose"],
            guidance=data["guidance"],
            prompts=data["prompts"],
            minutes=data["minutes"],
            kind=data["kind"],
            settings=data["settings"],
            speaking=data["speaking"],
            silent=data["silent"],
            produces=data["produces"],
        )
        if kind_changed:
            messages.info(request, _("The interaction changed: check its settings below."))
            return redirect("methods:phase_edit", method_id=method.pk, phase_id=phase.pk)
        messages.success(request, _("The phase has been saved."))
        return redirect("methods:method_edit", method_id=method.pk)
    context = {"method": method, "phase": phase, "form": form}
    return render(request, "methods/phase_edit.html", context, status=_status(request))


@login_required
@require_POST
def phase_add(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_editable_method_for(request.user, method_id)
    after = None
    if is_key(request.POST.get("after", "")):
        after = method.phases.filter(pk=int(request.POST["after"])).first()
    try:
        phase = services.phase_add(method=method, by=request.user, after=after)
    except services.TooManyPhasesError as error:
        messages.error(request, str(error))
        return redirect("methods:method_edit", method_id=method.pk)
    messages.success(request, _("A phase has been added. Fill it in."))
    return redirect("methods:phase_edit", method_id=method.pk, phase_id=phase.pk)


@login_required
@require_POST
def phase_move(request: HttpRequest, method_id: int, phase_id: int) -> HttpResponse:
    method = get_editable_method_for(request.user, method_id)
    phase = _phase_of(method, phase_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Move a phase up or down."))
    elif services.phase_move(phase=phase, by=request.user, up=direction == "up"):
        messages.success(request, _("“%(title)s” has moved.") % {"title": phase.title})
    return redirect(reverse("methods:method_edit", args=[method.pk]) + f"#phase-{phase.pk}")


@login_required
@require_POST
def phase_delete(request: HttpRequest, method_id: int, phase_id: int) -> HttpResponse:
    method = get_editable_method_for(request.user, method_id)
    phase = _phase_of(method, phase_id)
    try:
        services.phase_remove(phase=phase, by=request.user)
    except services.LastPhaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” has been removed.") % {"title": phase.title})
    return redirect("methods:method_edit", method_id=method.pk)


# --- Card decks ---------------------------------------------------------------------------


@login_required
def deck_list(request: HttpRequest) -> HttpResponse:
    decks = visible_decks(request.user).select_related("school").order_by("school_id", "name_nl")
    managers = memberships_with(request.user, Permission.MANAGE_DECKS)
    form = DeckForm(request.POST or None) if managers else None
    if request.method == "POST":
        if not managers:
            raise Http404
        if form.is_valid():
            deck = services.deck_create(
                school=managers[0].school, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("The deck has been created. Add its cards."))
            return redirect("methods:deck_detail", deck_id=deck.pk)
    return render(
        request,
        "methods/deck_list.html",
        {"decks": decks, "form": form, "school": managers[0].school if managers else None},
        status=_status(request),
    )


@login_required
def deck_detail(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = get_deck_for(request.user, deck_id)
    managers = {m.school_id for m in memberships_with(request.user, Permission.MANAGE_DECKS)}
    can_edit = deck.school_id in managers
    form = CardForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        deck = get_editable_deck_for(request.user, deck_id)
        if form.is_valid():
            data = form.cleaned_data
            services.cards_add(
                deck=deck,
                by=request.user,
                rows=[CardRow(line=0, theme=data["theme"], text=data["text"], kind=data["kind"])],
            )
            messages.success(request, _("The card has been added."))
            return redirect("methods:deck_detail", deck_id=deck.pk)
    cards = deck.cards.all()
    themes: dict[str, list] = {}
    for card in cards:
        themes.setdefault(card.theme, []).append(card)
    return render(
        request,
        "methods/deck_detail.html",
        {"deck": deck, "themes": themes, "form": form, "can_edit": can_edit, "count": len(cards)},
        status=_status(request),
    )


@login_required
@require_POST
def card_delete(request: HttpRequest, deck_id: int, card_id: int) -> HttpResponse:
    deck = get_editable_deck_for(request.user, deck_id)
    card = deck.cards.filter(pk=card_id).first()
    if card is not None:
        services.card_remove(card=card, by=request.user)
        messages.success(request, _("The card has been removed."))
    return redirect("methods:deck_detail", deck_id=deck.pk)


@login_required
def deck_import(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = get_editable_deck_for(request.user, deck_id)
    # Bound on every POST, even one whose only field was an oversized (skipped) file.
    posted = (request.POST, request.FILES) if request.method == "POST" else ()
    form = CardFileForm(*posted)
    explain_too_large(request, form)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows, errors = parse_card_file(name=upload.name, data=upload.read())
        if not errors:
            added = services.cards_add(deck=deck, by=request.user, rows=rows)
            text = ngettext(
                "%(count)d card has been added.", "%(count)d cards have been added.", added
            )
            messages.success(request, text % {"count": added})
            return redirect("methods:deck_detail", deck_id=deck.pk)
    return render(
        request,
        "methods/deck_import.html",
        {"deck": deck, "form": form, "errors": errors},
        status=_status(request),
    )
