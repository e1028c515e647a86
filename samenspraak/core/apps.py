from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "samenspraak.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from samenspraak.core import checks  # noqa: F401  (registers the system checks)
