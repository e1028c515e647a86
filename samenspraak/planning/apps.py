from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "samenspraak.planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from samenspraak.planning import signals  # noqa: F401  (evidence files follow their rows)
