from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MethodsConfig(AppConfig):
    name = "samenspraak.methods"
    verbose_name = _("Work forms")

    def ready(self) -> None:
        from samenspraak.methods.library import sync_after_migrate

        # Built-in work forms and card decks follow the data files in library/ after every
        # migrate (and every test-database flush); a school's own copies are never touched.
        post_migrate.connect(sync_after_migrate, sender=self)
