from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Refuses passwords longer than 128 characters (Argon2 cost grows with length)."""

    max_length = 128

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long: use at most %(max)d characters."),
                code="password_too_long",
                params={"max": self.max_length},
            )
        from samenspraak.accounts.services import DEMO_PASSWORD

        if not settings.DEMO_LOGINS_ALLOWED and password == DEMO_PASSWORD:
            raise ValidationError(
                _("The demo password cannot be used on this server."), code="demo_password"
            )

    def get_help_text(self) -> str:
        return _("Your password can be at most %(max)d characters.") % {"max": self.max_length}
