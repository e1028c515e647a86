"""Every URL pattern crossed with every persona.

A row per URL name: the HTTP method and what each persona gets. A new URL pattern without
a row fails `test_every_url_pattern_has_a_row`, so access is always decided on purpose.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import close_download
from samenspraak.accounts.models import Invitation, User
from samenspraak.schools.models import Membership

OK, LOGIN, HIDDEN, REDIRECT = "ok", "login", "hidden", "redirect"
PERSONAS = [
    "admin",
    "leader",
    "facilitator",
    "teacher",
    "support",
    "outsider",
    "deactivated",
    "anonymous",
]
SIGNED_OUT = {"anonymous": LOGIN, "deactivated": LOGIN}
STAFF_OF_SCHOOL = {"admin", "leader", "facilitator", "teacher", "support"}


@dataclass
class Row:
    kwargs: tuple[str, ...] = ()
    method: str = "get"
    default: str = OK
    expect: dict[str, str] = field(default_factory=dict)

    def for_persona(self, persona: str) -> str:
        return self.expect.get(persona, self.default)

    def url(self, name: str, values: dict) -> str:
        """`kwargs` entries are URL keyword names, or "name:fixture-key" when the value
        comes from a differently named fixture value."""
        pairs = [entry.partition(":")[::2] for entry in self.kwargs]
        return reverse(name, kwargs={kw: values[key or kw] for kw, key in pairs})


def only(*allowed: str, default_ok: str = OK) -> dict[str, str]:
    """Signed-in personas not named get the same 404 as for a missing object."""
    table = {p: (default_ok if p in allowed else HIDDEN) for p in PERSONAS}
    table.update(SIGNED_OUT)
    return table


SIGNED_IN = only(*PERSONAS)
SCHOOL_MEMBERS = only(*STAFF_OF_SCHOOL)
ADMIN_ONLY = only("admin")
# Who may adapt work forms and manage card decks (samenspraak/methods/access.py).
ADAPTERS = only("admin", "leader", "facilitator")
ADAPTERS_REDIRECT = only("admin", "leader", "facilitator", default_ok=REDIRECT)
# Planners of dialogues (samenspraak/planning/access.py); the session's group holds the
# teacher and the facilitator, who is also its facilitator.
PLANNERS = only("admin", "leader", "facilitator")
PLANNERS_REDIRECT = only("admin", "leader", "facilitator", default_ok=REDIRECT)
SESSION_VIEWERS = only("admin", "leader", "facilitator", "teacher")

TABLE: dict[str, Row] = {
    "core:home": Row(default=REDIRECT),
    "core:overview": Row(expect=SIGNED_IN),
    "core:healthz": Row(),
    "core:favicon": Row(default=REDIRECT),
    "accounts:login": Row(
        expect={p: REDIRECT for p in PERSONAS} | {"anonymous": OK, "deactivated": OK}
    ),
    "accounts:logout": Row(method="post", default=REDIRECT),
    "accounts:invitation": Row(kwargs=("token",)),
    "accounts:profile": Row(expect=SIGNED_IN),
    "accounts:language": Row(method="post", default=REDIRECT),
    "accounts:password_change": Row(expect=SIGNED_IN),
    "accounts:password_change_done": Row(expect=SIGNED_IN),
    "accounts:password_reset": Row(),
    "accounts:password_reset_done": Row(),
    "accounts:password_reset_confirm": Row(kwargs=("uidb64", "token:reset_token")),
    "accounts:password_reset_complete": Row(),
    "schools:member_list": Row(kwargs=("school_id",), expect=ADMIN_ONLY),
    "schools:member_invite": Row(kwargs=("school_id",), expect=ADMIN_ONLY),
    "schools:member_import": Row(kwargs=("school_id",), expect=ADMIN_ONLY),
    "schools:member_edit": Row(kwargs=("school_id", "membership_id"), expect=ADMIN_ONLY),
    "schools:member_deactivate": Row(
        kwargs=("school_id", "membership_id"),
        method="post",
        expect=only("admin", default_ok=REDIRECT),
    ),
    "schools:member_reactivate": Row(
        kwargs=("school_id", "membership_id"),
        method="post",
        expect=only("admin", default_ok=REDIRECT),
    ),
    "schools:member_reinvite": Row(
        kwargs=("school_id", "membership_id"),
        method="post",
        expect=only("admin", default_ok=REDIRECT),
    ),
    "schools:group_list": Row(kwargs=("school_id",), expect=SCHOOL_MEMBERS),
    "schools:group_create": Row(kwargs=("school_id",), expect=ADMIN_ONLY),
    # The group's members are the teacher and the facilitator; leaders see every group.
    "schools:group_detail": Row(
        kwargs=("group_id",), expect=only("admin", "leader", "facilitator", "teacher")
    ),
    "schools:group_edit": Row(kwargs=("group_id",), expect=ADMIN_ONLY),
    "schools:group_members": Row(kwargs=("group_id",), expect=ADMIN_ONLY),
    "schools:ambition_list": Row(kwargs=("school_id",), expect=SCHOOL_MEMBERS),
    "schools:ambition_create": Row(kwargs=("school_id",), expect=only("admin", "leader")),
    "schools:ambition_detail": Row(kwargs=("ambition_id",), expect=SCHOOL_MEMBERS),
    "schools:ambition_edit": Row(kwargs=("ambition_id",), expect=only("admin", "leader")),
    "methods:method_list": Row(expect=SIGNED_IN),
    # The method and deck rows use the school's own copy; built-ins are open to every
    # signed-in person (samenspraak/methods/tests).
    "methods:method_detail": Row(kwargs=("method_id",), expect=SCHOOL_MEMBERS),
    "methods:method_card": Row(kwargs=("method_id",), expect=SCHOOL_MEMBERS),
    "methods:method_card_pdf": Row(kwargs=("method_id",), expect=SCHOOL_MEMBERS),
    "methods:method_copy": Row(kwargs=("method_id",), method="post", expect=ADAPTERS_REDIRECT),
    "methods:method_edit": Row(kwargs=("method_id",), expect=ADAPTERS),
    "methods:method_delete": Row(kwargs=("method_id",), method="post", expect=ADAPTERS_REDIRECT),
    "methods:phase_add": Row(kwargs=("method_id",), method="post", expect=ADAPTERS_REDIRECT),
    "methods:phase_edit": Row(kwargs=("method_id", "phase_id"), expect=ADAPTERS),
    "methods:phase_move": Row(
        kwargs=("method_id", "phase_id"), method="post", expect=ADAPTERS_REDIRECT
    ),
    "methods:phase_delete": Row(
        kwargs=("method_id", "phase_id"), method="post", expect=ADAPTERS_REDIRECT
    ),
    "methods:deck_list": Row(expect=SIGNED_IN),
    "methods:deck_detail": Row(kwargs=("deck_id",), expect=SCHOOL_MEMBERS),
    "methods:deck_import": Row(kwargs=("deck_id",), expect=ADAPTERS),
    "methods:card_delete": Row(
        kwargs=("deck_id", "card_id"), method="post", expect=ADAPTERS_REDIRECT
    ),
    "planning:my_sessions": Row(expect=SIGNED_IN),
    "planning:session_create": Row(expect=PLANNERS),
    "planning:session_detail": Row(kwargs=("session_id",), expect=SESSION_VIEWERS),
    "planning:session_edit": Row(kwargs=("session_id",), expect=PLANNERS),
    "planning:session_cancel": Row(kwargs=("session_id",), method="post", expect=PLANNERS_REDIRECT),
    "planning:session_method": Row(kwargs=("session_id",), expect=PLANNERS),
    # Only participants prepare: planners who do not take part cannot.
    "planning:session_prepare": Row(kwargs=("session_id",), expect=only("facilitator", "teacher")),
    "planning:session_ics": Row(kwargs=("session_id",), expect=SESSION_VIEWERS),
    "planning:evidence_add": Row(kwargs=("session_id",), expect=PLANNERS),
    "planning:evidence_detail": Row(kwargs=("evidence_id",), expect=SESSION_VIEWERS),
    "planning:evidence_download": Row(kwargs=("evidence_id",), expect=SESSION_VIEWERS),
    "planning:evidence_delete": Row(
        kwargs=("evidence_id",), method="post", expect=PLANNERS_REDIRECT
    ),
    "planning:cycle_create": Row(expect=PLANNERS),
    "planning:cycle_detail": Row(kwargs=("cycle_id",), expect=SESSION_VIEWERS),
    "planning:cycle_edit": Row(kwargs=("cycle_id",), expect=PLANNERS),
    "planning:school_plan": Row(kwargs=("school_id",), expect=PLANNERS),
    "planning:ground_rules": Row(kwargs=("school_id",), expect=ADMIN_ONLY),
    "planning:holidays": Row(kwargs=("school_id",), expect=ADMIN_ONLY),
    "planning:retention": Row(kwargs=("school_id",), expect=ADMIN_ONLY),
    "planning:calendar_settings": Row(expect=SIGNED_IN),
    # The feed has no sign-in: its secret address is the key (the teacher's feed here).
    "planning:calendar_feed": Row(kwargs=("token:feed_token",)),
    "live:join": Row(),
    # Staff who may see the session go on to its room; a room without guests sends
    # anyone not signed in to the sign-in page.
    "live:join_code": Row(
        kwargs=("code",),
        expect=only("admin", "leader", "facilitator", "teacher", default_ok=REDIRECT),
    ),
    "live:participant": Row(kwargs=("session_id",), expect=SESSION_VIEWERS),
    "live:guest_room": Row(kwargs=("session_id",), default=HIDDEN),
    "live:console": Row(kwargs=("session_id",), expect=PLANNERS),
    "live:projector": Row(kwargs=("session_id",), expect=PLANNERS),
    # Quality check: participants answer, members fill in the safety scale, members and
    # planners see the suppressed results; leaders (not facilitators) the leadership view.
    "quality:scan": Row(kwargs=("session_id",), expect=only("facilitator", "teacher")),
    "quality:safety": Row(kwargs=("group_id",), expect=only("facilitator", "teacher")),
    "quality:results": Row(kwargs=("group_id",), expect=SESSION_VIEWERS),
    "leadership:overview": Row(kwargs=("school_id",), expect=only("admin", "leader")),
    # Reports: the session's facilitator and planners; participants once published (the
    # session here has a draft only). Portfolios: the group's members and planners.
    "reports:report_detail": Row(kwargs=("session_id",), expect=PLANNERS),
    "reports:report_edit": Row(kwargs=("session_id",), expect=PLANNERS),
    "reports:report_recompile": Row(
        kwargs=("session_id",), method="post", expect=PLANNERS_REDIRECT
    ),
    "reports:report_publish": Row(kwargs=("session_id",), method="post", expect=PLANNERS_REDIRECT),
    "reports:report_unpublish": Row(
        kwargs=("session_id",), method="post", expect=PLANNERS_REDIRECT
    ),
    "reports:report_markdown": Row(kwargs=("session_id",), expect=PLANNERS),
    "reports:report_docx": Row(kwargs=("session_id",), expect=PLANNERS),
    "reports:report_pdf": Row(kwargs=("session_id",), expect=PLANNERS),
    "reports:group_portfolio": Row(kwargs=("group_id",), expect=SESSION_VIEWERS),
    "reports:group_portfolio_pdf": Row(kwargs=("group_id",), expect=SESSION_VIEWERS),
    "reports:my_portfolio": Row(expect=SIGNED_IN),
    "reports:my_data": Row(expect=SIGNED_IN),
    "reports:delete_me": Row(expect=SIGNED_IN),
}


def _url_names(patterns, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name"
            names.add(f"{namespace}{entry.name}")
    return names


def _rows_elsewhere() -> set[str]:
    """URL names whose persona rows live with their app's tests (they need its objects)."""
    from samenspraak.followup.tests import (
        test_actions,
        test_agreements,
        test_feedback,
        test_reflection,
    )

    modules = (test_actions, test_agreements, test_feedback, test_reflection)
    return {name for module in modules for name in module.URL_ROWS}


