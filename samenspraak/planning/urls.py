from django.urls import path

from samenspraak.planning import evidence_views, views

app_name = "planning"

urlpatterns = [
    path("sessions/", views.my_sessions, name="my_sessions"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<id:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<id:session_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<id:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<id:session_id>/method/", views.session_method, name="session_method"),
    path("sessions/<id:session_id>/prepare/", views.session_prepare, name="session_prepare"),
    path("sessions/<id:session_id>/invitation.ics", views.session_ics, name="session_ics"),
    path(
        "sessions/<id:session_id>/evidence/add/",
        evidence_views.evidence_add,
        name="evidence_add",
    ),
    path("evidence/<id:evidence_id>/", evidence_views.evidence_detail, name="evidence_detail"),
    path(
        "evidence/<id:evidence_id>/download/",
        evidence_views.evidence_download,
        name="evidence_download",
    ),
    path(
        "evidence/<id:evidence_id>/delete/",
        evidence_views.evidence_delete,
        name="evidence_delete",
    ),
    path("cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<id:cycle_id>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<id:cycle_id>/edit/", views.cycle_edit, name="cycle_edit"),
    path("schools/<id:school_id>/dialogues/", views.school_plan, name="school_plan"),
    path("schools/<id:school_id>/ground-rules/", views.ground_rules, name="ground_rules"),
    path("schools/<id:school_id>/holidays/", views.holidays, name="holidays"),
    path("schools/<id:school_id>/retention/", views.retention_settings, name="retention"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
