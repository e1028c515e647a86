"""Validate a card list (CSV/XLSX) as a whole: every bad row reported with its line,
nothing added until the file is clean."""

from django.utils.translation import gettext as _

from samenspraak.lib.tabular import TableError, read_table
from samenspraak.methods.services import CardRow
from samenspraak.schools.staff_import import RowError

HEADERS = {
    "theme": {"thema", "theme", "onderwerp"},
    "text": {"tekst", "text", "vraag", "kaart", "question", "card"},
    "kind": {"soort", "kind", "type"},
}
KIND_WORDS = {
    "vraag": "question",
    "question": "question",
    "": "question",
    "stelling": "statement",
    "statement": "statement",
}
MAX_CARDS = 500


def parse_card_file(*, name: str, data: bytes) -> tuple[list[CardRow], list[RowError]]:
    try:
        table = read_table(name, data)
    except TableError as exc:
        return [], [RowError(0, str(exc))]
    header = [cell.strip().lower() for cell in table[0]]
    columns = {}
    for column, names in HEADERS.items():
        for index, title in enumerate(header):
            if title in names:
                columns[column] = index
                break
    if "theme" not in columns or "text" not in columns:
        return [], [RowError(1, _("The first row must name the columns theme and text."))]
    if len(table) - 1 > MAX_CARDS:
        return [], [RowError(0, _("A deck can hold at most %(max)d cards.") % {"max": MAX_CARDS})]

    def cell(row, column):
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    rows, errors = [], []
    for line, row in enumerate(table[1:], start=2):
        problems = []
        theme, text, kind_word = cell(row, "theme"), cell(row, "text"), cell(row, "kind").lower()
        if not theme:
            problems.append(_("the theme is missing"))
        elif len(theme) > 80:
            problems.append(_("the theme is longer than 80 characters"))
        if not text:
            problems.append(_("the text is missing"))
        elif len(text) > 400:
            problems.append(_("the text is longer than 400 characters"))
        kind = KIND_WORDS.get(kind_word)
        if kind is None:
            problems.append(
                _("unknown kind “%(kind)s” (question or statement)") % {"kind": kind_word}
            )
        if problems:
            errors.append(RowError(line, "; ".join(problems)))
        else:
            rows.append(CardRow(line=line, theme=theme, text=text, kind=kind))
    if not rows and not errors:
        errors.append(RowError(0, _("This file has a header row but no cards.")))
    return rows, errors
