from django.urls import include, path

urlpatterns = [
    path("", include("samenspraak.core.urls")),
    path("", include("samenspraak.accounts.urls")),
    path("", include("samenspraak.schools.urls")),
]
