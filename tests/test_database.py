"""The database the settings promise: PostgreSQL when DATABASE_URL is set, otherwise SQLite
in WAL mode with a busy timeout."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_backend_matches_the_configuration(db):
    if os.environ.get("DATABASE_URL"):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor == "sqlite"


def test_sqlite_settings_ask_for_wal_and_a_busy_timeout():
    if os.environ.get("DATABASE_URL"):
        return  # PostgreSQL run: nothing to check here
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5
    assert options["transaction_mode"] == "IMMEDIATE"


def test_sqlite_file_database_runs_in_wal_mode(tmp_path):
    """Tests use an in-memory database, so open a real file the way `make run` does."""
    if os.environ.get("DATABASE_URL"):
        return
    path = tmp_path / "wal.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAMENSPRAAK_SQLITE_PATH"] = str(path)
    code = "import django; django.setup(); from django.db import connection as c; c.connect()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT, timeout=60)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_postgresql_is_used_when_required(db):
    """In CI's PostgreSQL run this proves the suite really ran on PostgreSQL."""
    if not os.environ.get("DATABASE_URL"):
        return
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]
