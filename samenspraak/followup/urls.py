from django.urls import path

from samenspraak.followup import views

app_name = "followup"

urlpatterns = [
    path("sessions/<id:session_id>/agreements/", views.agreements, name="agreements"),
    path(
        "agreements/<id:agreement_id>/support/",
        views.agreement_support,
        name="agreement_support",
    ),
    path(
        "agreements/<id:agreement_id>/outcome/",
        views.agreement_outcome,
        name="agreement_outcome",
    ),
    path("agreements/<id:agreement_id>/close/", views.agreement_close, name="agreement_close"),
    path(
        "agreements/<id:agreement_id>/withdraw/",
        views.agreement_withdraw,
        name="agreement_withdraw",
    ),
    path("agreements/<id:agreement_id>/settle/", views.objection_settle, name="objection_settle"),
    path("sessions/<id:session_id>/actions/", views.actions, name="actions"),
    path("actions/<id:action_id>/edit/", views.action_edit, name="action_edit"),
    path("actions/<id:action_id>/status/", views.action_status, name="action_status"),
    path("my/actions/", views.my_actions, name="my_actions"),
    path("sessions/<id:session_id>/feedback/", views.feedback, name="feedback"),
    path("sessions/<id:session_id>/reflect/", views.reflection_new, name="reflection_new"),
    path("reflections/<id:reflection_id>/", views.reflection_detail, name="reflection_detail"),
    path("reflections/<id:reflection_id>/edit/", views.reflection_edit, name="reflection_edit"),
    path("reflections/<id:reflection_id>/share/", views.reflection_share, name="reflection_share"),
    path(
        "reflections/<id:reflection_id>/delete/", views.reflection_delete, name="reflection_delete"
    ),
    path("my/reflections/", views.my_reflections, name="my_reflections"),
]
