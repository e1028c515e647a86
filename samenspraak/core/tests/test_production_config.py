"""Production mode: safe headers, and system checks that refuse a bad configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "SAMENSPRAAK_ENV": "production",
    "SAMENSPRAAK_SECRET_KEY": "k" * 20 + "a-long-random-production-secret-key-0123456789",
    "SAMENSPRAAK_ALLOWED_HOSTS": "samenspraak.school.example",
    "SAMENSPRAAK_SITE_URL": "https://samenspraak.school.example",
    "SAMENSPRAAK_EMAIL_HOST": "smtp.school.example",
}


def deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMENSPRAAK_")}
    env.pop("DATABASE_URL", None)
    env.update(GOOD)
    env.update(overrides)
    for key in [k for k, v in overrides.items() if v is None]:
        env.pop(key)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={k: v for k, v in env.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_good_production_configuration_passes_check_deploy():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [
        ({"SAMENSPRAAK_SECRET_KEY": None}, "SAMENSPRAAK_SECRET_KEY must be set"),
        ({"SAMENSPRAAK_SECRET_KEY": "short"}, "samenspraak.E001"),
        ({"SAMENSPRAAK_DEBUG": "1"}, "samenspraak.E002"),
        ({"SAMENSPRAAK_ALLOWED_HOSTS": "*"}, "samenspraak.E003"),
        ({"SAMENSPRAAK_DEMO_LOGINS": "1"}, "samenspraak.E004"),
        ({"SAMENSPRAAK_EMAIL_HOST": None}, "samenspraak.W001"),
        ({"SAMENSPRAAK_SITE_URL": "http://samenspraak.school.example"}, "samenspraak.W002"),
    ],
    ids=[
        "no secret",
        "short secret",
        "debug on",
        "any host",
        "demo logins",
        "console mail",
        "http links",
    ],
)
def test_bad_production_configuration_is_refused(overrides, check_id):
    result = deploy_check(**overrides)
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get(reverse("accounts:login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client, teacher):
    client.force_login(teacher)
    for url in (reverse("accounts:login"), reverse("core:overview"), reverse("accounts:profile")):
        html = client.get(url).content.decode()
        for tag in html.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head, f"inline script on {url}"
        assert " on" + "click=" not in html


def test_static_files_are_self_hosted(client, teacher):
    client.force_login(teacher)
    html = client.get(reverse("core:overview")).content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_stylesheet_and_htmx_are_found_by_the_static_finders():
    from django.contrib.staticfiles import finders

    assert finders.find("samenspraak/app.css")
    assert finders.find("samenspraak/vendor/htmx.min.js")


def test_the_app_serves_its_own_static_files(client, db):
    response = client.get("/static/samenspraak/app.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)
