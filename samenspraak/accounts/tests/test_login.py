from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from samenspraak.accounts.models import LoginFailure, User
from samenspraak.accounts.services import DEMO_PASSWORD


def sign_in(client, email, password, address="10.0.0.7"):
    return client.post(
        reverse("accounts:login"), {"email": email, "password": password}, REMOTE_ADDR=address
    )


def test_root_leads_to_a_dutch_sign_in_page(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Inloggen" in html


def test_browser_language_does_not_override_dutch(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert '<html lang="nl">' in response.content.decode()


def test_teacher_signs_in_with_email_in_any_case(client, teacher):
    response = sign_in(client, "Docent@Linde.TEST", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:overview")


def test_wrong_password_gives_a_clear_message_and_no_session(client, teacher):
    response = sign_in(client, teacher.email, "not-the-password")
    assert response.status_code == 400
    assert "komen niet overeen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_person_cannot_sign_in(client, deactivated):
    response = sign_in(client, deactivated.email, PASSWORD)
    assert response.status_code == 400


def test_throttle_after_five_failures_per_email_and_address(client, teacher, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, teacher.email, "wrong-wrong-wrong")
    response = sign_in(client, teacher.email, PASSWORD)
    assert response.status_code == 400
    assert "Te veel mislukte pogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_is_per_user_not_per_address(client, teacher, facilitator, settings):
    """A whole school shares one address: one person's typos must not lock out the rest."""
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, teacher.email, "wrong-wrong-wrong", address="192.0.2.1")
    response = sign_in(client, facilitator.email, PASSWORD, address="192.0.2.1")
    assert response.status_code == 302


def test_throttle_cools_off_by_itself(client, teacher, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, teacher.email, "wrong-wrong-wrong")
    LoginFailure.objects.update(at=timezone.now() - settings.LOGIN_COOL_OFF - timedelta(seconds=1))
    response = sign_in(client, teacher.email, PASSWORD)
    assert response.status_code == 302


def test_successful_sign_in_clears_earlier_failures(client, teacher):
    sign_in(client, teacher.email, "wrong-wrong-wrong")
    sign_in(client, teacher.email, PASSWORD)
    assert not LoginFailure.objects.exists()


def test_failures_store_no_email_or_address(client, teacher):
    sign_in(client, teacher.email, "wrong-wrong-wrong", address="198.51.100.9")
    failure = LoginFailure.objects.get()
    assert teacher.email not in failure.key and "198.51.100.9" not in failure.key


def test_session_lasts_at_most_twelve_hours(client, teacher, settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    sign_in(client, teacher.email, PASSWORD)
    assert client.session.get_expiry_age() <= 12 * 3600


def test_demo_password_is_refused_when_demo_logins_are_off(client, db, settings):
    User.objects.create_user(email="demo@demo.test", name="Demo", password=DEMO_PASSWORD)
    settings.DEMO_LOGINS_ALLOWED = False
    response = sign_in(client, "demo@demo.test", DEMO_PASSWORD)
    assert response.status_code == 400
    assert "demowachtwoord" in response.content.decode()


def test_passwords_are_hashed_with_argon2id(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(email="a@b.test", name="A", password=PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$")


def test_next_parameter_cannot_send_people_elsewhere(client, teacher):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"email": teacher.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == reverse("core:overview")


@pytest.mark.parametrize("target", ["abc", "core:overview", "25:99", "99999999999999999999"])
def test_a_next_that_is_not_a_path_goes_to_the_overview(client, teacher, target):
    """Only a path is followed; `redirect` would look any other word up as a view name."""
    response = client.post(
        reverse("accounts:login"), {"email": teacher.email, "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == reverse("core:overview")


def test_logout_requires_post_and_ends_the_session(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:overview")).status_code == 302


@pytest.mark.parametrize(
    "password",
    ["kort-12345", "x" * 129, "password1234", "123456789012345"],
    ids=["too short", "too long", "common", "numeric"],
)
def test_weak_or_overlong_passwords_are_refused(password, db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password)


def test_huge_input_on_sign_in_is_refused_cleanly(client, db):
    response = sign_in(client, "a" * 5000 + "@x.test", "p" * 5000)
    assert response.status_code == 400


def test_login_page_points_newcomers_to_the_demo_accounts(client, db, settings):
    from django.core.management import call_command

    call_command("load_demo", stdout=__import__("io").StringIO())
    html = client.get(reverse("accounts:login")).content.decode()
    assert "docent@demo.test" in html and DEMO_PASSWORD in html
    settings.DEMO_LOGINS_ALLOWED = False
    html = client.get(reverse("accounts:login")).content.decode()
    assert "docent@demo.test" not in html and DEMO_PASSWORD not in html


def test_login_page_shows_no_demo_hint_without_a_demo_school(client, db):
    assert DEMO_PASSWORD not in client.get(reverse("accounts:login")).content.decode()
