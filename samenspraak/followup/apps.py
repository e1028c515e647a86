from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "samenspraak.followup"
    verbose_name = _("After the dialogue")
