import importlib
import json
import logging
import re
import smtplib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import run_queued_tasks
from samenspraak.accounts.models import Invitation
from samenspraak.accounts.tasks import send_invitation
from samenspraak.schools import services as schools
from samenspraak.schools.models import Membership, Role

NEW_PASSWORD = "een-lange-zin-als-wachtwoord"
LINK = re.compile(r"/invitation/([A-Za-z0-9_\-]+)/")


def post_invite(client, admin, school, email="nieuw@linde.test"):
    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("schools:member_invite", args=[school.pk]),
            {"name": "Nieuwe Collega", "email": email, "roles": ["teacher"]},
        )
    client.logout()
    return response


def invite(client, admin, school, email="nieuw@linde.test"):
    """Invite through the page, then let the task queue send the mail; returns the token."""
    response = post_invite(client, admin, school, email)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert run_queued_tasks("send_invitation") == [True]
    return LINK.search(mail.outbox[-1].body).group(1)


def test_invitation_mail_carries_a_128_bit_single_use_link(client, admin, school):
    token = invite(client, admin, school)
    assert len(token) >= 22  # 16 random bytes, base64url
    assert mail.outbox[-1].to == ["nieuw@linde.test"]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash  # only a hash is stored


def test_accepting_sets_password_signs_in_and_uses_up_the_link(client, admin, school):
    token = invite(client, admin, school)
    url = reverse("accounts:invitation", args=[token])
    response = client.post(
        url, {"name": "Nieuwe Collega", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.headers["Location"] == reverse("core:overview")
    assert client.get(reverse("core:overview")).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404  # single use
    assert client.login(username="nieuw@linde.test", password=NEW_PASSWORD)


def test_expired_invitation_is_refused(client, admin, school):
    token = invite(client, admin, school)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("accounts:invitation", args=[token]))
    assert response.status_code == 404


def test_forged_token_is_refused(client, db):
    assert client.get(reverse("accounts:invitation", args=["x" * 22])).status_code == 404
    assert client.get(reverse("accounts:invitation", args=["x" * 500])).status_code == 404


def test_weak_password_on_acceptance_changes_nothing(client, admin, school):
    token = invite(client, admin, school)
    url = reverse("accounts:invitation", args=[token])
    response = client.post(url, {"name": "N", "password1": "kort", "password2": "kort"})
    assert response.status_code == 400
    assert Invitation.objects.get().used_at is None
    user = Membership.objects.get(user__email="nieuw@linde.test").user
    assert not user.has_usable_password()


def test_reinvite_voids_the_old_link(client, admin, school):
    old = invite(client, admin, school)
    member = Membership.objects.get(user__email="nieuw@linde.test")
    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("schools:member_reinvite", args=[school.pk, member.pk]))
    client.logout()
    run_queued_tasks("send_invitation")
    new = LINK.search(mail.outbox[-1].body).group(1)
    assert new != old
    assert client.get(reverse("accounts:invitation", args=[old])).status_code == 404
    assert client.get(reverse("accounts:invitation", args=[new])).status_code == 200


# --- The invitation mail goes through the task queue ----------------------------------------


def member_status(client, school, email="nieuw@linde.test") -> str:
    page = client.get(reverse("schools:member_list", args=[school.pk])).content.decode()
    row = next(r for r in page.split("<tr>") if email in r)
    return re.findall(r"<td>([^<]*)</td>", row)[-1]


def test_the_admin_is_told_the_mail_is_queued_and_sees_when_it_has_gone(
    client, admin, school, english_pages
):
    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("schools:member_invite", args=[school.pk]),
            {"name": "Nieuwe Collega", "email": "nieuw@linde.test", "roles": ["teacher"]},
            follow=True,
        )
    html = response.content.decode()
    assert "The invitation e-mail is queued" in html and "invited by e-mail" not in html
    assert mail.outbox == []
    assert member_status(client, school) == "invited, e-mail queued"
    member = Membership.objects.get(user__email="nieuw@linde.test")
    edit = reverse("schools:member_edit", args=[school.pk, member.pk])
    assert "queued and has not been sent yet" in client.get(edit).content.decode()

    assert run_queued_tasks("send_invitation") == [True]
    assert Invitation.objects.get().sent_at is not None
    assert member_status(client, school) == "invited, e-mail sent"
    assert "The invitation e-mail was sent on" in client.get(edit).content.decode()

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("schools:member_reinvite", args=[school.pk, member.pk]), follow=True
        )
    html = response.content.decode()
    assert "A new invitation to nieuw@linde.test is queued" in html
    assert "queued and has not been sent yet" in html
    assert member_status(client, school) == "invited, e-mail queued"

    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert member_status(client, school) == "invited, invitation expired"


def test_invitations_mailed_before_sent_at_existed_get_it_from_the_task_results(
    client, admin, school
):
    migration = importlib.import_module("samenspraak.accounts.migrations.0003_invitation_sent_at")
    invite(client, admin, school)
    post_invite(client, admin, school, email="wacht@linde.test")  # still queued
    Invitation.objects.update(sent_at=None)
    migration.sent_from_the_task_results(django_apps, None)
    finished = queued_invitations().get(status="SUCCESSFUL").finished_at
    assert Invitation.objects.get(user__email="nieuw@linde.test").sent_at == finished
    assert Invitation.objects.get(user__email="wacht@linde.test").sent_at is None


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


BROKEN = "samenspraak.accounts.tests.test_invitation.BrokenMailServer"


def queued_invitations():
    return DBTaskResult.objects.filter(task_path__endswith=".send_invitation")


def everything_queued() -> str:
    """Every task row as text: arguments, result, traceback."""
    return json.dumps(list(DBTaskResult.objects.values()), default=str)


