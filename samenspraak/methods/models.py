"""Work forms (methods) with ordered phases, and conversation-card decks.

Built-ins (school is null) come from the data files in library/ and are read-only; a
school works on its own copies. Texts are kept in Dutch and English columns; a school's
copy is written in one language and keeps both columns the same.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samenspraak.methods.kinds import Family, Kind, Purpose


class Localized:
    """`obj.name` reads `name_en` in an English interface, `name_nl` otherwise (falling back
    to Dutch when the English text is empty)."""

    def __init__(self, base: str):
        self.base = base

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        language = (get_language() or "nl")[:2]
        value = getattr(obj, f"{self.base}_{language}", "")
        return value or getattr(obj, f"{self.base}_nl")


class MethodQuerySet(models.QuerySet["Method"]):
    def builtin(self):
        return self.filter(school__isnull=True, retired=False)

    def for_schools(self, school_ids):
        """Built-ins plus the copies of these schools: never another school's copy."""
        return self.filter(
            models.Q(school__isnull=True, retired=False) | models.Q(school_id__in=list(school_ids))
        )


class Method(models.Model):
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="methods"
    )
    slug = models.SlugField(max_length=80)
    family = models.CharField(_("family"), max_length=30, choices=Family.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    pdca = models.JSONField(_("place in Plan–Do–Check–Act"), default=list)
    min_people = models.PositiveSmallIntegerField(_("fewest people"), default=2)
    max_people = models.PositiveSmallIntegerField(_("most people"), default=12)
    roles = models.JSONField(_("roles"), default=list)
    series = models.CharField(max_length=40, blank=True)  # e.g. the Lesson Study templates
    series_position = models.PositiveSmallIntegerField(default=0)
    source_note = models.CharField(_("source"), max_length=200, blank=True)
    name_nl = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    summary_nl = models.TextField(_("how it goes"), max_length=4000)
    summary_en = models.TextField(_("how it goes (English)"), max_length=4000, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content_hash = models.CharField(max_length=64, blank=True)  # built-ins: of their data file
    retired = models.BooleanField(default=False)  # built-in whose data file was removed
    updated_at = models.DateTimeField(default=timezone.now)

    objects = MethodQuerySet.as_manager()

    name = Localized("name")
    summary = Localized("summary")

    class Meta:
        verbose_name = _("work form")
        verbose_name_plural = _("work forms")
        ordering = ["family", "series_position", "name_nl"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(school__isnull=True), name="unique_builtin_slug"
            ),
            models.UniqueConstraint(
                fields=["school", "slug"], name="unique_method_slug_per_school"
            ),
        ]

    def __str__(self) -> str:
        return self.name_nl

    @property
    def is_builtin(self) -> bool:
        return self.school_id is None

    @property
    def total_minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases.all())


class Phase(models.Model):
    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("interaction"), max_length=20, choices=Kind.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    settings = models.JSONField(default=dict)
    speaking = models.JSONField(default=list)  # MethodRole values who speak in this phase
    silent = models.JSONField(default=list)  # MethodRole values who stay silent
    produces = models.JSONField(default=list)  # Output values
    title_nl = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(max_length=120, blank=True)
    purpose_nl = models.TextField(_("what it is for"), max_length=1000, blank=True)
    purpose_en = models.TextField(max_length=1000, blank=True)
    guidance_nl = models.TextField(_("guidance for the facilitator"), max_length=3000, blank=True)
    guidance_en = models.TextField(max_length=3000, blank=True)
    prompts_nl = models.TextField(
        _("prompts for participants (one per line)"), max_length=3000, blank=True
    )
    prompts_en = models.TextField(max_length=3000, blank=True)

    title = Localized("title")
    purpose = Localized("purpose")
    guidance = Localized("guidance")
    prompts = Localized("prompts")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["method", "position"], name="unique_phase_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title_nl}"

    @property
    def prompt_list(self) -> list[str]:
        return prompt_lines(self.prompts)


def prompt_lines(text: str) -> list[str]:
    """A phase's prompts, one per line, blank lines left out (as the screens show them)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class CardKind(models.TextChoices):
    QUESTION = "question", _("question")
    STATEMENT = "statement", _("statement (agree / disagree)")


class CardDeck(models.Model):
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="card_decks"
    )
    slug = models.SlugField(max_length=80)
    name_nl = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(max_length=120, blank=True)
    description_nl = models.TextField(_("description"), max_length=2000, blank=True)
    description_en = models.TextField(max_length=2000, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    retired = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    name = Localized("name")
    description = Localized("description")

    class Meta:
        verbose_name = _("card deck")
        verbose_name_plural = _("card decks")
        ordering = ["name_nl"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(school__isnull=True),
                name="unique_builtin_deck_slug",
            ),
            models.UniqueConstraint(fields=["school", "slug"], name="unique_deck_slug_per_school"),
        ]

    def __str__(self) -> str:
        return self.name_nl

    @property
    def is_builtin(self) -> bool:
        return self.school_id is None


class Card(models.Model):
    deck = models.ForeignKey(CardDeck, on_delete=models.CASCADE, related_name="cards")
    position = models.PositiveIntegerField()
    kind = models.CharField(
        _("kind"), max_length=10, choices=CardKind.choices, default=CardKind.QUESTION
    )
    theme_nl = models.CharField(_("theme"), max_length=80)
    theme_en = models.CharField(max_length=80, blank=True)
    text_nl = models.CharField(_("text"), max_length=400)
    text_en = models.CharField(max_length=400, blank=True)

    theme = Localized("theme")
    text = Localized("text")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text_nl


class MethodSnapshot(models.Model):
    """A frozen copy of a work form as it was when attached to a session: later edits, or
    deleting the work form, change nothing in it."""

    method = models.ForeignKey(
        Method, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField()

    def __str__(self) -> str:
        return f"{self.data.get('name_nl', '?')} @ {self.taken_at:%Y-%m-%d %H:%M}"

    @property
    def total_minutes(self) -> int:
        return sum(phase["minutes"] for phase in self.data.get("phases", []))
