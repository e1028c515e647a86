"""The leadership view's figures: aggregates only, in a fixed number of queries however
big the school (see leadership/tests/test_leadership.py and bench/dashboard.py).

What is counted, and why this is not surveillance:

- **Cadence kept** — per ambition and group: sessions held against sessions planned up to
  now (every session of the school that has begun, cancelled ones included: a cancelled
  session is a planned one that was not held). Held: marked held, or its live room was
  ended. Session titles and dates are school data, so these counts are not suppressed.
- **Participation** — per group, over its sessions run in the live room: seats taken by
  staff in the room ÷ seats expected (the group's active members now, plus each session's
  invitees who are not among them). Whoever led a session — its facilitator, or a planner
  who ran the console — is left out of both: their seat does not count as taking part,
  nor as expected.
  Nobody's own attendance is shown or kept apart; the figure is shown only for groups of
  at least MIN_ANSWERS members and MIN_ANSWERS expected seats.
- **Action points completed on time** — per group: of the action points due by today
  (dropped ones left out), the share marked done on or before their due date; shown from
  MIN_ANSWERS action points.
- **Dialogue quality** — per group and half-year, the overall means of the scan and of the
  safety scale, with exactly the suppression of the group's own results page
  (followup.quality.suppress): the same figures are hidden in both places, so nothing can
  be derived by putting the two pages side by side.
- **Ambitions without any dialogue** — no session held in any cycle that works on them.

Figures are per group and never summed across groups into a school total that a hidden
group figure could be derived from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from samenspraak.followup.models import ActionPoint, ActionStatus, Instrument
from samenspraak.followup.quality import MIN_ANSWERS, period_label, school_results
from samenspraak.live.models import Participant
from samenspraak.planning.models import Cycle, Session, SessionStatus
from samenspraak.schools.models import Ambition, Group, GroupMember, School

TREND_PERIODS = 4


def rate(part: int, whole: int) -> float | None:
    return None if not whole else min(100.0, 100.0 * part / whole)


@dataclass
class Cadence:
    planned: int = 0
    held: int = 0

    def add(self, planned: int, held: int) -> None:
        self.planned += planned
        self.held += held

    @property
    def percent(self) -> float | None:
        return rate(self.held, self.planned)


@dataclass
class QualityCell:
    """One half-year of one instrument for one group: a mean, hidden, or no answers."""

    mean: float | None = None
    hidden: bool = False


@dataclass
class GroupRow:
    group: Group
    cadence: Cadence = field(default_factory=Cadence)
    members: int = 0
    participation: float | None = None
    participation_hidden: bool = False
    actions_due: int = 0
    actions_on_time: float | None = None
    actions_hidden: bool = False
    scan: list[QualityCell] = field(default_factory=list)
    safety: list[QualityCell] = field(default_factory=list)

    @property
    def quality(self) -> list[tuple[QualityCell, QualityCell]]:
        return list(zip(self.scan, self.safety, strict=True))


@dataclass
class AmbitionRow:
    ambition: Ambition
    cadence: Cadence = field(default_factory=Cadence)
    groups: list[tuple[Group, Cadence]] = field(default_factory=list)

    @property
    def without_dialogue(self) -> bool:
        return self.cadence.held == 0


@dataclass
class Dashboard:
    school: School
    ambitions: list[AmbitionRow]
    groups: list[GroupRow]
    periods: list[str]
    period_labels: list[str]

    @property
    def ambitions_without_dialogue(self) -> list[Ambition]:
        return [row.ambition for row in self.ambitions if row.without_dialogue]


def _held() -> Q:
    return Q(status=SessionStatus.HELD) | Q(room__ended_at__isnull=False)


def dashboard(school: School) -> Dashboard:
    now = timezone.now()
    today = timezone.localdate()

    groups = list(
        Group.objects.filter(school=school)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True), distinct=True))
        .order_by("name", "pk")
    )
    by_group = {g.pk: GroupRow(group=g, members=g.member_count) for g in groups}
    ambitions = list(Ambition.objects.filter(school=school).order_by("title", "pk"))

    # Which cycles work on which ambition.
    cycle_ambitions: dict[int, list[int]] = defaultdict(list)
    for cycle_id, ambition_id in Cycle.ambitions.through.objects.filter(
        ambition__school=school
    ).values_list("cycle_id", "ambition_id"):
        cycle_ambitions[cycle_id].append(ambition_id)

    # Sessions that have begun, per cycle and group: planned and held.
    per_ambition_group: dict[tuple[int, int | None], Cadence] = defaultdict(Cadence)
    for row in (
        Session.objects.filter(school=school, starts_at__lte=now)
        .values("cycle_id", "group_id")
        .annotate(
            planned=Count("pk", distinct=True),
            held=Count("pk", filter=_held(), distinct=True),
        )
        .order_by()
    ):
        if row["group_id"] in by_group:
            by_group[row["group_id"]].cadence.add(row["planned"], row["held"])
        for ambition_id in cycle_ambitions.get(row["cycle_id"], []):
            per_ambition_group[(ambition_id, row["group_id"])].add(row["planned"], row["held"])

    # Participation over the sessions run in the live room. Whoever led a session (its
    # facilitator, or a planner who ran the console: live.kinds.leads) took part in no
    # round: their seat is not counted, and they were not expected to take one either.
    leads = Q(on_console=True) | Q(user=F("room__session__facilitator"))
    expected_there = Exists(
        GroupMember.objects.filter(
            group=OuterRef("room__session__group"), user=OuterRef("user"), user__is_active=True
        )
    ) | Exists(
        Session.invitees.through.objects.filter(
            session=OuterRef("room__session"), user=OuterRef("user")
        )
    )
    seats: dict[int, int] = {}
    leaders_expected: dict[int, int] = {}
    for group_id, staff, leading, leading_expected in (
        Participant.objects.filter(
            room__session__school=school,
            room__session__starts_at__lte=now,
            user__isnull=False,
        )
        .exclude(room__session__status=SessionStatus.CANCELLED)
        .values_list("room__session__group_id")
        .annotate(
            staff=Count("pk"),
            leading=Count("pk", filter=leads),
            leading_expected=Count("pk", filter=leads & Q(expected_there)),
        )
        .order_by()
    ):
        if group_id is not None:
            seats[group_id] = staff - leading
            leaders_expected[group_id] = leading_expected
    # An invitee who is also an active member of the group is expected once, as a member.
    invitee_is_member = Exists(
        GroupMember.objects.filter(
            group=OuterRef("group"), user=OuterRef("invitees"), user__is_active=True
        )
    )
    expected: dict[int, int] = {}
    for group_id, sessions, invited in (
        Session.objects.filter(school=school, starts_at__lte=now, room__isnull=False)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("group_id")
        .annotate(
            sessions=Count("pk", distinct=True),
            invited=Count("invitees", filter=~Q(invitee_is_member)),
        )
        .order_by()
    ):
        if group_id in by_group:
            expected[group_id] = (
                sessions * by_group[group_id].members + invited - leaders_expected.get(group_id, 0)
            )
    for group_id, row in by_group.items():
        if group_id not in expected:
            continue
        if row.members < MIN_ANSWERS or expected[group_id] < MIN_ANSWERS:
            row.participation_hidden = True
        else:
            row.participation = rate(seats.get(group_id, 0), expected[group_id])

    # Action points due by today.
    for group_id, due, on_time in (
        ActionPoint.objects.filter(session__school=school, due_date__lte=today)
        .exclude(status=ActionStatus.DROPPED)
        .values_list("session__group_id")
        .annotate(
            due=Count("pk"),
            on_time=Count(
                "pk",
                filter=Q(status=ActionStatus.DONE, done_at__date__lte=F("due_date")),
            ),
        )
        .order_by()
    ):
        row = by_group.get(group_id)
        if row is None:
            continue
        row.actions_due = due
        if due < MIN_ANSWERS:
            row.actions_hidden = True
        else:
            row.actions_on_time = rate(on_time, due)

    # Dialogue quality, suppressed exactly as on the group's own page.
    results = school_results(school)
    periods = sorted({a.key for r in results.values() for a in r.scan_periods + r.safety_periods})[
        -TREND_PERIODS:
    ]
    for group_id, row in by_group.items():
        result = results.get(group_id)
        for instrument, cells in ((Instrument.SCAN, row.scan), (Instrument.SAFETY, row.safety)):
            aggregates = {}
            if result is not None:
                source = (
                    result.scan_periods if instrument == Instrument.SCAN else result.safety_periods
                )
                aggregates = {a.key: a for a in source}
            for period in periods:
                aggregate = aggregates.get(period)
                if aggregate is None or not (aggregate.count or aggregate.pending):
                    cells.append(QualityCell())
                elif not aggregate.shown:
                    cells.append(QualityCell(hidden=True))
                else:
                    cells.append(QualityCell(mean=aggregate.mean))

    ambition_rows = []
    for ambition in ambitions:
        row = AmbitionRow(ambition=ambition)
        for group in groups:
            cadence = per_ambition_group.get((ambition.pk, group.pk))
            if cadence is not None:
                row.groups.append((group, cadence))
                row.cadence.add(cadence.planned, cadence.held)
        other = per_ambition_group.get((ambition.pk, None))
        if other is not None:
            row.cadence.add(other.planned, other.held)
        ambition_rows.append(row)

    return Dashboard(
        school=school,
        ambitions=ambition_rows,
        groups=list(by_group.values()),
        periods=periods,
        period_labels=[period_label(p) for p in periods],
    )