def test_the_request_only_queues_the_invitation_id_and_the_task_makes_the_token(
    client, admin, school
):
    assert post_invite(client, admin, school).status_code == 302
    assert mail.outbox == []  # nothing sent inside the request
    invitation = Invitation.objects.get()
    row = queued_invitations().get()
    assert row.args_kwargs == {"args": [], "kwargs": {"invitation_id": invitation.pk}}
    hash_before = invitation.token_hash

    assert run_queued_tasks("send_invitation") == [True]
    token = LINK.search(mail.outbox[-1].body).group(1)
    invitation.refresh_from_db()
    assert invitation.token_hash != hash_before and token not in invitation.token_hash
    assert Invitation.find_usable(token) == invitation
    assert token not in everything_queued()  # not in the arguments, nor in the result


def test_a_mail_server_that_is_down_is_logged_not_a_server_error(
    client, admin, school, settings, caplog
):
    settings.EMAIL_BACKEND = BROKEN
    assert post_invite(client, admin, school).status_code == 302
    invitation = Invitation.objects.get()
    hash_before = invitation.token_hash
    with caplog.at_level(logging.ERROR), pytest.raises(smtplib.SMTPException):
        send_invitation.call(invitation_id=invitation.pk)
    assert f"Invitation {invitation.pk} could not be mailed" in caplog.text
    assert "nieuw@linde.test" not in caplog.text
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_before  # the new token was rolled back
    assert invitation.sent_at is None  # and so was the moment of sending
    assert mail.outbox == []
    # The admin can simply invite again once the mail server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    member = Membership.objects.get(user__email="nieuw@linde.test")
    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("schools:member_reinvite", args=[school.pk, member.pk]))
    # The first task finds its invitation replaced; the second mails the new link.
    assert sorted(run_queued_tasks("send_invitation")) == [False, True]
    token = LINK.search(mail.outbox[-1].body).group(1)
    assert client.get(reverse("accounts:invitation", args=[token])).status_code == 200


def test_a_replaced_or_accepted_invitation_is_not_mailed(client, admin, school):
    assert post_invite(client, admin, school).status_code == 302
    first = Invitation.objects.get()
    member = Membership.objects.get(user__email="nieuw@linde.test")
    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("schools:member_reinvite", args=[school.pk, member.pk]))
    second = Invitation.objects.exclude(pk=first.pk).get()
    assert send_invitation.call(invitation_id=first.pk) is False  # replaced by the re-invite
    assert mail.outbox == []
    assert send_invitation.call(invitation_id=second.pk) is True
    token = LINK.search(mail.outbox[-1].body).group(1)
    client.logout()
    client.post(
        reverse("accounts:invitation", args=[token]),
        {"name": "Nieuwe Collega", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert send_invitation.call(invitation_id=second.pk) is False  # used
    assert send_invitation.call(invitation_id=987654) is False  # gone
    assert len(mail.outbox) == 1


def test_running_the_task_again_voids_the_link_it_sent_before(client, admin, school):
    old = invite(client, admin, school)
    assert send_invitation.call(invitation_id=Invitation.objects.get().pk) is True
    new = LINK.search(mail.outbox[-1].body).group(1)
    assert new != old
    assert client.get(reverse("accounts:invitation", args=[old])).status_code == 404
    assert client.get(reverse("accounts:invitation", args=[new])).status_code == 200


def test_the_link_is_valid_for_the_full_period_from_the_mail(client, admin, school, settings):
    assert post_invite(client, admin, school).status_code == 302
    Invitation.objects.update(expires_at=timezone.now() + timedelta(hours=1))  # it waited
    run_queued_tasks("send_invitation")
    left = Invitation.objects.get().expires_at - timezone.now()
    assert left > timedelta(days=settings.INVITATION_VALID_DAYS) - timedelta(minutes=1)


def test_a_rolled_back_invitation_queues_nothing(admin, school, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        schools.member_invite(
            school=school, by=admin, email="terug@linde.test", name="Terug", roles=[Role.TEACHER]
        )
        raise RuntimeError
    assert not queued_invitations().exists()


# The worker closes its database connection between tasks, as a real worker process does;
# only a transactional test survives that on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_invitation_and_records_a_failure(admin, school, settings, caplog):
    schools.member_invite(
        school=school, by=admin, email="werker@linde.test", name="Werker", roles=[Role.TEACHER]
    )
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    assert [m.to for m in mail.outbox] == [["werker@linde.test"]]
    assert queued_invitations().get().status == "SUCCESSFUL"

    settings.EMAIL_BACKEND = BROKEN
    schools.member_invite(
        school=school, by=admin, email="stuk@linde.test", name="Stuk", roles=[Role.TEACHER]
    )
    with caplog.at_level(logging.ERROR, logger="samenspraak.accounts.tasks"):
        call_command("db_worker", batch=True, interval=0, verbosity=0)
    failed = queued_invitations().get(status="FAILED")
    assert failed.exception_class_path.endswith("SMTPServerDisconnected")
    assert "could not be mailed" in caplog.text
    assert len(mail.outbox) == 1


def test_password_reset_mail_lets_a_teacher_choose_a_new_password(client, teacher):
    client.post(reverse("accounts:password_reset"), {"email": teacher.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password-reset/[^\s]+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.login(username=teacher.email, password=NEW_PASSWORD)


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "niemand@linde.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_signs_out_other_devices(client, teacher):
    from django.test import Client

    other_device = Client()
    other_device.force_login(teacher)
    client.force_login(teacher)
    from conftest import PASSWORD

    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert client.get(reverse("core:overview")).status_code == 200
    assert other_device.get(reverse("core:overview")).status_code == 302
