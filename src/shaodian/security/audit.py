"""Writing audit rows: every list, read, reveal, export and change of personal data."""

from functools import lru_cache

from django.conf import settings
from django.db import models

from shaodian.security import crypto
from shaodian.security.models import SYSTEM_ACTOR, AuditAction, AuditLog
from shaodian.security.redact import redact, redact_text


@lru_cache(maxsize=4)
def _redaction_key(field_key: str) -> bytes:
    # Derived from the field key: the same number gives the same mask after a restart.
    return crypto.lookup_hash(field_key, "audit redaction key", purpose="audit-key").encode("ascii")


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
    # Searches, file names and purposes are typed by people and may hold an ID or phone number:
    # masked here, where every audit row is written, so no caller can forget (the log is kept for years).
    key = _redaction_key(settings.FIELD_KEY)
    object_id = str(object_id)
    if not object_id.isdigit() or len(object_id) > 10:  # primary keys stay readable; anything else is text
        object_id = redact_text(key, object_id)
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or SYSTEM_ACTOR,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=redact(key, detail or {}),
        count=count,
        purpose=redact_text(key, purpose[:200]),
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
