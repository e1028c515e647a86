"""What a dialogue leaves behind: insights, agreements with their support check, action
points, feedback, reflections, dialogue-quality answers and the report.

Data classes (PRODUCT.md) shape these tables:
- *Group* data: insights, agreements, action points, the report. Readable by the session's
  participants and the school's planners.
- *Private* data: a reflection belongs to its author; nobody else reads it until the
  author shares it (with the group, or with one coach) — an act that can be undone.
- *Anonymous* rows (a support answer or 3xW feedback in an anonymous session, every
  quality answer) have no author field, no timestamp and a random key. Who has answered
  is kept apart, in a register without a link to the answer, so nobody answers twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Insight(models.Model):
    """Something the group found out, captured live or added afterwards."""

    session = models.ForeignKey(
        "planning.Session", on_delete=models.CASCADE, related_name="insights"
    )
    text = models.TextField(_("insight"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("insight")
        verbose_name_plural = _("insights")

    def __str__(self) -> str:
        return self.text[:60]


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")  # support check open or objection open
    ADOPTED = "adopted", _("adopted")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Agreement(models.Model):
    """An agreement or decision with its support (consent) check.

    Adopted only when no objection is open: each objection is resolved (the proposal was
    changed) or overruled with a reason that is recorded."""

    session = models.ForeignKey(
        "planning.Session", on_delete=models.CASCADE, related_name="agreements"
    )
    text = models.TextField(_("agreement"), max_length=2000)
    outcome = models.TextField(_("outcome"), max_length=2000, blank=True)
    review_date = models.DateField(_("review on"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous support check"), default=False)
    check_open = models.BooleanField(default=False)  # people may answer now
    status = models.CharField(
        max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.text[:60]


class Support(models.TextChoices):
    AGREE = "agree", _("agree")
    CONCERN = "concern", _("concern")
    OBJECTION = "objection", _("objection")


class ObjectionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection state", "open")
    RESOLVED = "resolved", _("resolved")
    OVERRULED = "overruled", _("overruled")


class SupportAnswer(models.Model):
    """One answer in a support check. In an anonymous check `author_name` stays empty and
    the row carries nothing else that could tie it to a person (random key, no time)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="answers")
    answer = models.CharField(max_length=10, choices=Support.choices)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    author_name = models.CharField(max_length=150, blank=True)  # named checks only
    state = models.CharField(
        max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )  # meaningful for objections
    resolution = models.TextField(_("how it was settled"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("support answer")
        verbose_name_plural = _("support answers")

    def __str__(self) -> str:
        return self.answer


class SupportGiven(models.Model):
    """Who has answered a support check: no link to the answer itself. `voter` is a
    participant key (user id, or a room guest) so guests can answer once too."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    voter = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "voter"], name="one_support_per_voter")
        ]

    def __str__(self) -> str:
        return self.voter


class ActionStatus(models.TextChoices):
    # With a context: "open" and "done" mean other things elsewhere in the catalogue.
    OPEN = "open", pgettext_lazy("action point status", "open")
    DOING = "doing", pgettext_lazy("action point status", "doing")
    DONE = "done", pgettext_lazy("action point status", "done")
    DROPPED = "dropped", pgettext_lazy("action point status", "dropped")


class ActionPoint(models.Model):
    session = models.ForeignKey(
        "planning.Session", on_delete=models.CASCADE, related_name="action_points"
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("agreement"),
    )
    text = models.TextField(_("action point"), max_length=1000)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="action_points", verbose_name=_("owners")
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    dropped_reason = models.TextField(_("why it was dropped"), max_length=1000, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "created_at", "pk"]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.DOING)

    @property
    def is_overdue(self) -> bool:
        """Still open after its due date (in the school's time zone)."""
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


class ActionReminderSent(models.Model):
    action = models.ForeignKey(ActionPoint, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField()  # a new due date earns a new reminder
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "user", "due_date"], name="one_action_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.user_id}"


class Feedback(models.Model):
    """3xW feedback on a session: what went well, what could be better, what you take
    away. In an anonymous session `author` is empty and there is no timestamp."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey("planning.Session", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    went_well = models.TextField(_("what went well"), max_length=2000, blank=True)
    could_be_better = models.TextField(_("what could be better"), max_length=2000, blank=True)
    take_away = models.TextField(_("what do you take away"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("3xW feedback")
        verbose_name_plural = _("3xW feedback")

    def __str__(self) -> str:
        return f"feedback on {self.session_id}"


class FeedbackGiven(models.Model):
    session = models.ForeignKey("planning.Session", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_feedback_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.session_id}"


class ReflectionForm(models.TextChoices):
    FREE = "free", _("free reflection")
    STARRT = "starrt", _("STARR(T)")


class Reflection(models.Model):
    """Private to its author. Shared only by the author's explicit act, undoable."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    # The school it was written in, kept when its session is deleted: the audit entry of
    # a later share or delete is filed there.
    school = models.ForeignKey(
        "schools.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        "planning.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
    )
    form = models.CharField(
        _("form"), max_length=10, choices=ReflectionForm.choices, default=ReflectionForm.FREE
    )
    answers = models.JSONField(default=dict)  # field name -> text
    shared_with_group = models.BooleanField(default=False)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coached_reflections",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")

    def __str__(self) -> str:
        return f"reflection {self.pk}"

    def save(self, *args, **kwargs) -> None:
        # However it is made, it keeps the school of its session (readers rely on it).
        if self.school_id is None and self.session_id is not None:
            self.school_id = self.session.school_id
        super().save(*args, **kwargs)


class Instrument(models.TextChoices):
    SCAN = "scan", _("dialogue-quality check")
    SAFETY = "safety", _("team psychological safety")


class QualityResponse(models.Model):
    """One anonymous questionnaire: no author, no timestamp, a random key. `period` is
    coarse (a school term, e.g. "2026-2027/1") so that time cannot single anyone out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(
        "schools.Group", on_delete=models.CASCADE, related_name="quality_responses"
    )
    session = models.ForeignKey(
        "planning.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_responses",
    )
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    period = models.CharField(max_length=20)
    answers = models.JSONField(default=dict)  # item key -> score

    def __str__(self) -> str:
        return f"{self.instrument} {self.period}"


class QualityAnswered(models.Model):
    """Who has filled in which questionnaire: no link to the answers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("schools.Group", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        "planning.Session", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    period = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session", "instrument"],
                condition=models.Q(session__isnull=False),
                name="one_scan_per_session",
            ),
            models.UniqueConstraint(
                fields=["user", "group", "instrument", "period"],
                condition=models.Q(session__isnull=True),
                name="one_safety_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.instrument}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class Report(models.Model):
    """The session report (verslag): compiled from what the session produced, edited by
    the facilitator, published to the participants. `sections` is an ordered list of
    {"key", "title", "body"} in the session's language; Markdown, PDF and DOCX are
    rendered from it."""

    session = models.OneToOneField(
        "planning.Session", on_delete=models.CASCADE, related_name="report"
    )
    language = models.CharField(max_length=5, default="nl")
    sections = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"report of session {self.session_id}"


class ReportMailed(models.Model):
    """Who has been sent the link to a report: publishing it again after unpublishing
    mails only the participants who are not in here yet."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="one_report_mail_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.user_id}"
