"""Who-has-answered registers that do not betray the order of answering.

An anonymous answer (a support answer, 3xW feedback, a quality questionnaire) is stored
with no author; a separate register row records that a person has answered, so nobody
answers twice. Written in one transaction, the two rows would still line up by physical
order (SQLite's rowid, PostgreSQL's ctid and xmin, an increasing primary key): the n-th
register row next to the n-th answer. So every new register row rewrites its whole scope
(one agreement, one session, one group and period) in a fixed order, by person: the
register then tells who answered, never in which order.
"""

from django.db import models


def register_answer(
    model: type[models.Model], *, scope: dict, person: dict, lock: models.Model
) -> None:
    """Add `person` to the register of `scope`; raises IntegrityError when they are in it
    already (the unique constraint), so the caller's transaction rolls back. `lock` is the
    row the scope belongs to (the agreement, the session, the group): locked first, so two
    people answering at once rewrite the register one after the other."""
    type(lock).objects.select_for_update().filter(pk=lock.pk).first()
    model.objects.create(**scope, **person)
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    rows = list(model.objects.filter(**scope).values(*names))
    model.objects.filter(**scope).delete()
    key = [model._meta.get_field(name).attname for name in person]
    model.objects.bulk_create(
        model(**row) for row in sorted(rows, key=lambda r: tuple(str(r[k]) for k in key))
    )
