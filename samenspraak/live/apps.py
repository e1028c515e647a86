from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "samenspraak.live"
    verbose_name = _("Live")

    def ready(self) -> None:
        from samenspraak.live import signals  # noqa: F401  (connects the sign-out receiver)
