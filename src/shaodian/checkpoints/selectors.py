"""Reads of checkpoints and passes, scoped by the caller's jurisdiction."""

from django.db.models import QuerySet

from shaodian.checkpoints.models import Checkpoint, Pass
from shaodian.errors import NotFound
from shaodian.security.audit import audit_list
from shaodian.security.roles import Perm
from shaodian.security.scope import scope_q, scoped


def checkpoints_for(user) -> QuerySet:
    return scoped(user, Checkpoint.objects.filter(active=True).select_related("place"), Perm.VIEW_CHECKPOINTS)


def checkpoint_get(user, pk) -> Checkpoint:
    try:
        return checkpoints_for(user).get(pk=int(pk))
    except (Checkpoint.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def passes_for(user) -> QuerySet:
    """Passes issued inside the user's jurisdiction (by holder, or by issuer for vehicles)."""
    q = scope_q(user)
    if q is None or not (user.can(Perm.ISSUE_PASS) or user.can(Perm.SCAN)):
        return Pass.objects.none()
    kind, node = user.node.kind, user.node_id
    if kind == "grid":
        return Pass.objects.filter(resident__grid_id=node)
    by_holder = Pass.objects.filter(**{f"resident__{kind}_id": node})
    by_issuer = Pass.objects.filter(resident__isnull=True, **{f"issued_by__node__{kind}_id": node})
    return (by_holder | by_issuer).select_related("resident").distinct()


def pass_get(user, pk) -> Pass:
    try:
        return passes_for(user).get(pk=int(pk))
    except (Pass.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def alerts_for(user) -> QuerySet:
    """Scan alerts at the checkpoints of the user's jurisdiction, newest first (empty for roles that may not see them)."""
    from shaodian.checkpoints.alerts import may_see
    from shaodian.checkpoints.models import ScanAlert

    q = scope_q(user)
    if q is None or not may_see(user):
        return ScanAlert.objects.none()
    return ScanAlert.objects.filter(q).select_related("checkpoint", "resident", "acknowledged_by").order_by("-at", "-id")


def alerts_open_for(user) -> QuerySet:
    """Alerts nobody has acknowledged yet: what a home page counts and lists."""
    return alerts_for(user).filter(acknowledged_at__isnull=True)


def alert_get(user, pk):
    from shaodian.checkpoints.models import ScanAlert

    try:
        return alerts_for(user).get(pk=int(pk))
    except (ScanAlert.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None


def alerts_shown(user, *, show_all: bool, limit: int) -> list:
    """The open alerts (or all), newest first; whose alert it was is personal data, so the list shown is audited."""
    rows = list((alerts_for(user) if show_all else alerts_open_for(user))[:limit])
    audit_list(user, "scan_alert", rows, query={"show": "all" if show_all else "open"})
    return rows
