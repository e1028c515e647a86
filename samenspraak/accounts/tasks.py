"""Background tasks (django-tasks, stored in the database): the invitation e-mail."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_invitation(*, invitation_id: int) -> bool:
    """Mail the link of an invitation that is still usable. Returns whether a mail went out.

    The token is made here, in the same transaction that saves its hash and sends the
    mail, so the raw token exists only in the e-mail: not in the database, not in the
    queued task's arguments nor in its result. Each run makes a new token and voids the
    one before, so the link that counts is always the last one mailed. Nothing is sent for
    an invitation that was used, replaced by a newer one (re-invite voids the old ones),
    expired while it waited, or deleted.

    `sent_at` records the sending, for the member pages. A mail that cannot be sent is
    logged (without address or token) and rolls the new token and `sent_at` back; the
    task is then marked failed and the admin can invite again."""
    from samenspraak.accounts.models import Invitation
    from samenspraak.accounts.services import send_invitation_mail

    try:
        with transaction.atomic():
            invitation = (
                Invitation.objects.usable()
                .select_for_update(of=("self",))
                .select_related("user", "school")
                .filter(pk=invitation_id)
                .first()
            )
            if invitation is None:
                logger.info("Invitation %s is no longer usable: no mail sent", invitation_id)
                return False
            token = invitation.new_token()
            invitation.sent_at = timezone.now()  # rolled back with the token if sending fails
            invitation.save(update_fields=["sent_at"])
            send_invitation_mail(user=invitation.user, school=invitation.school, token=token)
    except Exception:
        logger.exception("Invitation %s could not be mailed", invitation_id)
        raise
    return True
