from typing import Any

from samenspraak.core.models import AuditEntry


def record(
    *, school, actor, action: str, target: str = "", detail: dict[str, Any] | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        school=school, actor=actor, action=action, target=target[:255], detail=detail or {}
    )
