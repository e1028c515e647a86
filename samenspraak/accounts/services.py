"""Account writes: invitations, sign-in throttling, profile changes."""

import math

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samenspraak.accounts.models import Invitation, LoginFailure, User

DEMO_PASSWORD = "samenspraak-demo"  # noqa: S105  (documented demo password, refused in production)


def invitation_send(*, user: User, school, invited_by: User | None) -> Invitation:
    """Invite a person: the invitation now, its e-mail from the task queue after the
    transaction commits (a rolled-back invitation mails nobody; a mail server that is
    down fails the task, not the request). Only the invitation's id is queued: the task
    makes the link's token, so no usable secret waits in the queue. Until then the
    invitation's hash belongs to a token nobody has."""
    invitation, _unsent = Invitation.issue(user=user, school=school, invited_by=invited_by)
    invitation_id = invitation.pk

    def enqueue() -> None:
        from samenspraak.accounts.tasks import send_invitation

        send_invitation.enqueue(invitation_id=invitation_id)

    transaction.on_commit(enqueue)
    return invitation


def send_invitation_mail(*, user: User, school, token: str) -> None:
    """Render and send the invitation e-mail with its link. Called by the task only."""
    link = settings.SITE_URL + reverse("accounts:invitation", args=[token])
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "school": school,
            "link": link,
            "days": settings.INVITATION_VALID_DAYS,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


def login_cool_off_minutes(*, email: str, address: str) -> int:
    """Minutes until this e-mail + address may try again; 0 when it may try now."""
    key = LoginFailure.key_for(email, address)
    since = timezone.now() - settings.LOGIN_COOL_OFF
    recent = LoginFailure.objects.filter(key=key, at__gt=since).order_by("at")
    if recent.count() < settings.LOGIN_FAILURE_LIMIT:
        return 0
    oldest_counted = recent[recent.count() - settings.LOGIN_FAILURE_LIMIT].at
    remaining = oldest_counted + settings.LOGIN_COOL_OFF - timezone.now()
    return max(1, math.ceil(remaining.total_seconds() / 60))


def login_failed(*, email: str, address: str) -> None:
    key = LoginFailure.key_for(email, address)
    LoginFailure.objects.create(key=key)
    LoginFailure.objects.filter(at__lt=timezone.now() - settings.LOGIN_COOL_OFF).delete()


def login_succeeded(*, email: str, address: str) -> None:
    LoginFailure.objects.filter(key=LoginFailure.key_for(email, address)).delete()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, name: str, password: str) -> User:
    user = invitation.user
    user.name = name.strip()
    user.set_password(password)
    user.is_active = True
    user.save()
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    # Every other open link for this person stops working too.
    Invitation.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    return user


def invitation_mark_used(*, invitation: Invitation) -> None:
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])


def profile_update(*, user: User, name: str, language: str) -> None:
    user.name = name.strip()
    user.language = language
    user.save(update_fields=["name", "language"])
