from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "samenspraak.leadership"
    verbose_name = "Leadership view"
