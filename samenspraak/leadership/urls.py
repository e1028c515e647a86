from django.urls import path

from samenspraak.leadership import views

app_name = "leadership"

urlpatterns = [
    path("schools/<id:school_id>/leadership/", views.overview, name="overview"),
]
