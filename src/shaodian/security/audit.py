"""Writing audit rows: every list, read, reveal, export and change of personal data."""

from django.db import models

from shaodian.security.models import AuditAction, AuditLog


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(
    actor,
    action: AuditAction,
    object_type: str,
    object_id: str | int = "",
    *,
    detail: dict | None = None,
    count: int = 1,
    purpose: str = "",
    request=None,
    channel: str | None = None,
) -> AuditLog:
    if channel is None:
        channel = getattr(request, "audit_channel", "web") if request is not None else "cli"
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
        count=count,
        purpose=purpose[:200],
        channel=channel,
        ip=client_ip(request),
    )


def audit_list(actor, object_type: str, rows, *, request=None, query: dict | None = None) -> None:
    """One row per list shown: which ids the user saw and with which filter."""
    ids = [r.pk if isinstance(r, models.Model) else r for r in rows]
    audit(
        actor,
        AuditAction.LIST,
        object_type,
        detail={"ids": ids, "query": {k: v for k, v in (query or {}).items() if v not in (None, "")}},
        count=len(ids),
        request=request,
    )
