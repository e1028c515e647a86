from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Board(models.Model):
    """A school board (bestuur) with one or more schools; each school's data stays its own."""

    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, null=True, blank=True, related_name="schools"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Per-school retention (planning/retention.py): sessions older than this many years are
    # deleted with everything in them, every night; empty keeps everything.
    retention_years = models.PositiveSmallIntegerField(
        _("keep sessions for (years)"), null=True, blank=True
    )
    retention_swept_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("admin")
    SCHOOL_LEADER = "school_leader", _("school leader")
    TEAM_LEADER = "team_leader", _("team leader")
    FACILITATOR = "facilitator", _("facilitator/coach")
    TEACHER = "teacher", _("teacher")
    SUPPORT_STAFF = "support_staff", _("support staff")


class Membership(models.Model):
    """A person's place in one school, with one or more roles.

    Roles are six fixed booleans rather than a join table: the set comes from the product,
    each is queryable, and a form maps onto it directly."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    is_active = models.BooleanField(_("active"), default=True)
    is_admin = models.BooleanField(Role.ADMIN.label, default=False)
    is_school_leader = models.BooleanField(Role.SCHOOL_LEADER.label, default=False)
    is_team_leader = models.BooleanField(Role.TEAM_LEADER.label, default=False)
    is_facilitator = models.BooleanField(Role.FACILITATOR.label, default=False)
    is_teacher = models.BooleanField(Role.TEACHER.label, default=False)
    is_support_staff = models.BooleanField(Role.SUPPORT_STAFF.label, default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    ROLE_FIELDS = {
        Role.ADMIN: "is_admin",
        Role.SCHOOL_LEADER: "is_school_leader",
        Role.TEAM_LEADER: "is_team_leader",
        Role.FACILITATOR: "is_facilitator",
        Role.TEACHER: "is_teacher",
        Role.SUPPORT_STAFF: "is_support_staff",
    }

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="one_membership_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.school}"

    @property
    def roles(self) -> set[Role]:
        return {role for role, field in self.ROLE_FIELDS.items() if getattr(self, field)}

    def set_roles(self, roles) -> None:
        wanted = {Role(r) for r in roles}
        for role, field in self.ROLE_FIELDS.items():
            setattr(self, field, role in wanted)

    def role_labels(self) -> list[str]:
        return [str(role.label) for role in Role if role in self.roles]


class GroupKind(models.TextChoices):
    TEAM = "team", _("team")
    SECTION = "section", _("section")
    PLC = "plc", _("PLC")
    WORKING_GROUP = "working_group", _("working group")
    NETWORK = "network", _("network")


class Group(models.Model):
    """A group in which dialogues happen. A network may gather people from every school
    of the board of its home school; every other kind stays inside its school."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="GroupMember", related_name="dialogue_groups"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_group_name_per_school")
        ]

    def __str__(self) -> str:
        return self.name

    def eligible_schools(self) -> models.QuerySet[School]:
        if self.kind == GroupKind.NETWORK and self.school.board_id:
            return School.objects.filter(board_id=self.school.board_id)
        return School.objects.filter(pk=self.school_id)


class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_group_member_row")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"


class AmbitionStatus(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    ACTIVE = "active", _("under way")
    DONE = "done", _("completed")


class Ambition(models.Model):
    """A school ambition / development theme from the school plan."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="ambitions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    period_start = models.PositiveSmallIntegerField(_("school plan from (year)"))
    period_end = models.PositiveSmallIntegerField(_("school plan until (year)"))
    status = models.CharField(
        _("status"), max_length=10, choices=AmbitionStatus.choices, default=AmbitionStatus.ACTIVE
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="ambitions", verbose_name=_("groups working on it")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ambition")
        verbose_name_plural = _("ambitions")
        ordering = ["period_start", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError(
                {"period_end": _("The end year cannot lie before the start year.")}
            )
