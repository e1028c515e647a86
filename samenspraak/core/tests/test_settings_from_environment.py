"""settings.py reads the environment once, at start-up: check it in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def settings_under(**env: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SAMENSPRAAK_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'email': s.EMAIL_BACKEND, 'layer': s.CHANNEL_LAYERS['default'], "
        "'db': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'], "
        "'debug': s.DEBUG, 'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0)}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean | {"DJANGO_SETTINGS_MODULE": "samenspraak.settings"} | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_development_defaults_need_no_configuration():
    s = settings_under()
    assert s["email"].endswith("console.EmailBackend")
    assert s["layer"]["BACKEND"] == "samenspraak.live.layers.RoomChannelLayer"
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["debug"] is True


def test_smtp_is_used_when_a_mail_host_is_set():
    assert settings_under(SAMENSPRAAK_EMAIL_HOST="smtp.school.example")["email"].endswith(
        "smtp.EmailBackend"
    )


def test_redis_url_switches_layer_and_cache_with_socket_timeout_off():
    s = settings_under(REDIS_URL="redis://127.0.0.1:6379/3")
    assert s["layer"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    host = s["layer"]["CONFIG"]["hosts"][0]
    assert host["address"] == "redis://127.0.0.1:6379/3"
    assert host["socket_timeout"] is None
    assert host["max_connections"] >= 1000 and s["layer"]["CONFIG"]["capacity"] >= 1500
    assert s["cache"].endswith("RedisCache")


def test_database_url_switches_to_postgresql():
    s = settings_under(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    assert s["db"] == "django.db.backends.postgresql"


def test_production_turns_debug_off_and_hsts_on():
    s = settings_under(
        SAMENSPRAAK_ENV="production",
        SAMENSPRAAK_SECRET_KEY="x" * 64,
        SAMENSPRAAK_ALLOWED_HOSTS="samenspraak.school.example",
    )
    assert s["debug"] is False
    assert s["hsts"] >= 31536000


def test_a_malformed_boolean_stops_start_up_with_a_clear_message():
    import pytest

    with pytest.raises(subprocess.CalledProcessError) as error:
        settings_under(SAMENSPRAAK_DEBUG="misschien")
    assert "SAMENSPRAAK_DEBUG must be one of" in error.value.stderr
