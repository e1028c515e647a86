"""The dialogue-quality check (dialoogscan) and Edmondson's team psychological-safety
scale: the questionnaires, their scoring, answering once, and the aggregates that may be
shown.

Two instruments:

- **scan** — a one-minute check at the end of a session. The guidance's eight
  characteristics of a professional dialogue as agreement items (1 = strongly disagree …
  5 = strongly agree) and its five dialogue-versus-discussion contrasts as bipolar scales
  (1 = the discussion pole … 5 = the dialogue pole), so that for every item higher is more
  dialogue. Overall score: the mean of all 13 items.
- **safety** — Edmondson (1999), "Psychological safety and learning behavior in work
  teams", Administrative Science Quarterly 44(2): the full seven-item scale, one factor,
  7-point agreement scale; items 1, 3 and 5 are reverse-scored (8 − answer). Answered at
  most once per school half-year per group. Only the full scale is validated: we never
  shorten it.

Every item is required. Answering at all is voluntary, but a partly filled-in form would
give every item its own number of answers, and then one item's mean could be shown while
another's could not, or one could be derived from the overall mean: with all items
answered, one count covers every figure of an aggregate and the suppression rule below
stays simple and sound.

Dutch item texts (for the nl catalogue; the msgids below are their English versions):

Scan — kenmerken (helemaal mee oneens … helemaal mee eens):
  equality:   "Iedereen werd gehoord en serieus genomen, ongeacht rol of functie."
  reason:     "Het gesprek ging over een concrete aanleiding of een concreet doel uit de
               praktijk."
  interest:   "We spraken vanuit een gezamenlijk belang: de ontwikkeling van leerlingen."
  inquiring:  "We verkenden verschillende perspectieven in plaats van snel tot oplossingen
               te komen."
  personal:   "Er was ruimte voor persoonlijke beleving, gevoelens en drijfveren."
  careful:    "We luisterden aandachtig naar elkaar en stelden ons oordeel uit."
  safety:     "Ik kon open spreken en twijfels, fouten en successen delen."
  knowledge:  "Het gesprek werd gevoed met data, onderzoek of praktijkervaringen."
Scan — dialoog of discussie (links de discussiepool, rechts de dialoogpool):
  meeting:    "Strijd met argumenten" ↔ "Ontmoeting en uitwisseling van ervaringen"
  personal_tone: "Onpersoonlijk" ↔ "Persoonlijk"
  knowing:    "Elkaar willen overtuigen" ↔ "Elkaar willen leren kennen"
  understanding: "Gericht op winnen" ↔ "Gericht op begrip, verdieping, verrijking"
  listening:  "Selectief luisteren" ↔ "Aandachtig luisteren"

Schaalpunten (context "agreement scale"): helemaal mee oneens, mee oneens, enigszins mee
oneens, neutraal, enigszins mee eens, mee eens, helemaal mee eens (5 punten: zonder de
twee "enigszins").

Veiligheid (Edmondson 1999; helemaal mee oneens … helemaal mee eens, 7 punten):
  s1 (R) "Als je in dit team een fout maakt, wordt het je vaak kwalijk genomen."
  s2     "Leden van dit team kunnen problemen en lastige kwesties aankaarten."
  s3 (R) "Mensen in dit team wijzen anderen soms af omdat ze anders zijn."
  s4     "Het is veilig om in dit team een risico te nemen."
  s5 (R) "Het is moeilijk om andere leden van dit team om hulp te vragen."
  s6     "Niemand in dit team zou bewust iets doen dat mijn inspanningen ondermijnt."
  s7     "Als ik met leden van dit team samenwerk, worden mijn unieke vaardigheden en
          talenten gewaardeerd en benut."

Suppression (PRODUCT.md, "aggregates hide small groups"): a figure is shown only when it
covers at least MIN_ANSWERS answers, and every difference between a shown figure and the
shown figures nested in it covers at least MIN_ANSWERS answers too (or none). See
`suppress`. Over time as well: answers are released in batches of five per stream (a
session's scans; a group's safety answers in a half-year), so a figure appears at five
answers and then changes only per five new ones — comparing the page before and after a
colleague answered tells nothing about that one answer. The batch number stored with an
answer (`_batch` in `answers`) says only in which group of five it came in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from samenspraak.followup.models import Instrument, QualityAnswered, QualityResponse
from samenspraak.followup.registers import register_answer
from samenspraak.lib.forms import is_key
from samenspraak.schools.models import Group

MIN_ANSWERS = 5
BATCH = MIN_ANSWERS  # answers are released in groups of this many (see `released`)
BATCH_KEY = "_batch"


@dataclass(frozen=True)
class Item:
    key: str
    text: str  # lazy msgid; for a bipolar item the left (low) pole
    right: str = ""  # bipolar items: the right (high) pole
    reverse: bool = False
    part: str = ""  # "characteristics" or "contrasts" (scan), "" (safety)

    @property
    def bipolar(self) -> bool:
        return bool(self.right)


@dataclass(frozen=True)
class Questionnaire:
    instrument: str
    title: str
    scale: tuple[int, int]
    anchors: tuple  # labels of the scale points, low to high (agreement items)
    items: tuple[Item, ...]

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items]

    def item(self, key: str) -> Item:
        return next(item for item in self.items if item.key == key)


AGREE_5 = (
    pgettext_lazy("agreement scale", "strongly disagree"),
    pgettext_lazy("agreement scale", "disagree"),
    pgettext_lazy("agreement scale", "neither agree nor disagree"),
    pgettext_lazy("agreement scale", "agree"),
    pgettext_lazy("agreement scale", "strongly agree"),
)
AGREE_7 = (
    pgettext_lazy("agreement scale", "strongly disagree"),
    pgettext_lazy("agreement scale", "disagree"),
    pgettext_lazy("agreement scale", "somewhat disagree"),
    pgettext_lazy("agreement scale", "neither agree nor disagree"),
    pgettext_lazy("agreement scale", "somewhat agree"),
    pgettext_lazy("agreement scale", "agree"),
    pgettext_lazy("agreement scale", "strongly agree"),
)

SCAN = Questionnaire(
    instrument=Instrument.SCAN,
    title=gettext_lazy("Dialogue-quality check"),
    scale=(1, 5),
    anchors=AGREE_5,
    items=(
        Item(
            "equality",
            gettext_lazy(
                "Everyone was heard and taken seriously, whatever their role or position."
            ),
            part="characteristics",
        ),
        Item(
            "reason",
            gettext_lazy("The conversation was about a concrete reason or goal from practice."),
            part="characteristics",
        ),
        Item(
            "interest",
            gettext_lazy("We spoke from a shared interest: how our pupils develop."),
            part="characteristics",
        ),
        Item(
            "inquiring",
            gettext_lazy("We explored different perspectives instead of jumping to solutions."),
            part="characteristics",
        ),
        Item(
            "personal",
            gettext_lazy("There was room for personal experience, feelings and motives."),
            part="characteristics",
        ),
        Item(
            "careful",
            gettext_lazy("We listened attentively to each other and held back judgement."),
            part="characteristics",
        ),
        Item(
            "safety",
            gettext_lazy("I could speak openly and share doubts, mistakes and successes."),
            part="characteristics",
        ),
        Item(
            "knowledge",
            gettext_lazy("The conversation drew on data, research or experience from practice."),
            part="characteristics",
        ),
        Item(
            "meeting",
            gettext_lazy("A contest of arguments"),
            gettext_lazy("Meeting and exchanging experiences"),
            part="contrasts",
        ),
        Item(
            "personal_tone",
            gettext_lazy("Impersonal"),
            gettext_lazy("Personal"),
            part="contrasts",
        ),
        Item(
            "knowing",
            gettext_lazy("Wanting to convince each other"),
            gettext_lazy("Wanting to get to know each other"),
            part="contrasts",
        ),
        Item(
            "understanding",
            gettext_lazy("Aimed at winning"),
            gettext_lazy("Aimed at understanding, deepening and enrichment"),
            part="contrasts",
        ),
        Item(
            "listening",
            gettext_lazy("Selective listening"),
            gettext_lazy("Attentive listening"),
            part="contrasts",
        ),
    ),
)

SAFETY = Questionnaire(
    instrument=Instrument.SAFETY,
    title=gettext_lazy("Team psychological safety"),
    scale=(1, 7),
    anchors=AGREE_7,
    items=(
        Item(
            "s1",
            gettext_lazy("If you make a mistake on this team, it is often held against you."),
            reverse=True,
        ),
        Item(
            "s2",
            gettext_lazy("Members of this team are able to bring up problems and tough issues."),
        ),
        Item(
            "s3",
            gettext_lazy("People on this team sometimes reject others for being different."),
            reverse=True,
        ),
        Item("s4", gettext_lazy("It is safe to take a risk on this team.")),
        Item(
            "s5",
            gettext_lazy("It is difficult to ask other members of this team for help."),
            reverse=True,
        ),
        Item(
            "s6",
            gettext_lazy(
                "No one on this team would deliberately act in a way that undermines my efforts."
            ),
        ),
        Item(
            "s7",
            gettext_lazy(
                "Working with members of this team, my unique skills and talents are valued "
                "and utilised."
            ),
        ),
    ),
)

QUESTIONNAIRES = {SCAN.instrument: SCAN, SAFETY.instrument: SAFETY}


# --- Periods ------------------------------------------------------------------------------


def period_of(day: date) -> str:
    """The school half-year a day falls in: "2026-2027/1" is August–January, "/2" is
    February–July."""
    if day.month >= 8:
        return f"{day.year}-{day.year + 1}/1"
    if day.month == 1:
        return f"{day.year - 1}-{day.year}/1"
    return f"{day.year - 1}-{day.year}/2"


def current_period() -> str:
    return period_of(timezone.localdate())


def period_label(period: str) -> str:
    years, _sep, half = period.partition("/")
    if half == "1":
        return _("%(years)s, first half (Aug–Jan)") % {"years": years}
    return _("%(years)s, second half (Feb–Jul)") % {"years": years}


# --- Scoring ------------------------------------------------------------------------------


def clean_answers(questionnaire: Questionnaire, data: Mapping) -> dict[str, int]:
    """Every item answered with a whole number on the scale, nothing else; else a
    ValidationError that says what to fix. Works on a QueryDict or a plain dict."""
    low, high = questionnaire.scale
    answers: dict[str, int] = {}
    missing = 0
    for item in questionnaire.items:
        raw = data.get(item.key)
        if isinstance(raw, list):  # a forged repeated field
            raise ValidationError(_("Choose one answer for every statement."))
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            missing += 1
            continue
        if isinstance(raw, bool) or not isinstance(raw, (int, str)):
            raise ValidationError(_("Choose one of the answers on the scale."))
        text = str(raw).strip()
        if not is_key(text) or len(text) > 2:
            raise ValidationError(
                _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high}
            )
        value = int(text)
        if not low <= value <= high:
            raise ValidationError(
                _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high}
            )
        answers[item.key] = value
    if missing:
        raise ValidationError(
            _("Answer every statement: %(count)d still open.") % {"count": missing}
        )
    return answers


def scored(questionnaire: Questionnaire, answers: Mapping[str, int]) -> dict[str, float]:
    """Item scores with reverse items turned round, so that higher is always better."""
    low, high = questionnaire.scale
    scores = {}
    for item in questionnaire.items:
        value = answers.get(item.key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            continue
        scores[item.key] = (low + high - value) if item.reverse else value
    return scores


def overall(questionnaire: Questionnaire, answers: Mapping[str, int]) -> float | None:
    scores = scored(questionnaire, answers)
    if len(scores) != len(questionnaire.items):
        return None
    return sum(scores.values()) / len(scores)


# --- Answering once -----------------------------------------------------------------------


def has_answered_scan(user, session) -> bool:
    return QualityAnswered.objects.filter(
        user=user, session=session, instrument=Instrument.SCAN
    ).exists()


def has_answered_safety(user, group, period: str) -> bool:
    return QualityAnswered.objects.filter(
        user=user, group=group, session__isnull=True, instrument=Instrument.SAFETY, period=period
    ).exists()


def _store(*, user, group, session, questionnaire: Questionnaire, period: str, answers) -> None:
    """Register the person and store the answer apart. The answer gets its release batch:
    the number of earlier answers in its stream divided by BATCH (the group's row is
    locked meanwhile, so two people answering at once cannot share a place)."""
    try:
        with transaction.atomic():
            Group.objects.select_for_update().filter(pk=group.pk).first()
            scope = {"group": group, "session": session, "instrument": questionnaire.instrument}
            if session is None:
                scope["period"] = period
            register_answer(
                QualityAnswered,
                scope=scope,
                person={"user": user} if session is None else {"user": user, "period": period},
                lock=group,
            )
            earlier = QualityResponse.objects.filter(
                group=group, session=session, instrument=questionnaire.instrument
            )
            if session is None:
                earlier = earlier.filter(period=period)
            QualityResponse.objects.create(
                group=group,
                session=session,
                instrument=questionnaire.instrument,
                period=period,
                answers={**answers, BATCH_KEY: earlier.count() // BATCH},
            )
    except IntegrityError as error:
        raise ValidationError(_("You have already filled this in.")) from error


def answer_scan(*, user, session, data: Mapping) -> None:
    """Store one anonymous scan for a session. The caller has checked that the user takes
    part in it. No audit entry: even "who answered when" could be matched to the answer."""
    if session.group_id is None:
        raise ValidationError(_("This session has no group, so it has no quality check."))
    answers = clean_answers(SCAN, data)
    _store(
        user=user,
        group=session.group,
        session=session,
        questionnaire=SCAN,
        period=period_of(timezone.localtime(session.starts_at).date()),
        answers=answers,
    )


def answer_safety(*, user, group, data: Mapping) -> None:
    answers = clean_answers(SAFETY, data)
    _store(
        user=user,
        group=group,
        session=None,
        questionnaire=SAFETY,
        period=current_period(),
        answers=answers,
    )


# --- Aggregates and suppression -----------------------------------------------------------


@dataclass
class Aggregate:
    """Mean scores over a set of answers. `shown` False means: say only that there are
    too few answers — never the count of a hidden figure below MIN_ANSWERS, never a mean."""

    key: str
    label: str
    count: int = 0
    sums: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    children: list[Aggregate] = field(default_factory=list)
    shown: bool = False
    pending: int = 0  # answers not released yet (never shown, not even as a number)

    def add(self, scores: Mapping[str, float], score: float) -> None:
        self.count += 1
        self.total += score
        for key, value in scores.items():
            self.sums[key] = self.sums.get(key, 0.0) + value

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.shown and self.count else None

    def item_mean(self, key: str) -> float | None:
        if not self.shown or not self.count:
            return None
        return self.sums.get(key, 0.0) / self.count

    def part_mean(self, questionnaire: Questionnaire, part: str) -> float | None:
        keys = [item.key for item in questionnaire.items if item.part == part]
        if not self.shown or not self.count or not keys:
            return None
        return sum(self.sums.get(key, 0.0) for key in keys) / (self.count * len(keys))


def suppress(parent: Aggregate) -> None:
    """Decide which figures of a two-level tree (a parent and its disjoint children) may
    be shown, so that every shown figure, and everything that can be worked out by
    subtracting shown figures from each other, covers MIN_ANSWERS answers or none.

    Children are shown when they reach MIN_ANSWERS. The parent's remainder — its answers
    outside every shown child (hidden children, answers of a deleted session) — is what
    subtracting the shown children from the parent reveals; while it holds 1 to
    MIN_ANSWERS − 1 answers, the smallest shown child is hidden too (its answers join the
    remainder). Subtracting any selection of shown children leaves the remainder plus
    whole shown children, so it covers MIN_ANSWERS or more as well. A parent below
    MIN_ANSWERS is hidden (then its children are, too: they are smaller)."""
    for child in parent.children:
        child.shown = child.count >= MIN_ANSWERS
    parent.shown = parent.count >= MIN_ANSWERS
    if not parent.shown:
        for child in parent.children:
            child.shown = False
        return
    while True:
        shown = sorted((c for c in parent.children if c.shown), key=lambda c: (c.count, c.key))
        remainder = parent.count - sum(c.count for c in shown)
        if remainder == 0 or remainder >= MIN_ANSWERS or not shown:
            break
        shown[0].shown = False


@dataclass
class GroupResults:
    """One group's results: per period the scan (with its sessions) and the safety scale."""

    scan_periods: list[Aggregate]
    safety_periods: list[Aggregate]

    @property
    def any_shown(self) -> bool:
        return any(a.shown for a in self.scan_periods + self.safety_periods)


