"""System checks that refuse a production configuration that would be unsafe."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@register(Tags.security, deploy=True)
def production_configuration(app_configs, **kwargs):
    if not settings.PRODUCTION:
        return []
    problems = []
    if not settings.SECRET_KEY or len(settings.SECRET_KEY) < 50:
        problems.append(
            Error(
                "SAMENSPRAAK_SECRET_KEY is missing or shorter than 50 characters.",
                hint="Generate one: python -c 'import secrets; print(secrets.token_urlsafe(64))'",
                id="samenspraak.E001",
            )
        )
    public_hosts = [h for h in settings.ALLOWED_HOSTS if h not in LOCAL_HOSTS]
    if settings.DEBUG and public_hosts:
        problems.append(
            Error(
                "Debug mode is on while the app answers for public host names.",
                hint="Unset SAMENSPRAAK_DEBUG in production.",
                id="samenspraak.E002",
            )
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "SAMENSPRAAK_ALLOWED_HOSTS must list the host names the school uses.",
                id="samenspraak.E003",
            )
        )
    if settings.DEMO_LOGINS_ALLOWED:
        problems.append(
            Error(
                "Demo logins are allowed in production.",
                hint="Unset SAMENSPRAAK_DEMO_LOGINS.",
                id="samenspraak.E004",
            )
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        problems.append(
            Warning(
                "E-mail goes to the console: invitations and password resets reach nobody.",
                hint="Set SAMENSPRAAK_EMAIL_HOST (and user, password) for SMTP.",
                id="samenspraak.W001",
            )
        )
    if settings.SITE_URL.startswith("http://"):
        problems.append(
            Warning(
                "SAMENSPRAAK_SITE_URL does not use https: links in e-mails would be sent in clear.",
                id="samenspraak.W002",
            )
        )
    return problems
