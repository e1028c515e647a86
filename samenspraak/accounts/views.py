from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspraak.accounts import services
from samenspraak.accounts.forms import LanguageForm, LoginForm, ProfileForm, SetPasswordFields
from samenspraak.accounts.models import Invitation, User
from samenspraak.accounts.services import DEMO_PASSWORD


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after the form: `next` if it is a path on this site, else `fallback`.
    Only a path: `redirect` would try any other word as the name of a view."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.login_succeeded(email=form.cleaned_data["email"], address=form.address)
        login(request, form.user)
        return redirect(_safe_next(request, "core:overview"))
    status = 200 if request.method == "GET" or form.is_valid() else 400
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "demo_logins": _demo_logins(),
            "demo_password": DEMO_PASSWORD,
        },
        status=status,
    )


def _demo_logins() -> list[str]:
    """The demo accounts to point a newcomer at, where demo logins are allowed and loaded."""
    if not settings.DEMO_LOGINS_ALLOWED:
        return []
    from samenspraak.core.management.commands.load_demo import HEADLINE_LOGINS

    emails = [email for email, _roles in HEADLINE_LOGINS]
    return list(User.objects.filter(email__in=emails).values_list("email", flat=True))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


def invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.find_usable(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = invitation.user
    if user.has_usable_password():
        # Someone who already has an account (another school of the board) just signs in.
        services.invitation_mark_used(invitation=invitation)
        messages.success(
            request,
            _("You now also belong to %(school)s. Sign in with your own password.")
            % {"school": invitation.school.name},
        )
        return redirect("accounts:login")
    form = SetPasswordFields(user, request.POST or None, initial={"name": user.name})
    if request.method == "POST" and form.is_valid():
        user = services.invitation_accept(
            invitation=invitation,
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
        )
        login(request, user)
        messages.success(request, _("Welcome to Samenspraak, %(name)s.") % {"name": user.name})
        return redirect("core:overview")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invitation": invitation},
        status=status,
    )


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, initial={"name": user.name, "language": user.language})
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            user=user, name=form.cleaned_data["name"], language=form.cleaned_data["language"]
        )
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        messages.success(request, _("Your profile has been saved."))
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    response = redirect(_safe_next(request, "core:home"))
    if not form.is_valid():
        messages.error(request, _("That language is not available."))
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.profile_update(user=request.user, name=request.user.name, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response
