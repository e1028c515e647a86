"""Shared fixtures: one persona per kind of person the product knows.

Personas: admin (beheerder), leader (schoolleider), facilitator (gespreksleider), teacher
(docent), support (medewerker), outsider (a teacher of another school), deactivated (a
teacher whose membership was switched off), and anonymous (no fixture: the plain client).
"""

import os

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from samenspraak.accounts.models import User
from samenspraak.schools.models import Ambition, Group, GroupMember, Membership, School

PASSWORD = "correct-horse-battery-staple"


def require(available: bool, reason: str) -> None:
    """Skip a test whose tool or service is missing, with a clear reason; fail instead
    when SAMENSPRAAK_REQUIRE_ALL=1 (CI), so nothing is silently skipped there."""
    if available:
        return
    if os.environ.get("SAMENSPRAAK_REQUIRE_ALL") == "1":
        pytest.fail(f"required by SAMENSPRAAK_REQUIRE_ALL=1 but unavailable: {reason}")
    pytest.skip(reason)


def close_download(response) -> None:
    """A file download holds its file open until read to the end. Read it through the
    test client's wrapper, which then closes it without closing the test's database
    connection (a bare `response.close()` would, on PostgreSQL)."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def run_queued_tasks(name: str) -> list:
    """Run the queued background tasks called `name` that are due, here and now, as
    `manage.py db_worker` would, and mark them done, or failed with the exception they
    raised; returns their results (the exception, for a failed one). (The real worker
    closes the database connection between tasks, which only a transactional test
    survives; see the reminder tests for that.)"""
    from django_tasks_db.models import DBTaskResult

    results = []
    for row in DBTaskResult.objects.ready().filter(task_path__endswith=f".{name}"):
        try:
            value = row.task.call(*row.task_result.args, **row.task_result.kwargs)
        except Exception as error:  # the worker marks any failure, as here
            row.set_failed(error)
            results.append(error)
            continue
        row.set_successful(value)
        results.append(value)
    return results


def pdf_available() -> bool:
    """WeasyPrint loads the Pango system library when imported."""
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


@pytest.fixture
def needs_pdf():
    require(pdf_available(), "WeasyPrint cannot load Pango (apt-get install libpango-1.0-0)")


def clear_cache(cache) -> None:
    """Empty `cache`. A Redis cache drops only the keys it wrote: its own `clear()` is a
    FLUSHDB, which would also take the channel layer's groups and queues of everything
    else on that Redis database (a dev server, a second test run) with it."""
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=cache.make_key("*", version="*"), count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clear_cache():
    clear_cache(caches["default"])


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is deliberately slow; tests of hashing itself override this back.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_person(school: School, email: str, name: str, *, active: bool = True, **roles) -> User:
    user = User.objects.create_user(email=email, name=name, password=PASSWORD)
    Membership.objects.create(user=user, school=school, is_active=active, **roles)
    if not active:
        user.is_active = False
        user.save()
    return user


@pytest.fixture
def school(db) -> School:
    return School.objects.create(name="Stedelijk Lyceum De Linde")


@pytest.fixture
def other_school(db) -> School:
    return School.objects.create(name="Het Noorderlicht College")


@pytest.fixture
def admin(school) -> User:
    return make_person(school, "beheerder@linde.test", "Anouk Beheer", is_admin=True)


@pytest.fixture
def leader(school) -> User:
    return make_person(school, "leider@linde.test", "Marco Leidsman", is_school_leader=True)


@pytest.fixture
def facilitator(school) -> User:
    return make_person(
        school,
        "gespreksleider@linde.test",
        "Fatima El Amrani",
        is_facilitator=True,
        is_teacher=True,
    )


@pytest.fixture
def teacher(school) -> User:
    return make_person(school, "docent@linde.test", "Daan de Vries", is_teacher=True)


@pytest.fixture
def support(school) -> User:
    return make_person(school, "medewerker@linde.test", "Sanne Bakker", is_support_staff=True)


@pytest.fixture
def outsider(other_school) -> User:
    return make_person(other_school, "docent@noorderlicht.test", "Joris Buiten", is_teacher=True)


@pytest.fixture
def deactivated(school) -> User:
    return make_person(school, "oud@linde.test", "Els Vertrokken", active=False, is_teacher=True)


@pytest.fixture
def group(school, teacher, facilitator) -> Group:
    group = Group.objects.create(school=school, name="Sectie Nederlands", kind="section")
    GroupMember.objects.create(group=group, user=teacher)
    GroupMember.objects.create(group=group, user=facilitator)
    return group


@pytest.fixture
def other_group(other_school, outsider) -> Group:
    group = Group.objects.create(school=other_school, name="PLG Lezen", kind="plc")
    GroupMember.objects.create(group=group, user=outsider)
    return group


@pytest.fixture
def ambition(school, group) -> Ambition:
    ambition = Ambition.objects.create(
        school=school, title="Leesvaardigheid omhoog", period_start=2024, period_end=2028
    )
    ambition.groups.add(group)
    return ambition


@pytest.fixture
def personas(admin, leader, facilitator, teacher, support, outsider, deactivated) -> dict:
    return {
        "admin": admin,
        "leader": leader,
        "facilitator": facilitator,
        "teacher": teacher,
        "support": support,
        "outsider": outsider,
        "deactivated": deactivated,
        "anonymous": None,
    }


@pytest.fixture
def english_pages(settings, monkeypatch):
    """Pages in English for tests that read English text: the middleware then ignores
    the people's saved language (Dutch by default) and falls back to English."""
    monkeypatch.setattr("samenspraak.accounts.middleware.SUPPORTED", {"en"})
    settings.LANGUAGE_CODE = "en"
