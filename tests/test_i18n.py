"""Dutch first: every catalogue entry translated, compiled catalogues up to date, and no
visible template text left unmarked."""

import re
from pathlib import Path

import polib
import pytest
from django.template.base import Lexer, TokenType

PACKAGE = Path(__file__).resolve().parent.parent / "samenspraak"
LOCALES = ["nl", "en"]
TEMPLATES = sorted(p for p in PACKAGE.rglob("templates/**/*.html"))
# Text that may stand in a template as it is: the product's name, language names shown in
# their own language, and punctuation.
ALLOWED_TEXT = {"Samenspraak", "English", "Nederlands"}
TRANSLATABLE_ATTRIBUTES = re.compile(
    r'\b(?:aria-label|title|placeholder|alt)="([^"{]*[A-Za-z][^"{]*)"'
)


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LOCALES)
def test_catalogue_is_complete(language):
    po = catalogue(language)
    assert len(po) > 100
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{language}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize("language", LOCALES)
def test_compiled_catalogue_matches_the_source(language):
    po = catalogue(language)
    mo = polib.mofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgid, e.msgstr or tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    for entry in po.translated_entries():
        key = (entry.msgid, entry.msgstr or tuple(sorted(entry.msgstr_plural.items())))
        assert key in compiled, f"{language}: run `make messages` ({entry.msgid!r} is stale)"


def test_english_catalogue_says_what_the_code_says():
    """English is the msgid itself. A different msgstr is almost always a fuzzy match that
    msgmerge guessed from a similar old string ("Delete my reflection" shown as "Save my
    reflection") and that was un-fuzzied without being read."""
    wrong = [
        e.msgid
        for e in catalogue("en")
        if (
            e.msgstr_plural
            and [e.msgstr_plural[0], e.msgstr_plural[1]] != [e.msgid, e.msgid_plural]
        )
        or (not e.msgid_plural and e.msgstr != e.msgid)
    ]
    assert not wrong, f"en: msgstr differs from msgid for {wrong[:10]}"


def _visible_text(source: str) -> list[str]:
    # Put the template back together with every tag or variable as a neutral mark, then
    # strip the HTML: what is left is text a person reads.
    parts = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        elif token.token_type != TokenType.COMMENT:
            parts.append("§")
    text = "".join(parts)
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    return [
        chunk
        for chunk in text.split()
        if re.search(r"[A-Za-z]{2,}", chunk) and chunk.strip(".,:;·—()§") not in ALLOWED_TEXT
    ]


def _inside_blocktranslate(source: str) -> str:
    return re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", "", source, flags=re.S)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_template_text_is_marked_for_translation(path):
    if path.name == "500.html":  # rendered without Django: carries both languages itself
        return
    source = _inside_blocktranslate(path.read_text())
    unmarked = _visible_text(source)
    assert not unmarked, f"unmarked text in {path.name}: {unmarked[:10]}"
    attributes = TRANSLATABLE_ATTRIBUTES.findall(source)
    assert not attributes, f"unmarked attribute text in {path.name}: {attributes}"


def test_the_lint_finds_unmarked_text():
    assert _visible_text("<p>Hallo daar</p>{% translate 'ok' %}") == ["Hallo", "daar"]
    assert _visible_text("<p>{% translate 'Hallo' %}</p>") == []
