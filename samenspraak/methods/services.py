"""Writes to work forms, phases, snapshots and card decks. Keyword-only, one transaction
each, an audit entry each."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samenspraak.accounts.models import User
from samenspraak.core.audit import record
from samenspraak.methods.kinds import Kind, default_settings
from samenspraak.methods.models import Card, CardDeck, Method, MethodSnapshot, Phase
from samenspraak.schools.models import School

METHOD_TEXTS = ("name", "summary")
PHASE_TEXTS = ("title", "purpose", "guidance", "prompts")
PHASE_FIELDS = ("kind", "minutes", "settings", "speaking", "silent", "produces")


def _both(obj, base: str, value: str) -> None:
    """A school's copy is written in one language: keep both columns the same."""
    setattr(obj, f"{base}_nl", value)
    setattr(obj, f"{base}_en", value)


def _free_slug(model, school: School, base: str) -> str:
    base = slugify(base)[:70] or "item"
    taken = set(
        model.objects.filter(school=school, slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _touch(method: Method) -> None:
    method.updated_at = timezone.now()
    method.save(update_fields=["updated_at"])


def _copy_name(name: str) -> str:
    """The copy's name, "Name (our version)", within the column: a long name, or a copy
    of a copy of a copy, gives up the end of the name (PostgreSQL refuses a longer value)."""
    limit = Method._meta.get_field("name_nl").max_length
    suffix = len(_("%(name)s (our version)") % {"name": ""})
    if len(name) + suffix > limit:
        name = name[: limit - suffix - 1] + "…"
    return _("%(name)s (our version)") % {"name": name}


@transaction.atomic
def method_copy(*, method: Method, school: School, by: User) -> Method:
    """Copy a work form (built-in or the school's own) into the school, in the language
    the person is working in."""
    phases = list(method.phases.all())
    copy = Method(
        school=school,
        slug=_free_slug(Method, school, method.slug),
        family=method.family,
        purpose=method.purpose,
        pdca=list(method.pdca),
        min_people=method.min_people,
        max_people=method.max_people,
        roles=list(method.roles),
        series=method.series,
        series_position=method.series_position,
        source_note=method.source_note,
        copied_from=method,
        created_by=by,
    )
    _both(copy, "name", _copy_name(method.name))
    _both(copy, "summary", method.summary)
    copy.save()
    new_phases = []
    for phase in phases:
        new = Phase(method=copy, position=phase.position)
        for field in PHASE_FIELDS:
            value = getattr(phase, field)
            setattr(new, field, list(value) if isinstance(value, list) else value)
        new.settings = dict(phase.settings)
        for base in PHASE_TEXTS:
            _both(new, base, getattr(phase, base))
        new_phases.append(new)
    Phase.objects.bulk_create(new_phases)
    record(school=school, actor=by, action="method.copy", target=copy.name_nl)
    return copy


@transaction.atomic
def method_update(
    *,
    method: Method,
    by: User,
    name: str,
    summary: str,
    purpose: str,
    min_people: int,
    max_people: int,
    pdca: list[str],
    roles: list[str],
) -> None:
    _both(method, "name", name.strip())
    _both(method, "summary", summary.strip())
    method.purpose = purpose
    method.min_people, method.max_people = min_people, max_people
    method.pdca, method.roles = list(pdca), list(roles)
    method.updated_at = timezone.now()
    method.save()
    record(school=method.school, actor=by, action="method.update", target=method.name_nl)


@transaction.atomic
def method_delete(*, method: Method, by: User) -> None:
    record(school=method.school, actor=by, action="method.delete", target=method.name_nl)
    method.delete()


@transaction.atomic
def phase_update(
    *,
    phase: Phase,
    by: User,
    title: str,
    purpose: str,
    guidance: str,
    prompts: str,
    minutes: int,
    kind: str,
    settings: dict,
    speaking: Iterable[str],
    silent: Iterable[str],
    produces: Iterable[str],
) -> None:
    for base, value in (
        ("title", title),
        ("purpose", purpose),
        ("guidance", guidance),
        ("prompts", prompts),
    ):
        _both(phase, base, value.strip())
    phase.minutes, phase.kind, phase.settings = minutes, kind, dict(settings)
    phase.speaking, phase.silent, phase.produces = list(speaking), list(silent), list(produces)
    phase.save()
    _touch(phase.method)
    record(
        school=phase.method.school,
        actor=by,
        action="phase.update",
        target=f"{phase.method.name_nl} / {phase.title_nl}",
    )


MAX_PHASES = 40  # the longest work form of the library has 11; one room, one session


class TooManyPhasesError(ValueError):
    pass


@transaction.atomic
def phase_add(*, method: Method, by: User, after: Phase | None = None) -> Phase:
    """Add an information phase of 5 minutes after `after` (or at the end); at most
    MAX_PHASES (counted under the work form's lock, so two adds at once cannot pass it)."""
    method = Method.objects.select_for_update().get(pk=method.pk)
    if method.phases.count() >= MAX_PHASES:
        raise TooManyPhasesError(_("A work form has at most %(max)d phases.") % {"max": MAX_PHASES})
    last = method.phases.aggregate(last=Max("position"))["last"] or 0
    position = (after.position + 1) if after is not None else last + 1
    # Shift later phases down one place, from the end, so positions stay unique.
    for later in method.phases.filter(position__gte=position).order_by("-position"):
        later.position += 1
        later.save(update_fields=["position"])
    phase = Phase(
        method=method,
        position=position,
        kind=Kind.INFORMATION,
        minutes=5,
        settings=default_settings(Kind.INFORMATION),
    )
    _both(phase, "title", _("New phase"))
    for base in ("purpose", "guidance", "prompts"):
        _both(phase, base, "")
    phase.save()
    _touch(method)
    record(school=method.school, actor=by, action="phase.add", target=method.name_nl)
    return phase


class LastPhaseError(ValueError):
    pass


@transaction.atomic
def phase_remove(*, phase: Phase, by: User) -> None:
    method = Method.objects.select_for_update().get(pk=phase.method_id)
    if method.phases.count() <= 1:
        raise LastPhaseError(_("A work form needs at least one phase."))
    position = phase.position
    phase.delete()
    for later in method.phases.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    _touch(method)
    record(
        school=method.school,
        actor=by,
        action="phase.remove",
        target=f"{method.name_nl} / {phase.title_nl}",
    )


@transaction.atomic
def phase_move(*, phase: Phase, by: User, up: bool) -> bool:
    """Swap the phase with its neighbour; False when it is already first/last."""
    method = Method.objects.select_for_update().get(pk=phase.method_id)
    neighbour = (
        method.phases.filter(position__lt=phase.position).order_by("-position").first()
        if up
        else method.phases.filter(position__gt=phase.position).order_by("position").first()
    )
    if neighbour is None:
        return False
    mine, theirs = phase.position, neighbour.position
    phase.position = 0  # free the place first: (method, position) is unique
    phase.save(update_fields=["position"])
    neighbour.position = mine
    neighbour.save(update_fields=["position"])
    phase.position = theirs
    phase.save(update_fields=["position"])
    _touch(method)
    return True


def snapshot_data(method: Method) -> dict:
    fields = [
        "slug",
        "family",
        "purpose",
        "pdca",
        "min_people",
        "max_people",
        "roles",
        "series",
        "series_position",
        "source_note",
        "name_nl",
        "name_en",
        "summary_nl",
        "summary_en",
    ]
    data = {field: getattr(method, field) for field in fields}
    data["method_id"] = method.pk
    data["school_id"] = method.school_id
    data["phases"] = [
        {
            "position": phase.position,
            **{field: getattr(phase, field) for field in PHASE_FIELDS},
            **{
                f"{base}_{lang}": getattr(phase, f"{base}_{lang}")
                for base in PHASE_TEXTS
                for lang in ("nl", "en")
            },
        }
        for phase in method.phases.all()
    ]
    return data


@transaction.atomic
def snapshot_take(*, method: Method) -> MethodSnapshot:
    """Freeze the work form for a session (the session points at the snapshot)."""
    return MethodSnapshot.objects.create(method=method, data=snapshot_data(method))


# --- Card decks --------------------------------------------------------------------------


@transaction.atomic
def deck_create(*, school: School, by: User, name: str, description: str) -> CardDeck:
    deck = CardDeck(school=school, slug=_free_slug(CardDeck, school, name), created_by=by)
    _both(deck, "name", name.strip())
    _both(deck, "description", description.strip())
    deck.save()
    record(school=school, actor=by, action="deck.create", target=deck.name_nl)
    return deck


@dataclass
class CardRow:
    line: int
    theme: str
    text: str
    kind: str


@transaction.atomic
def cards_add(*, deck: CardDeck, by: User, rows: Iterable[CardRow]) -> int:
    start = deck.cards.aggregate(last=Max("position"))["last"] or 0
    cards = []
    for offset, row in enumerate(rows, start=1):
        card = Card(deck=deck, position=start + offset, kind=row.kind)
        _both(card, "theme", row.theme.strip())
        _both(card, "text", row.text.strip())
        cards.append(card)
    Card.objects.bulk_create(cards)
    record(
        school=deck.school,
        actor=by,
        action="deck.cards",
        target=deck.name_nl,
        detail={"added": len(cards)},
    )
    return len(cards)


@transaction.atomic
def card_remove(*, card: Card, by: User) -> None:
    record(school=card.deck.school, actor=by, action="deck.card_remove", target=card.deck.name_nl)
    card.delete()
