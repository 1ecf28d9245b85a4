"""Writing audit rows: every list, read, reveal, export and change of personal data.

Where a change came from (the client's address and the channel: web, api, cli, worker) is a context
set once per request by `security.middleware.AuditContextMiddleware`, so services take the acting user and never the
HTTP request; the worker and the command line run with no context and write `cli`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
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


@dataclass
class AuditContext:
    ip: str | None = None
    channel: str = "web"


_context: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current_context() -> AuditContext | None:
    return _context.get()


def client_ip() -> str | None:
    ctx = _context.get()
    return ctx.ip if ctx is not None else None


def current_channel() -> str:
    ctx = _context.get()
    return ctx.channel if ctx is not None else "cli"


def channel_set(channel: str) -> None:
    """The API's authentication says the request came through the API (a page session stays `web`)."""
    ctx = _context.get()
    if ctx is not None:
        ctx.channel = channel


@contextmanager
def audit_context(*, ip: str | None = None, channel: str = "web") -> Iterator[AuditContext]:
    ctx = AuditContext(ip=ip or None, channel=channel)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)



def audit(
    actor,
    action: AuditAction,
    object_type: str,
    object_id: str | int = "",
    *,
    detail: dict | None = None,
    count: int = 1,
    purpose: str = "",
    channel: str | None = None,
) -> AuditLog:
    if channel is None:
        channel = current_channel()
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
        ip=client_ip(),
    )


def audit_list(actor, object_type: str, rows, *, query: dict | None = None) -> None:
    """One row per list shown: which ids the user saw and with which filter."""
    ids = [r.pk if isinstance(r, models.Model) else r for r in rows]
    audit(
        actor,
        AuditAction.LIST,
        object_type,
        detail={"ids": ids, "query": {k: v for k, v in (query or {}).items() if v not in (None, "")}},
        count=len(ids),
    )
