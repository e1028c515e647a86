import json

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from samenspraak.live.events import session_group, user_group

CLOSE_UNAUTHENTICATED = 4401
CLOSE_ACCESS_REVOKED = 4403


class PersonalConsumer(AsyncJsonWebsocketConsumer):
    """A signed-in person's own socket. The foundation uses it to end a person's live
    connections when they sign out or are deactivated; later the room builds on it."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        session = self.scope.get("session")
        if user is None or not user.is_authenticated or session is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.joined = [user_group(user.pk)]
        if session.session_key:
            self.joined.append(session_group(session.session_key))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello"})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_json({"type": "error", "reason": "unknown_message"})

    @classmethod
    async def decode_json(cls, text_data):
        # Malformed JSON gets an error reply, not a crashed socket.
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    async def access_revoked(self, event: dict) -> None:
        await self.send_json({"type": "access.revoked"})
        await self.close(code=CLOSE_ACCESS_REVOKED)
