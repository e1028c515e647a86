"""An evidence row that goes, takes its file with it: also when it goes because its
session, cycle or school is deleted (a cascade, which calls no service)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from samenspraak.planning.models import Evidence


@receiver(post_delete, sender=Evidence, dispatch_uid="evidence_file_cleanup")
def delete_evidence_file(sender, instance: Evidence, **kwargs) -> None:
    if instance.file:
        name, storage = instance.file.name, instance.file.storage
        # Only once the row is surely gone: a rolled-back delete keeps its file.
        transaction.on_commit(lambda: storage.delete(name))
