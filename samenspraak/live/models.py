"""The live room of a session: its running state, who is in it, and what it produced.

Trust rules (PRODUCT.md) shape these tables:
- An anonymous contribution has no author field, no timestamp and a random key, so
  nothing in the row (not even its place in an id sequence) ties it to a person.
- Talk time is kept per participant only while the room is open; when it ends only the
  distribution (shares, without names) is kept.
- Every accepted action raises `Room.seq`; clients apply events in that order and ask for
  the full state when they see a gap.
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class RoomStatus(models.TextChoices):
    WAITING = "waiting"  # open for joining; ground rules shown
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class Room(models.Model):
    session = models.OneToOneField(
        "planning.Session", on_delete=models.CASCADE, related_name="room"
    )
    status = models.CharField(max_length=10, choices=RoomStatus.choices, default=RoomStatus.WAITING)
    phase_index = models.IntegerField(default=-1)  # -1: before the first phase (ground rules)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)  # paused time within this phase
    extra_seconds = models.IntegerField(default=0)  # extensions of this phase
    revealed = models.JSONField(default=list)  # phase indexes whose notes are shown
    speaking = models.JSONField(default=dict)  # per phase: order, done, passed, queue, …
    positions = models.JSONField(default=dict)  # per phase: participant id -> position
    dilemmas = models.JSONField(default=dict)  # per phase: {"question", "a", "b"} it polls
    polls = models.JSONField(default=list)  # earlier polls in a phase: dilemma and counts only
    talk_time = models.JSONField(default=dict)  # participant id -> seconds (while open)
    talk_distribution = models.JSONField(default=list)  # after the end: shares, no names
    dots = models.JSONField(default=dict)  # per phase: participant id -> {target: n} (while open)
    dot_totals = models.JSONField(default=dict)  # per phase: target -> dots (kept)
    cards = models.JSONField(default=dict)  # {"drawn": {deck: [card ids]}, "shown": {phase: [...]}}
    groups = models.JSONField(default=dict)  # per phase: {"groups": [[ids]], "switched": bool}
    tables = models.JSONField(default=dict)  # per phase: {"schedule", "round", "hosts"}
    seq = models.BigIntegerField(default=0)
    guests_allowed = models.BooleanField(default=False)
    opened_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"room of session {self.session_id}"

    def running_seconds(self, now=None) -> float | None:
        """How long the current phase has run, pauses left out (None before the first)."""
        if self.phase_started_at is None:
            return None
        until = self.paused_at or now or timezone.now()
        return (until - self.phase_started_at).total_seconds() - self.paused_seconds


class Participant(models.Model):
    """Someone in the room: a signed-in member of staff, or a guest known by name only."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    guest_name = models.CharField(max_length=60, blank=True)
    guest_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    roles = models.JSONField(default=list)  # MethodRole values assigned by the facilitator
    # Opened the console (a planner who is not the session's facilitator): leads the room
    # from then on, like the facilitator, so is in no round, pair, table or equal share.
    on_console = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["room", "user"],
                condition=models.Q(user__isnull=False),
                name="one_seat_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.name if self.user_id else self.guest_name

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class Contribution(models.Model):
    """A note written in a phase. Named: `author` is set. Anonymous: no author, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="contributions")
    phase_index = models.IntegerField()
    text = models.CharField(max_length=1000)
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cluster = models.ForeignKey(
        "Cluster", on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    created_at = models.DateTimeField(null=True, blank=True)  # named notes only
    table = models.PositiveSmallIntegerField(null=True, blank=True)  # tables phases: 0-based
    table_round = models.PositiveSmallIntegerField(null=True, blank=True)
    # 3xW feedback: which of the phase's questions (prompts, 0-based) the note answers.
    prompt = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.text[:40]


class WithdrawnNote(models.Model):
    """The key of a note its author took back before the room saw it (the note's row is
    gone): a replay of the action that wrote it finds this and writes nothing. The key is
    the note's own (see engine.note_id()); no author, no time."""

    id = models.UUIDField(primary_key=True, editable=False)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return str(self.id)


class Cluster(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="clusters")
    phase_index = models.IntegerField()
    title = models.CharField(max_length=120)

    def __str__(self) -> str:
        return self.title


class ClientAction(models.Model):
    """An action a client sent, remembered by its id so that a replay is recognised,
    answered with the original outcome, and changes nothing."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    client_id = models.UUIDField()
    seq = models.BigIntegerField()  # the room seq after the action

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "client_id"], name="one_action_per_client_id"
            )
        ]

    def __str__(self) -> str:
        return str(self.client_id)
