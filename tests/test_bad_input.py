"""Bad input on every URL: wrong types, huge text, forged ids. Never a 500, and an admin's
junk changes no school data."""

import pytest
from django.urls import reverse

from samenspraak.schools.models import Ambition, Group, Membership
from tests.test_url_permissions import TABLE

JUNK = [
    {},
    {"name": "x" * 100_000, "email": "@" * 300, "roles": ["admin", "god"], "groups": ["abc"]},
    {"roles": "teacher", "members": ["99999999999999999999", "-1", "x"], "kind": ["a", "b"]},
    {"title": "\x00nul", "period_start": "1e9", "period_end": "-5", "status": "??"},
    {"language": "nl\r\nSet-Cookie: x=y", "next": "javascript:alert(1)"},
    {"email": "a@b.test", "password": ["list", "of", "passwords"]},
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
    )


@pytest.mark.parametrize("name", sorted(TABLE))
@pytest.mark.parametrize("junk", range(len(JUNK)))
def test_junk_never_causes_a_server_error(client, personas, group, ambition, school, name, junk):
    client.force_login(personas["admin"])
    kwargs = {
        "school_id": school.pk,
        "membership_id": Membership.objects.get(user=personas["teacher"]).pk,
        "group_id": group.pk,
        "ambition_id": ambition.pk,
        "token": "forged-token",
        "uidb64": "Zm9yZ2Vk",
    }
    url = reverse(
        name,
        kwargs={k: kwargs[k] for k in TABLE[name].kwargs if k != "reset_token"}
        | ({"token": "x-y"} if "reset_token" in TABLE[name].kwargs else {}),
    )
    before = snapshot()
    response = client.post(url, JUNK[junk])
    assert response.status_code < 500, (url, response.status_code)
    # Action buttons carry no input: their junk is ignored and the action happens.
    actions = {"accounts:logout", "accounts:language", "schools:member_deactivate"}
    actions |= {"schools:member_reactivate", "schools:member_reinvite"}
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
