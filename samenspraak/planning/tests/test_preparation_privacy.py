"""A preparation is private to its author: leaders, the facilitator and colleagues see who
prepared, never what — until the author shares it. Canary strings make a leak visible."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samenspraak.core.models import AuditEntry
from samenspraak.planning.models import Preparation, Session

CANARY = "KANARIE-7f3a-prive-voorbereiding"


@pytest.fixture
def session(group, facilitator):
    return Session.objects.create(
        school=group.school,
        group=group,
        title="Intervisie sectie Nederlands",
        facilitator=facilitator,
        starts_at=timezone.now() + timedelta(days=5),
        preparation="starrt",
        preparation_deadline=timezone.now() + timedelta(days=4),
    )


def prepare(client, teacher, session, shared=False):
    client.force_login(teacher)
    data = {"q_situation": f"In 2B ging het mis. {CANARY}", "q_reflection": "Ik leerde veel."}
    if shared:
        data["shared"] = "on"
    response = client.post(reverse("planning:session_prepare", args=[session.pk]), data)
    assert response.status_code == 302
    client.logout()


def pages_for(client, user, session) -> str:
    client.force_login(user)
    urls = [
        reverse("planning:session_detail", args=[session.pk]),
        reverse("planning:my_sessions"),
        reverse("core:overview"),
        reverse("planning:session_ics", args=[session.pk]),
    ]
    text = "".join(client.get(url).content.decode(errors="replace") for url in urls)
    client.logout()
    return text


def test_teacher_prepares_with_starrt_and_the_facilitator_sees_prepared_not_the_text(
    client, teacher, facilitator, session
):
    prepare(client, teacher, session)
    html = pages_for(client, facilitator, session)
    assert "1 van 2 hebben zich voorbereid." in html
    assert "voorbereid" in html
    assert CANARY not in html


@pytest.mark.parametrize("persona", ["leader", "admin", "facilitator", "support", "outsider"])
def test_nobody_else_can_read_a_private_preparation(client, personas, teacher, session, persona):
    prepare(client, teacher, session)
    user = personas[persona]
    assert CANARY not in pages_for(client, user, session)
    client.force_login(user)
    response = client.get(reverse("planning:session_prepare", args=[session.pk]))
    assert CANARY not in response.content.decode()


def test_a_teacher_of_another_group_cannot_even_open_the_session(client, teacher, session, school):
    from conftest import make_person

    colleague = make_person(school, "ander@linde.test", "Ander Groepslid", is_teacher=True)
    prepare(client, teacher, session)
    client.force_login(colleague)
    assert client.get(reverse("planning:session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("planning:session_prepare", args=[session.pk])).status_code == 404


def test_the_author_reads_their_own_preparation(client, teacher, session):
    prepare(client, teacher, session)
    client.force_login(teacher)
    html = client.get(reverse("planning:session_prepare", args=[session.pk])).content.decode()
    assert CANARY in html


def test_sharing_is_the_authors_explicit_act_and_can_be_undone(
    client, teacher, facilitator, session
):
    prepare(client, teacher, session, shared=True)
    assert CANARY in pages_for(client, facilitator, session)
    prepare(client, teacher, session, shared=False)
    assert CANARY not in pages_for(client, facilitator, session)


def test_a_preparation_leaves_no_trace_in_audit_or_mail(client, teacher, session):
    prepare(client, teacher, session)
    assert all(CANARY not in f"{e.target} {e.detail}" for e in AuditEntry.objects.all())
    assert all(CANARY not in m.body for m in mail.outbox)


def test_an_empty_preparation_is_refused(client, teacher, session):
    client.force_login(teacher)
    response = client.post(
        reverse("planning:session_prepare", args=[session.pk]), {"q_situation": "  "}
    )
    assert response.status_code == 400
    assert not Preparation.objects.exists()
