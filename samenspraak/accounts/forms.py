from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

from samenspraak.accounts.models import User
from samenspraak.accounts.services import DEMO_PASSWORD, login_cool_off_minutes, login_failed


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    @property
    def address(self) -> str:
        return self.request.META.get("REMOTE_ADDR", "")

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if not email or not password:
            return cleaned
        wait = login_cool_off_minutes(email=email, address=self.address)
        if wait:
            raise forms.ValidationError(
                _(
                    "Too many failed attempts for this e-mail address. "
                    "Try again in %(minutes)d minutes, or reset your password."
                ),
                code="throttled",
                params={"minutes": wait},
            )
        if not settings.DEMO_LOGINS_ALLOWED and password == DEMO_PASSWORD:
            login_failed(email=email, address=self.address)
            raise forms.ValidationError(
                _("The demo password cannot be used on this server."), code="demo_password"
            )
        self.user = authenticate(self.request, username=email, password=password)
        if self.user is None:
            login_failed(email=email, address=self.address)
            raise forms.ValidationError(
                _("This e-mail address and password do not match an active account."),
                code="invalid_login",
            )
        return cleaned


class SetPasswordFields(forms.Form):
    """Name plus a new password, typed twice; used when accepting an invitation."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, at most 128; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=500)
