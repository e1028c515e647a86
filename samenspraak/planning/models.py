"""Dialogue cycles and the sessions in them, with ground rules, evidence, preparation and
calendar feeds.

Data classes (PRODUCT.md): a session, its evidence and its participants are *group* data;
a preparation is *private* to its author until the author shares it with the session.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenspraak.methods.kinds import Pdca

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out loud


class Structure(models.TextChoices):
    OWN = "own", _("own dialogue session")
    TEAM_MEETING = "team_meeting", _("team meeting")
    INTERVISION = "intervision", _("intervision")
    STUDY_DAY = "study_day", _("study day")


class Orientation(models.TextChoices):
    HORIZONTAL = "horizontal", _("horizontal (peers)")
    VERTICAL = "vertical", _("vertical (leaders and staff)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Cycle(models.Model):
    """A dialogue cycle: a group works on one or more ambitions through Plan–Do–Check–Act,
    in sessions that a cadence generates."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="cycles")
    group = models.ForeignKey("schools.Group", on_delete=models.PROTECT, related_name="cycles")
    ambitions = models.ManyToManyField("schools.Ambition", related_name="cycles")
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), max_length=2000)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    pdca_phase = models.CharField(
        _("current phase"), max_length=5, choices=Pdca.choices, default=Pdca.PLAN
    )
    structure = models.CharField(
        _("sits in"), max_length=20, choices=Structure.choices, default=Structure.OWN
    )
    # Cadence: every N weeks on a weekday at a time, or an explicit list of dates.
    every_weeks = models.PositiveSmallIntegerField(_("every how many weeks"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, null=True, blank=True
    )
    dates = models.JSONField(_("dates"), default=list, blank=True)  # ISO dates
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dialogue cycle")
        verbose_name_plural = _("dialogue cycles")
        ordering = ["-period_start", "title"]

    def __str__(self) -> str:
        return self.title


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))


class Session(models.Model):
    """One dialogue session (dialoogsessie)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="sessions")
    cycle = models.ForeignKey(
        Cycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    group = models.ForeignKey(
        "schools.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="invited_sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    orientation = models.CharField(
        _("kind of dialogue"),
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.HORIZONTAL,
    )
    structure = models.CharField(
        _("sits in"), max_length=20, choices=Structure.choices, default=Structure.OWN
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_sessions",
        verbose_name=_("facilitator"),
    )
    occasion = models.TextField(_("occasion"), max_length=2000, blank=True)
    goal = models.TextField(_("goal"), max_length=2000, blank=True)
    shared_interest = models.TextField(
        _("shared interest: how pupils benefit"), max_length=2000, blank=True
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    method_snapshot = models.ForeignKey(
        "methods.MethodSnapshot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    extra_ground_rules = models.TextField(
        _("extra ground rules for this session"), max_length=2000, blank=True
    )
    join_code = models.CharField(max_length=8, unique=True, default=new_join_code)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    # Preparation asked of participants.
    preparation = models.CharField(
        _("preparation"),
        max_length=12,
        choices=[
            ("", _("none")),
            ("method", _("the work form's questions")),
            ("starrt", _("a STARR(T) reflection")),
        ],
        blank=True,
    )
    preparation_deadline = models.DateTimeField(_("prepare before"), null=True, blank=True)
    # 3xW feedback after the session: without names (the default) or named.
    feedback_anonymous = models.BooleanField(_("anonymous 3xW feedback"), default=True)
    ics_sequence = models.PositiveIntegerField(default=0)  # bumped on every change sent out
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dialogue session")
        verbose_name_plural = _("dialogue sessions")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["school", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def ics_uid(self) -> str:
        return f"session-{self.pk}@samenspraak"

    @property
    def is_held(self) -> bool:
        return self.status == SessionStatus.HELD


class GroundRule(models.Model):
    """A school's default ground rules (gespreksafspraken), shown before and at the start of
    every session."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="ground_rules"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("ground rule"), max_length=300)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Holiday(models.Model):
    """A school holiday (schoolvakantie): a cycle's rhythm plans no session in it."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("name"), max_length=80)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    class Meta:
        ordering = ["first_day", "pk"]
        verbose_name = _("school holiday")
        verbose_name_plural = _("school holidays")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="holiday_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", _("document")
    LINK = "link", _("link")
    TABLE = "table", _("data table")


class Evidence(models.Model):
    """Knowledge a session is grounded in: a document, a link or a data table."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        upload_to="evidence/%Y/%m/", blank=True
    )  # MEDIA_ROOT, never served directly
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    url = models.URLField(_("address"), blank=True, max_length=500)
    table = models.JSONField(default=dict, blank=True)  # {"columns": [...], "rows": [[...]]}
    chart_columns = models.JSONField(default=list, blank=True)  # [label column, value columns...]
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class Preparation(models.Model):
    """A participant's preparation: private to its author unless they share it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="preparations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict)
    shared = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="one_preparation_per_person")
        ]

    def __str__(self) -> str:
        return f"preparation {self.pk}"


class CalendarFeed(models.Model):
    """A person's private calendar-feed address. Only a hash of its token is kept; a new
    token revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class ReminderSent(models.Model):
    """Makes reminders idempotent: a re-run task or a restarted worker sends nothing twice."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)  # "session" or "preparation"
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user", "kind"], name="one_reminder_each")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder {self.session_id}/{self.user_id}"
