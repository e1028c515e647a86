import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, name: str, password: str | None = None, **extra) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), name=name, **extra)
        user.set_password(password)  # None gives an unusable password (invited, not joined)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person. The e-mail address is the login; schools are reached via memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Bumped to end every signed-in session of this person at once (deactivation, reset).
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    date_joined = models.DateTimeField(default=timezone.now, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    def get_session_auth_hash(self) -> str:
        # Django compares this on every request: changing the generation signs out
        # every session of this person, on every device, immediately.
        key_salt = "samenspraak.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt,
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    def end_all_sessions(self) -> None:
        User.objects.filter(pk=self.pk).update(
            session_generation=models.F("session_generation") + 1
        )
        self.refresh_from_db(fields=["session_generation"])


class LoginFailure(models.Model):
    """One failed sign-in, keyed by a hash of (e-mail, address) — never by address alone,
    because a whole school signs in from one address."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:8]} @ {self.at:%Y-%m-%d %H:%M}"

    @staticmethod
    def key_for(email: str, address: str) -> str:
        return hashlib.sha256(f"{email.strip().lower()}|{address}".encode()).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link() -> tuple[str, dict]:
    """A fresh 128-bit token and the fields that store it: its hash and its expiry."""
    token = secrets.token_urlsafe(16)  # 16 bytes = 128 bits
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    return token, {"token_hash": _token_hash(token), "expires_at": expires_at}


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring e-mail link that lets an invited person set a password.

    Only a hash of the 128-bit token is stored: a database leak yields no usable link.
    The token that goes out by e-mail is made by the mail task itself (`new_token()` in
    `accounts.tasks.send_invitation`), so it is never stored anywhere, not even in the
    task queue."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # When the task last mailed the link; empty while the e-mail waits in the queue.
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"invitation for {self.user_id} to {self.school_id}"

    @classmethod
    def issue(cls, *, user: User, school, invited_by: User | None) -> tuple["Invitation", str]:
        token, fields = _new_link()
        invitation = cls.objects.create(user=user, school=school, invited_by=invited_by, **fields)
        return invitation, token

    def new_token(self) -> str:
        """A fresh token for the link, valid for the full period from now; the previous
        token stops working. Saves only its hash."""
        token, fields = _new_link()
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=list(fields))
        return token

    @classmethod
    def find_usable(cls, token: str) -> "Invitation | None":
        if not token or len(token) > 64:
            return None
        return (
            cls.objects.usable()
            .select_related("user", "school")
            .filter(token_hash=_token_hash(token))
            .first()
        )
