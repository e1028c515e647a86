from django.urls import include, path, register_converter

from samenspraak.lib.converters import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("samenspraak.core.urls")),
    path("", include("samenspraak.accounts.urls")),
    path("", include("samenspraak.schools.urls")),
    path("", include("samenspraak.methods.urls")),
    path("", include("samenspraak.planning.urls")),
    path("", include("samenspraak.live.urls")),
    path("", include("samenspraak.followup.urls")),
    path("", include("samenspraak.followup.urls_reports")),
    path("", include("samenspraak.followup.urls_quality")),
    path("", include("samenspraak.leadership.urls")),
]
