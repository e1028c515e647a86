"""The built-in library: every work form of the guidance, in both languages, with the
interaction kinds that fit it; kept in sync with the data files without touching copies."""

import shutil

import pytest

from samenspraak.methods import library, services
from samenspraak.methods.kinds import Kind, MethodRole
from samenspraak.methods.library import LibraryError, load_files, parse_method, sync_library
from samenspraak.methods.models import Card, CardDeck, Method

REQUIRED = {
    "check-in-round",
    "check-in-one-word",
    "check-in-pairs",
    "check-out-round",
    "check-out-eye-openers",
    "check-out-plus-delta",
    "feedback-3xw",
    "incident-method",
    "incident-method-60",
    "gossip-method",
    "balint-method",
    "question-clarifying-protocol",
    "starrt-alone",
    "starrt-pairs",
    "tuning-protocol",
    "consultancy-protocol",
    "lesson-study-focus",
    "lesson-study-design",
    "lesson-study-post-lesson",
    "data-team-1-problem",
    "data-team-2-data",
    "data-team-3-analysis",
    "data-team-4-measures",
    "appreciative-interview",
    "world-cafe",
    "dilemma-dialogue",
    "conversation-cards",
}


def builtin(slug: str) -> Method:
    return Method.objects.builtin().get(slug=slug)


def kinds(slug: str) -> list[str]:
    return [p.kind for p in builtin(slug).phases.all()]


def test_every_required_work_form_is_in_the_library(db):
    slugs = set(Method.objects.builtin().values_list("slug", flat=True))
    assert slugs >= REQUIRED, sorted(REQUIRED - slugs)


def test_every_built_in_speaks_dutch_and_english(db):
    for method in Method.objects.builtin().prefetch_related("phases"):
        assert method.name_nl and method.name_en and method.summary_nl and method.summary_en
        assert method.summary_nl != method.summary_en, method.slug
        for phase in method.phases.all():
            assert phase.title_nl and phase.title_en, (method.slug, phase.position)
            assert phase.guidance_nl and phase.guidance_en, (method.slug, phase.position)


def test_gossip_method_has_a_phase_in_which_the_case_owner_is_silent(db):
    silent = [p for p in builtin("gossip-method").phases.all() if MethodRole.CASE_OWNER in p.silent]
    assert silent
    assert any(p.kind in (Kind.DIALOGUE, Kind.ROUND) for p in silent)


def test_world_cafe_has_a_tables_phase_with_rotation_and_hosts(db):
    tables = [p for p in builtin("world-cafe").phases.all() if p.kind == Kind.TABLES]
    assert tables
    assert tables[0].settings["rounds"] >= 2 and tables[0].settings["hosts_stay"] is True
    assert 4 <= tables[0].settings["table_size"] <= 5
    assert MethodRole.TABLE_HOST in builtin("world-cafe").roles


def test_work_forms_use_the_interactions_that_fit_them(db):
    assert Kind.WRITING in kinds("incident-method")  # everyone writes questions
    assert Kind.POSITIONS in kinds("dilemma-dialogue")
    assert Kind.CARD_DRAW in kinds("conversation-cards")
    assert Kind.PAIRS in kinds("appreciative-interview")
    assert Kind.PAIRS in kinds("starrt-pairs")
    starrt = [p for p in builtin("starrt-alone").phases.all() if p.kind == Kind.REFLECTION]
    assert starrt and starrt[0].settings["form"] == "starrt"
    assert Kind.ROUND in kinds("check-in-round")
    presenter_silent = [
        p for p in builtin("tuning-protocol").phases.all() if MethodRole.PRESENTER in p.silent
    ]
    assert presenter_silent


def test_lesson_study_and_data_team_are_series_of_templates(db):
    lesson = Method.objects.builtin().filter(series="lesson_study").order_by("series_position")
    assert [m.slug for m in lesson] == [
        "lesson-study-focus",
        "lesson-study-design",
        "lesson-study-post-lesson",
    ]
    assert Method.objects.builtin().filter(series="data_team").count() == 4


def test_timings_follow_the_guidance(db):
    gossip = builtin("gossip-method")
    assert 40 <= gossip.total_minutes <= 60
    assert 80 <= builtin("world-cafe").total_minutes <= 120
    assert 45 <= builtin("tuning-protocol").total_minutes <= 90


def test_at_least_three_built_in_card_decks(db):
    decks = CardDeck.objects.filter(school__isnull=True, retired=False)
    assert decks.count() >= 3
    for deck in decks:
        assert deck.cards.count() >= 12
        assert deck.cards.filter(kind="statement").exists()


def test_sync_is_idempotent(db):
    methods, decks = sync_library()
    assert methods.added == methods.updated == methods.retired == 0
    assert decks.added == decks.updated == decks.retired == 0


@pytest.fixture
def scratch_library(tmp_path, monkeypatch):
    shutil.copytree(library.LIBRARY, tmp_path / "library")
    monkeypatch.setattr(library, "LIBRARY", tmp_path / "library")
    return tmp_path / "library"


def test_a_changed_file_updates_the_builtin_but_never_a_school_copy(
    scratch_library, school, facilitator
):
    original = builtin("check-in-round")
    copy = services.method_copy(method=original, school=school, by=facilitator)
    path = scratch_library / "methods" / "check-in-round.toml"
    path.write_text(path.read_text().replace('nl = "Rondje"', 'nl = "Rondje langs iedereen"'))
    methods, _decks = sync_library()
    assert methods.updated == 1
    assert builtin("check-in-round").phases.get(position=2).title_nl == "Rondje langs iedereen"
    assert copy.phases.get(position=2).title_nl == "Rondje"


def test_a_removed_file_retires_the_builtin_and_keeps_copies(scratch_library, school, facilitator):
    copy = services.method_copy(method=builtin("check-in-round"), school=school, by=facilitator)
    (scratch_library / "methods" / "check-in-round.toml").unlink()
    methods, _decks = sync_library()
    assert methods.retired == 1
    assert not Method.objects.builtin().filter(slug="check-in-round").exists()
    assert Method.objects.filter(pk=copy.pk).exists()


def test_a_broken_file_names_itself(scratch_library):
    path = scratch_library / "methods" / "check-in-round.toml"
    path.write_text(path.read_text().replace("minutes = 9", "minutes = 0"))
    with pytest.raises(LibraryError, match="check-in-round.toml phase 2"):
        parse_method(path)


def test_data_files_name_only_known_roles(scratch_library):
    path = scratch_library / "methods" / "check-in-round.toml"
    path.write_text(
        path.read_text().replace('speaking = ["participants"]', 'speaking = ["case_owner"]')
    )
    with pytest.raises(LibraryError, match="not in the method's roles"):
        parse_method(path)


def test_files_load_without_a_database():
    methods, decks = load_files()
    assert len(methods) >= len(REQUIRED)
    assert len(decks) >= 3


def test_cards_carry_both_languages(db):
    assert not Card.objects.filter(deck__school__isnull=True, text_en="").exists()
