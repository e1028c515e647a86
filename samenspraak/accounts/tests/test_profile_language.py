import pytest
from django.urls import reverse


def test_teacher_saves_english_and_gets_english_pages(client, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("accounts:profile"), {"name": "Daan de Vries", "language": "en"}, follow=True
    )
    teacher.refresh_from_db()
    assert teacher.language == "en"
    assert '<html lang="en">' in response.content.decode()
    assert "Your profile" in response.content.decode()


def test_language_follows_the_person_to_a_new_device(client, teacher):
    teacher.language = "en"
    teacher.save()
    client.force_login(teacher)
    assert '<html lang="en">' in client.get(reverse("core:overview")).content.decode()


def test_anonymous_language_switch_sets_a_cookie(client, db):
    response = client.post(
        reverse("accounts:language"), {"language": "en", "next": reverse("accounts:login")}
    )
    assert response.headers["Location"] == reverse("accounts:login")
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page


@pytest.mark.parametrize("target", ["abc", "accounts:login", "2026-02-30T25:99", "-1"])
def test_a_next_that_is_not_a_path_goes_home_and_still_switches(client, teacher, target):
    client.force_login(teacher)
    response = client.post(reverse("accounts:language"), {"language": "en", "next": target})
    assert response.headers["Location"] == reverse("core:home")
    teacher.refresh_from_db()
    assert teacher.language == "en"


def test_unknown_language_is_refused_and_changes_nothing(client, teacher):
    client.force_login(teacher)
    client.post(reverse("accounts:language"), {"language": "xx"})
    teacher.refresh_from_db()
    assert teacher.language == "nl"


def test_profile_rejects_an_overlong_name(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("accounts:profile"), {"name": "x" * 10_000, "language": "nl"})
    assert response.status_code == 400
    teacher.refresh_from_db()
    assert teacher.name == "Daan de Vries"