def test_every_url_pattern_has_a_row():
    names = _url_names(get_resolver().url_patterns)
    missing = sorted(names - TABLE.keys() - _rows_elsewhere())
    stale = sorted(TABLE.keys() - names)
    assert not missing, f"URL patterns without a permission row: {missing}"
    assert not stale, f"Permission rows for URL patterns that no longer exist: {stale}"


@pytest.fixture
def url_kwargs(school, teacher, group, ambition, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    invited = User.objects.create_user(email="nieuw@linde.test", name="Nieuwe Collega")
    Membership.objects.create(user=invited, school=school, is_teacher=True)
    _, token = Invitation.issue(user=invited, school=school, invited_by=admin)
    from samenspraak.methods import services as methods
    from samenspraak.methods.models import Method

    copy = methods.method_copy(method=Method.objects.builtin().first(), school=school, by=admin)
    deck = methods.deck_create(school=school, by=admin, name="Onze kaarten", description="")
    methods.cards_add(
        deck=deck,
        by=admin,
        rows=[methods.CardRow(line=2, theme="Samen", text="Wat deel je graag?", kind="question")],
    )
    from datetime import date, time, timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from samenspraak.planning import services as planning
    from samenspraak.planning.models import Cycle, Evidence, Session

    session = Session.objects.create(
        school=school,
        group=group,
        facilitator=group.members.get(email__startswith="gespreksleider"),
        title="Sessie",
        starts_at=timezone.now() + timedelta(days=7),
        preparation="starrt",
        preparation_deadline=timezone.now() + timedelta(days=6),
    )
    evidence = Evidence(
        session=session, kind="document", title="Toetsuitslagen", content_type="application/pdf"
    )
    evidence.file.save("test.pdf", ContentFile(b"%PDF-1.4\n% test\n"), save=False)
    evidence.size = evidence.file.size
    evidence.save()
    cycle = Cycle.objects.create(
        school=school,
        group=group,
        title="Cyclus",
        goal="Doel",
        period_start=date.today(),
        period_end=date.today() + timedelta(days=90),
        every_weeks=6,
        weekday=1,
        start_time=time(15, 30),
    )
    return {
        "session_id": session.pk,
        "code": session.join_code,
        "evidence_id": evidence.pk,
        "cycle_id": cycle.pk,
        "feed_token": planning.calendar_feed_issue(user=teacher),
        "method_id": copy.pk,
        "phase_id": copy.phases.first().pk,
        "deck_id": deck.pk,
        "card_id": deck.cards.first().pk,
        "school_id": school.pk,
        "membership_id": Membership.objects.get(user=teacher, school=school).pk,
        "group_id": group.pk,
        "ambition_id": ambition.pk,
        "token": token,
        "uidb64": "MQ",
        "reset_token": "set-password",
    }


CASES = [(name, persona) for name in sorted(TABLE) for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_url_access(client, personas, url_kwargs, name, persona):
    row = TABLE[name]
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    url = row.url(name, url_kwargs)
    response = getattr(client, row.method)(url)
    close_download(response)
    expected = row.for_persona(persona)
    login_url = reverse("accounts:login")
    location = response.headers.get("Location", "")
    if expected == OK:
        assert response.status_code == 200, (url, persona, response.status_code)
    elif expected == HIDDEN:
        assert response.status_code == 404, (url, persona, response.status_code)
    elif expected == LOGIN:
        assert response.status_code == 302 and location.startswith(login_url), (
            url,
            persona,
            location,
        )
    elif expected == REDIRECT:
        assert response.status_code == 302, (url, persona, response.status_code)
    else:  # pragma: no cover
        raise AssertionError(expected)


SCHOOL_SCOPED = [name for name, row in TABLE.items() if row.kwargs and name.startswith("schools:")]


@pytest.mark.parametrize("name", SCHOOL_SCOPED)
def test_admin_of_another_school_gets_404(client, outsider, other_school, other_group, name):
    """An admin's rights stop at their own school: ids from another school answer 404."""
    from samenspraak.schools.models import Ambition

    other_admin_school_member = Membership.objects.get(user=outsider)
    ambition = Ambition.objects.create(
        school=other_school, title="Elders", period_start=2024, period_end=2028
    )
    from conftest import make_person
    from samenspraak.schools.models import School

    home = School.objects.create(name="Eigen school")
    intruder = make_person(
        home, "admin@eigen.test", "Ina Dringer", is_admin=True, is_school_leader=True
    )
    client.force_login(intruder)
    values = {
        "school_id": other_school.pk,
        "membership_id": other_admin_school_member.pk,
        "group_id": other_group.pk,
        "ambition_id": ambition.pk,
    }
    url = reverse(name, kwargs={key: values[key] for key in TABLE[name].kwargs})
    response = getattr(client, TABLE[name].method)(url)
    assert response.status_code == 404
