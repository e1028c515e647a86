"""Bad input on every URL: wrong types, huge text, forged ids. Never a 500, and an admin's
junk changes no school data."""

import pytest

from conftest import close_download
from samenspraak.methods.models import Card, Method, Phase
from samenspraak.planning.models import Cycle, Preparation, Session
from samenspraak.schools.models import Ambition, Group, Membership
from tests.test_url_permissions import TABLE, url_kwargs  # noqa: F401  (fixture)

JUNK = [
    {},
    {"name": "x" * 100_000, "email": "@" * 300, "roles": ["admin", "god"], "groups": ["abc"]},
    {"roles": "teacher", "members": ["99999999999999999999", "-1", "x"], "kind": ["a", "b"]},
    {"title": "\x00nul", "period_start": "1e9", "period_end": "-5", "status": "??"},
    {"language": "nl\r\nSet-Cookie: x=y", "next": "javascript:alert(1)"},
    {"email": "a@b.test", "password": ["list", "of", "passwords"]},
    # A forged 30-digit key in every multiple-choice field (an `__in` lookup would
    # overflow SQLite's integer).
    {
        name: ["999999999999999999999999999999"]
        for name in ("invitees", "ambitions", "owners", "groups", "members", "group")
    },
]


def snapshot():
    return (
        list(
            Membership.objects.order_by("pk").values_list(
                "pk", "is_active", "is_admin", "is_teacher"
            )
        ),
        list(Group.objects.order_by("pk").values_list("pk", "name", "kind")),
        list(Ambition.objects.order_by("pk").values_list("pk", "title", "period_start")),
        list(Method.objects.order_by("pk").values_list("pk", "name_nl", "min_people", "roles")),
        list(
            Phase.objects.order_by("pk").values_list(
                "pk", "position", "minutes", "kind", "settings"
            )
        ),
        list(Card.objects.order_by("pk").values_list("pk", "text_nl")),
        list(Session.objects.order_by("pk").values_list("pk", "title", "starts_at", "status")),
        list(Cycle.objects.order_by("pk").values_list("pk", "title", "every_weeks", "weekday")),
        list(Preparation.objects.order_by("pk").values_list("pk", "answers", "shared")),
    )


@pytest.mark.parametrize("name", sorted(TABLE))
@pytest.mark.parametrize("junk", range(len(JUNK)))
def test_junk_never_causes_a_server_error(client, personas, url_kwargs, name, junk):  # noqa: F811
    client.force_login(personas["admin"])
    url = TABLE[name].url(name, url_kwargs)
    before = snapshot()
    response = client.post(url, JUNK[junk])
    close_download(response)
    assert response.status_code < 500, (url, response.status_code)
    # Action buttons carry no input: their junk is ignored and the action happens.
    actions = {"accounts:logout", "accounts:language", "schools:member_deactivate"}
    actions |= {"schools:member_reactivate", "schools:member_reinvite"}
    actions |= {"methods:method_copy", "methods:method_delete", "methods:phase_add"}
    actions |= {"methods:phase_delete", "methods:card_delete"}
    actions |= {"planning:session_cancel", "planning:evidence_delete", "planning:calendar_settings"}
    if name not in actions:
        assert snapshot() == before, f"{url} changed data on junk input {junk}"


@pytest.mark.parametrize(
    "path",
    [
        "/schools/99999999999999999999/members/",
        "/groups/0/",
        "/ambitions/-1/",
        "/schools/abc/groups/",
        "/invitation/%00/",
    ],
)
def test_forged_ids_in_paths_are_404(client, admin, path):
    client.force_login(admin)
    assert client.get(path).status_code == 404
