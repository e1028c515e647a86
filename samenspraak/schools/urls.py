from django.urls import path

from samenspraak.schools import views

app_name = "schools"

urlpatterns = [
    path("schools/<id:school_id>/members/", views.member_list, name="member_list"),
    path("schools/<id:school_id>/members/invite/", views.member_invite, name="member_invite"),
    path("schools/<id:school_id>/members/import/", views.member_import, name="member_import"),
    path(
        "schools/<id:school_id>/members/<id:membership_id>/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "schools/<id:school_id>/members/<id:membership_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "schools/<id:school_id>/members/<id:membership_id>/reactivate/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "schools/<id:school_id>/members/<id:membership_id>/reinvite/",
        views.member_reinvite,
        name="member_reinvite",
    ),
    path("schools/<id:school_id>/groups/", views.group_list, name="group_list"),
    path("schools/<id:school_id>/groups/new/", views.group_create, name="group_create"),
    path("groups/<id:group_id>/", views.group_detail, name="group_detail"),
    path("groups/<id:group_id>/edit/", views.group_edit, name="group_edit"),
    path("groups/<id:group_id>/members/", views.group_members, name="group_members"),
    path("schools/<id:school_id>/ambitions/", views.ambition_list, name="ambition_list"),
    path("schools/<id:school_id>/ambitions/new/", views.ambition_create, name="ambition_create"),
    path("ambitions/<id:ambition_id>/", views.ambition_detail, name="ambition_detail"),
    path("ambitions/<id:ambition_id>/edit/", views.ambition_edit, name="ambition_edit"),
]
