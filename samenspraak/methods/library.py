"""The built-in library: work forms and card decks as TOML data files, so that content
changes are reviewable diffs.

`sync_library()` makes the built-ins in the database match the files: new files are added,
changed files replace their built-in (matched by slug, detected by a content hash), and
removed files retire theirs. A school's own copies are never touched.
"""

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from samenspraak.methods.kinds import (
    Family,
    Kind,
    MethodRole,
    Output,
    Pdca,
    Purpose,
    clean_minutes,
    clean_settings,
)

LIBRARY = Path(__file__).resolve().parent / "library"
LANGUAGES = ("nl", "en")
log = logging.getLogger(__name__)


class LibraryError(ValueError):
    pass


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0


def _bilingual(data: dict, key: str, where: str, *, required: bool = True) -> dict[str, Any]:
    value = data.get(key)
    if value is None and not required:
        return {lang: "" for lang in LANGUAGES}
    if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGUAGES):
        raise LibraryError(f"{where}: '{key}' needs both nl and en")
    return {lang: value[lang] for lang in LANGUAGES}


def _text(value: Any) -> str:
    """Lists become one line each (prompts); prose is re-flowed, keeping blank-line
    paragraph breaks, so the files can wrap lines wherever they like."""
    if isinstance(value, list):
        return "\n".join(str(v).strip() for v in value)
    paragraphs = re.split(r"\n\s*\n", str(value).strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _choices(values: Any, allowed, where: str, field: str) -> list[str]:
    if not isinstance(values, list) or any(v not in allowed.values for v in values):
        raise LibraryError(f"{where}: '{field}' must be a list of {sorted(allowed.values)}")
    return list(values)


def parse_method(path: Path) -> dict:
    """Read and validate one work-form file into plain field values."""
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    where = path.name
    if data.get("slug") != path.stem:
        raise LibraryError(f"{where}: slug must equal the file name ({path.stem})")
    if data.get("family") not in Family.values or data.get("purpose") not in Purpose.values:
        raise LibraryError(f"{where}: unknown family or purpose")
    people = data.get("people")
    if not (isinstance(people, list) and len(people) == 2 and 1 <= people[0] <= people[1] <= 400):
        raise LibraryError(f"{where}: people must be [fewest, most]")
    roles = _choices(data.get("roles", []), MethodRole, where, "roles")
    method = {
        "slug": data["slug"],
        "family": data["family"],
        "purpose": data["purpose"],
        "pdca": _choices(data.get("pdca"), Pdca, where, "pdca"),
        "min_people": people[0],
        "max_people": people[1],
        "roles": roles,
        "series": data.get("series", ""),
        "series_position": int(data.get("series_position", 0)),
        "source_note": data.get("source", ""),
        "content_hash": hashlib.sha256(raw).hexdigest(),
    }
    for key in ("name", "summary"):
        for lang, value in _bilingual(data, key, where).items():
            method[f"{key}_{lang}"] = _text(value)
    phases = []
    for index, phase in enumerate(data.get("phases", []), start=1):
        at = f"{where} phase {index}"
        kind = phase.get("kind")
        if kind not in Kind.values:
            raise LibraryError(f"{at}: unknown kind {kind!r}")
        try:
            minutes = clean_minutes(phase.get("minutes"))
            settings = clean_settings(kind, phase.get("settings"))
        except ValidationError as error:
            raise LibraryError(f"{at}: {'; '.join(error.messages)}") from error
        speaking = _choices(phase.get("speaking", []), MethodRole, at, "speaking")
        silent = _choices(phase.get("silent", []), MethodRole, at, "silent")
        stray = (set(speaking) | set(silent)) - set(roles) - {"facilitator", "participants"}
        if stray:
            raise LibraryError(f"{at}: roles {sorted(stray)} are not in the method's roles")
        values = {
            "position": index,
            "kind": kind,
            "minutes": minutes,
            "settings": settings,
            "speaking": speaking,
            "silent": silent,
            "produces": _choices(phase.get("produces", []), Output, at, "produces"),
        }
        for key, required in (
            ("title", True),
            ("purpose", True),
            ("guidance", True),
            ("prompts", False),
        ):
            for lang, value in _bilingual(phase, key, at, required=required).items():
                values[f"{key}_{lang}"] = _text(value)
        phases.append(values)
    if not phases:
        raise LibraryError(f"{where}: a work form needs at least one phase")
    method["phases"] = phases
    return method


def parse_deck(path: Path) -> dict:
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    where = path.name
    if data.get("slug") != path.stem:
        raise LibraryError(f"{where}: slug must equal the file name ({path.stem})")
    deck = {"slug": data["slug"], "content_hash": hashlib.sha256(raw).hexdigest()}
    for key in ("name", "description"):
        for lang, value in _bilingual(data, key, where).items():
            deck[f"{key}_{lang}"] = _text(value)
    cards = []
    for index, card in enumerate(data.get("cards", []), start=1):
        at = f"{where} card {index}"
        if card.get("kind", "question") not in ("question", "statement"):
            raise LibraryError(f"{at}: kind is question or statement")
        values = {"position": index, "kind": card.get("kind", "question")}
        for key in ("theme", "text"):
            for lang, value in _bilingual(card, key, at).items():
                values[f"{key}_{lang}"] = _text(value)
        cards.append(values)
    if len(cards) < 6:
        raise LibraryError(f"{where}: a deck needs at least 6 cards")
    deck["cards"] = cards
    return deck


def load_files() -> tuple[list[dict], list[dict]]:
    methods = [parse_method(p) for p in sorted((LIBRARY / "methods").glob("*.toml"))]
    decks = [parse_deck(p) for p in sorted((LIBRARY / "decks").glob("*.toml"))]
    return methods, decks


def _sync_builtins(
    model, records: list[dict], children: str, child_model, parent: str
) -> SyncResult:
    """Make the built-ins of `model` (school null) match `records`: add, replace (by content
    hash) or retire, with their child rows (`children`, the related name). School copies
    are other rows and are never touched."""
    result = SyncResult()
    existing = {item.slug: item for item in model.objects.filter(school__isnull=True)}
    for data in records:
        rows = data.pop(children)
        current = existing.pop(data["slug"], None)
        if (
            current is not None
            and current.content_hash == data["content_hash"]
            and not current.retired
        ):
            result.unchanged += 1
            continue
        if current is None:
            current = model(school=None)
            result.added += 1
        else:
            result.updated += 1
        for field, value in data.items():
            setattr(current, field, value)
        current.retired = False
        current.save()
        getattr(current, children).all().delete()
        child_model.objects.bulk_create([child_model(**{parent: current}, **row) for row in rows])
    for gone in existing.values():
        if not gone.retired:
            gone.retired = True
            gone.save(update_fields=["retired"])
            result.retired += 1
    return result


@transaction.atomic
def sync_library() -> tuple[SyncResult, SyncResult]:
    from samenspraak.methods.models import Card, CardDeck, Method, Phase

    methods, decks = load_files()
    return (
        _sync_builtins(Method, methods, "phases", Phase, "method"),
        _sync_builtins(CardDeck, decks, "cards", Card, "deck"),
    )


def sync_after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    # After `migrate methods zero` the tables are gone: nothing to sync then.
    if "methods_method" in connections[using].introspection.table_names():
        sync_library()
