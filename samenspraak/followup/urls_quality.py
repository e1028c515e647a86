from django.urls import path

from samenspraak.followup import quality_views

app_name = "quality"

urlpatterns = [
    path("sessions/<id:session_id>/quality/", quality_views.scan_answer, name="scan"),
    path("groups/<id:group_id>/safety/", quality_views.safety_answer, name="safety"),
    path("groups/<id:group_id>/quality/", quality_views.group_results, name="results"),
]