def batch_of(answers: Mapping) -> int:
    """The release batch stored with an answer (see `_store`); answers stored without one
    form batch 0 together."""
    value = answers.get(BATCH_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def released(rows: list[tuple]) -> list[tuple]:
    """The answers of one stream (a session's scans, or a group's safety answers in one
    half-year) that may be counted: those in batches of at least BATCH answers. So a
    figure appears at five answers and then changes only per five new ones: comparing
    today's figure with yesterday's never isolates fewer than five answers."""
    sizes: dict[int, int] = defaultdict(int)
    for row in rows:
        sizes[row[-1]] += 1
    return [row for row in rows if sizes[row[-1]] >= BATCH]


def results_from_rows(rows: Iterable[tuple], session_labels: Mapping[int, str]) -> GroupResults:
    """Aggregates from (session_id, instrument, period, answers) rows of one group.

    The tree per instrument: period → sessions (scan), period (safety). Aggregates of
    different periods are disjoint and no figure spans periods, so the suppression of one
    period's tree is enough. Nothing is shown across groups either. Only released
    answers count (`released`); scans of a deleted session count nowhere (their release
    state can no longer be told), so deleting a session takes whole batches away."""
    streams: dict[tuple, list[tuple]] = defaultdict(list)
    for session_id, instrument, period, answers in rows:
        questionnaire = QUESTIONNAIRES.get(instrument)
        if questionnaire is None or not isinstance(answers, dict):
            continue
        scores = scored(questionnaire, answers)
        if len(scores) != len(questionnaire.items):
            continue  # incomplete or tampered with: counted nowhere
        if instrument == Instrument.SCAN and session_id is None:
            continue
        score = sum(scores.values()) / len(scores)
        key = (instrument, period, session_id if instrument == Instrument.SCAN else None)
        streams[key].append((scores, score, batch_of(answers)))

    scan: dict[str, Aggregate] = {}
    safety: dict[str, Aggregate] = {}
    for (instrument, period, session_id), stream in sorted(
        streams.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0)
    ):
        if instrument == Instrument.SCAN:
            parent = scan.setdefault(period, Aggregate(period, period_label(period)))
            child = Aggregate(
                f"session-{session_id}", session_labels.get(session_id, str(session_id))
            )
            parent.children.append(child)
            targets = (parent, child)
        else:
            targets = (safety.setdefault(period, Aggregate(period, period_label(period))),)
        counted = released(stream)
        for scores, score, _batch in counted:
            for target in targets:
                target.add(scores, score)
        for target in targets:
            target.pending += len(stream) - len(counted)
    for parent in scan.values():
        suppress(parent)
    for aggregate in safety.values():
        suppress(aggregate)
    return GroupResults(
        scan_periods=[scan[p] for p in sorted(scan)],
        safety_periods=[safety[p] for p in sorted(safety)],
    )


def group_results(group, session_labels: Mapping[int, str] | None = None) -> GroupResults:
    rows = QualityResponse.objects.filter(group=group).values_list(
        "session_id", "instrument", "period", "answers"
    )
    return results_from_rows(rows, session_labels or {})


def school_results(school) -> dict[int, GroupResults]:
    """Every group's results of a school in one query (the leadership view)."""
    per_group: dict[int, list[tuple]] = defaultdict(list)
    rows = QualityResponse.objects.filter(group__school=school).values_list(
        "group_id", "session_id", "instrument", "period", "answers"
    )
    for group_id, *rest in rows:
        per_group[group_id].append(tuple(rest))
    return {group_id: results_from_rows(rows, {}) for group_id, rows in per_group.items()}
