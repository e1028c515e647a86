import re
from datetime import timedelta

from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from samenspraak.accounts.models import Invitation
from samenspraak.schools.models import Membership

NEW_PASSWORD = "een-lange-zin-als-wachtwoord"


def invite(client, admin, school, email="nieuw@linde.test"):
    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("schools:member_invite", args=[school.pk]),
            {"name": "Nieuwe Collega", "email": email, "roles": ["teacher"]},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return re.search(r"/invitation/([A-Za-z0-9_\-]+)/", mail.outbox[-1].body).group(1)


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
    new = re.search(r"/invitation/([A-Za-z0-9_\-]+)/", mail.outbox[-1].body).group(1)
    assert new != old
    assert client.get(reverse("accounts:invitation", args=[old])).status_code == 404
    assert client.get(reverse("accounts:invitation", args=[new])).status_code == 200


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
