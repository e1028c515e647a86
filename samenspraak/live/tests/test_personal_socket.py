"""The personal socket over the real ASGI application: auth, origin, and closing on
sign-out and deactivation (through whichever channel layer the settings choose)."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from samenspraak.asgi import application
from samenspraak.live.consumers import CLOSE_ACCESS_REVOKED
from samenspraak.schools import services
from samenspraak.schools.models import Membership, Role

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user) -> tuple[Client, bytes]:
    client = Client()
    client.force_login(user)
    return (
        client,
        f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode(),
    )


def communicator(cookie: bytes | None, origin: bytes = b"http://localhost"):
    headers = [(b"host", b"localhost"), (b"origin", origin)]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/me/", headers=headers)


def test_signed_in_person_connects_and_gets_answers(teacher):
    _, cookie = session_cookie(teacher)

    async def scenario():
        ws = communicator(cookie)
        connected, _ = await ws.connect()
        assert connected
        assert await ws.receive_json_from() == {"type": "hello"}
        await ws.send_json_to({"type": "ping"})
        assert await ws.receive_json_from() == {"type": "pong"}
        await ws.send_to(text_data="{not json")
        assert await ws.receive_json_from() == {"type": "error", "reason": "unknown_message"}
        await ws.disconnect()

    async_to_sync(scenario)()


def test_anonymous_socket_is_refused(db):
    async def scenario():
        ws = communicator(None)
        connected, _ = await ws.connect()
        assert not connected

    async_to_sync(scenario)()


def test_socket_from_a_foreign_origin_is_refused(teacher):
    _, cookie = session_cookie(teacher)

    async def scenario():
        ws = communicator(cookie, origin=b"https://evil.example")
        connected, _ = await ws.connect()
        assert not connected

    async_to_sync(scenario)()


def test_deactivation_closes_the_persons_socket_and_a_role_change_does_not(teacher, admin, school):
    """Rooms check access again when roles change (`access.check`); this socket has no
    room and stays."""
    _, cookie = session_cookie(teacher)
    member = Membership.objects.get(user=teacher, school=school)

    async def scenario():
        ws = communicator(cookie)
        assert (await ws.connect())[0]
        await ws.receive_json_from()
        await sync_to_async(services.member_set_roles)(
            member=member, by=admin, roles=[Role.SUPPORT_STAFF]
        )
        await ws.send_json_to({"type": "ping"})
        assert await ws.receive_json_from(timeout=5) == {"type": "pong"}
        await sync_to_async(services.member_deactivate)(member=member, by=admin)
        assert await ws.receive_json_from(timeout=5) == {"type": "access.revoked"}
        output = await ws.receive_output(timeout=5)
        assert output == {"type": "websocket.close", "code": CLOSE_ACCESS_REVOKED}

    async_to_sync(scenario)()


def test_signing_out_closes_that_browsers_socket(teacher):
    browser, cookie = session_cookie(teacher)

    async def scenario():
        ws = communicator(cookie)
        assert (await ws.connect())[0]
        await ws.receive_json_from()
        await sync_to_async(browser.post)("/logout/")
        assert await ws.receive_json_from(timeout=5) == {"type": "access.revoked"}

    async_to_sync(scenario)()


def test_signing_out_and_deactivating_work_while_the_channel_layer_is_down(
    client, teacher, admin, school, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """The change is committed before the sockets are told: a channel layer (Redis) that
    cannot be reached is logged, and the page still answers."""

    class Unreachable:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr("samenspraak.live.events.get_channel_layer", Unreachable)
    client.force_login(teacher)
    assert client.post("/logout/").status_code == 302
    member = Membership.objects.get(user=teacher, school=school)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_deactivate(member=member, by=admin)
    teacher.refresh_from_db()
    assert not teacher.is_active
    failures = [r for r in caplog.records if r.name == "samenspraak.live.events"]
    assert len(failures) == 2 and all(r.exc_info for r in failures)
