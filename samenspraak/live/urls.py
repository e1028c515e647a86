from django.urls import path

from samenspraak.live import views

app_name = "live"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_code, name="join_code"),
    path("live/<id:session_id>/", views.participant, name="participant"),
    path("live/<id:session_id>/guest/", views.guest_room, name="guest_room"),
    path("live/<id:session_id>/console/", views.console, name="console"),
    path("live/<id:session_id>/projector/", views.projector, name="projector"),
]
