"""The vocabulary of work forms: purposes, PDCA stages, roles, outputs, and the interaction
kinds a phase can have, each with its settings and their limits.

One table (`SETTINGS`) drives three things: validation of data files, validation of a
school's edits, and the settings fields of the phase form.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_MINUTES, MAX_MINUTES = 1, 240


class Purpose(models.TextChoices):
    OPEN = "open", _("open")
    EXPLORE = "explore", _("explore")
    REFLECT = "reflect", _("reflect")
    FEEDBACK = "feedback", _("give feedback")
    DECIDE = "decide", _("decide")
    EVALUATE = "evaluate", _("evaluate")
    CLOSE = "close", _("close")


class Pdca(models.TextChoices):
    PLAN = "plan", _("Plan")
    DO = "do", _("Do")
    CHECK = "check", _("Check")
    ACT = "act", _("Act")


class Family(models.TextChoices):
    OPENING_CLOSING = "opening_closing", _("opening and closing")
    FEEDBACK = "feedback", _("feedback")
    INTERVISION = "intervision", _("intervision")
    REFLECTION = "reflection", _("structured reflection")
    CRITICAL_FRIENDS = "critical_friends", _("Critical Friends")
    LESSON_STUDY = "lesson_study", _("Lesson Study")
    DATA_TEAM = "data_team", _("Data Team")
    APPRECIATIVE = "appreciative", _("appreciative inquiry")
    WORLD_CAFE = "world_cafe", _("World Café")
    DILEMMA = "dilemma", _("dilemma dialogue")
    CARDS = "cards", _("conversation cards")


class MethodRole(models.TextChoices):
    FACILITATOR = "facilitator", _("facilitator")
    PARTICIPANTS = "participants", _("participants")
    CASE_OWNER = "case_owner", _("case owner")
    PRESENTER = "presenter", _("presenter")
    TABLE_HOST = "table_host", _("table host")
    TIMEKEEPER = "timekeeper", _("timekeeper")
    NOTE_TAKER = "note_taker", _("note taker")
    PROCESS_GUIDE = "process_guide", _("process guide")
    INTERVIEWER = "interviewer", _("interviewer")
    OBSERVER = "observer", _("observer")
    TEACHER = "teacher", _("teacher of the lesson")


class Output(models.TextChoices):
    INSIGHTS = "insights", _("insights")
    QUESTIONS = "questions", _("questions")
    THEMES = "themes", _("themes")
    IDEAS = "ideas", _("ideas and options")
    AGREEMENTS = "agreements", _("agreements")
    ACTION_POINTS = "action_points", _("action points")
    REFLECTIONS = "reflections", _("reflections")
    FEEDBACK = "feedback", _("feedback")
    POSITIONS = "positions", _("positions")
    QUALITY = "quality", _("dialogue-quality answers")


class Kind(models.TextChoices):
    INFORMATION = "information", _("information")
    ROUND = "round", _("speaking round")
    DIALOGUE = "dialogue", _("open dialogue")
    WRITING = "writing", _("silent writing")
    CLUSTERING = "clustering", _("clustering into themes")
    DOT_VOTING = "dot_voting", _("dot voting")
    CARD_DRAW = "card_draw", _("card draw")
    PAIRS = "pairs", _("pairs")
    TABLES = "tables", _("tables with rotation")
    POSITIONS = "positions", _("positions on a dilemma")
    CONSENT = "consent", _("decision with consent check")
    ACTIONS = "actions", _("capture action points")
    REFLECTION = "reflection", _("individual reflection form")
    FEEDBACK_3XW = "feedback_3xw", _("3xW feedback")
    QUALITY_CHECK = "quality_check", _("dialogue-quality check")


@dataclass(frozen=True)
class Setting:
    """One setting of an interaction kind: a bool, a whole number in a range, or a choice."""

    label: Any
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, Any], ...] = ()
    error: Any = None  # the message for a value out of range

    @property
    def kind(self) -> str:
        if isinstance(self.default, bool):
            return "bool"
        if self.choices:
            return "choice"
        if isinstance(self.default, int):
            return "int"
        return "text"


ORDER_CHOICES = (
    ("fixed", _("fixed order")),
    ("random", _("random order")),
    ("free", _("free (popcorn)")),
)

SETTINGS: dict[str, dict[str, Setting]] = {
    Kind.INFORMATION: {},
    Kind.ROUND: {
        "order": Setting(_("Order"), "fixed", choices=ORDER_CHOICES),
        "pass_allowed": Setting(_("Passing is allowed"), True),
        "seconds_per_person": Setting(
            _("Seconds per person (0 = no limit)"),
            60,
            0,
            900,
            error=_("Time per person lies between 0 and 900 seconds."),
        ),
    },
    Kind.DIALOGUE: {
        "hand_queue": Setting(_("Raise a hand to speak (queue)"), True),
        "talk_time": Setting(_("Track talk time"), True),
    },
    Kind.WRITING: {
        "anonymous": Setting(_("Anonymous while writing"), False),
        "hidden_until_revealed": Setting(_("Hidden until the facilitator reveals"), True),
        "max_items": Setting(
            _("Notes per person"), 5, 1, 20, error=_("Each person can write 1 to 20 notes.")
        ),
    },
    Kind.CLUSTERING: {},
    Kind.DOT_VOTING: {
        "dots_per_person": Setting(
            _("Dots per person"), 3, 1, 20, error=_("A vote phase needs 1 to 20 dots per person.")
        ),
        "reveal_on_command": Setting(_("Results shown only on command"), True),
    },
    Kind.CARD_DRAW: {
        "cards_per_draw": Setting(
            _("Cards per draw"), 1, 1, 10, error=_("Draw 1 to 10 cards at a time.")
        ),
    },
    Kind.PAIRS: {
        "group_size": Setting(
            _("People per group (2 = pairs, 3 = trios)"),
            2,
            2,
            3,
            error=_("Pairs have 2 people, trios 3."),
        ),
        "switch_roles": Setting(_("Switch roles halfway"), True),
    },
    Kind.TABLES: {
        "table_size": Setting(
            _("People per table"), 4, 2, 12, error=_("A tables phase needs a size of 2 to 12.")
        ),
        "rounds": Setting(_("Rounds"), 3, 1, 8, error=_("A tables phase has 1 to 8 rounds.")),
        "hosts_stay": Setting(_("Table hosts stay at their table"), True),
    },
    Kind.POSITIONS: {
        "mode": Setting(
            _("Positions"), "ab", choices=(("ab", _("option A or B")), ("scale", _("a scale")))
        ),
        "scale_points": Setting(
            _("Points on the scale"), 5, 3, 10, error=_("A scale has 3 to 10 points.")
        ),
    },
    Kind.CONSENT: {
        "anonymous": Setting(_("Anonymous support check"), False),
        "reasons_required": Setting(_("A concern or objection needs a reason"), True),
    },
    Kind.ACTIONS: {},
    Kind.REFLECTION: {
        "form": Setting(
            _("Reflection form"),
            "free",
            choices=(
                ("free", _("free reflection")),
                ("starrt", _("STARR(T)")),
                ("preparation", _("preparation")),
            ),
        ),
    },
    Kind.FEEDBACK_3XW: {
        "anonymous": Setting(_("Anonymous"), True),
        "minutes_per_w": Setting(
            _("Minutes of writing per W"), 2, 1, 10, error=_("Write 1 to 10 minutes per W.")
        ),
    },
    Kind.QUALITY_CHECK: {
        "instrument": Setting(
            _("Questionnaire"),
            "dialogue_scan",
            choices=(
                ("dialogue_scan", _("dialogue scan (one minute)")),
                ("psychological_safety", _("team psychological safety (7 items)")),
            ),
        ),
    },
}


def default_settings(kind: str) -> dict[str, Any]:
    return {name: spec.default for name, spec in SETTINGS[kind].items()}


def clean_settings(kind: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    """Fill defaults, refuse unknown keys and values out of range. Raises ValidationError
    whose messages name the problem in the reader's language."""
    if kind not in SETTINGS:
        raise ValidationError(_("Unknown interaction kind: %(kind)s."), params={"kind": kind})
    raw = dict(raw or {})
    unknown = sorted(set(raw) - set(SETTINGS[kind]))
    if unknown:
        raise ValidationError(
            _("Settings that this kind does not have: %(names)s."),
            params={"names": ", ".join(unknown)},
        )
    cleaned: dict[str, Any] = {}
    errors: list[ValidationError] = []
    for name, spec in SETTINGS[kind].items():
        value = raw.get(name, spec.default)
        if spec.kind == "bool":
            if not isinstance(value, bool):
                errors.append(
                    ValidationError(_("%(label)s must be yes or no."), params={"label": spec.label})
                )
                continue
        elif spec.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                errors.append(
                    ValidationError(
                        _("%(label)s must be a whole number."), params={"label": spec.label}
                    )
                )
                continue
            if not spec.minimum <= value <= spec.maximum:
                errors.append(ValidationError(spec.error))
                continue
        elif spec.kind == "choice" and value not in {c for c, _label in spec.choices}:
            errors.append(
                ValidationError(
                    _("%(label)s has no option %(value)s."),
                    params={"label": spec.label, "value": value},
                )
            )
            continue
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_minutes(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not MIN_MINUTES <= value <= MAX_MINUTES
    ):
        raise ValidationError(
            _("A phase needs a duration between %(min)d and %(max)d minutes."),
            params={"min": MIN_MINUTES, "max": MAX_MINUTES},
        )
    return value
