from django.urls import path

from samenspraak.live import consumers

websocket_urlpatterns = [
    path("ws/me/", consumers.PersonalConsumer.as_asgi()),
    path("ws/rooms/<int:room_id>/", consumers.RoomConsumer.as_asgi()),
]
