"""Reads of checkpoints and passes, scoped by the caller's jurisdiction."""

from django.db.models import QuerySet

from shaodian.checkpoints.models import Checkpoint, Pass
from shaodian.places.models import PlaceKind, scope_lookup
from shaodian.security.audit import audit_list
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped, scoped


def checkpoints_for(user) -> QuerySet:
    return Checkpoint.objects.for_user(user, Perm.VIEW_CHECKPOINTS).filter(active=True).select_related("place")


def checkpoint_get(user, pk) -> Checkpoint:
    return get_scoped(checkpoints_for(user), pk)


def passes_for(user) -> QuerySet:
    """Passes issued inside the user's jurisdiction (by holder, or by issuer for vehicles)."""
    perms = (Perm.ISSUE_PASS, Perm.SCAN)
    by_holder = scoped(user, Pass.objects.all(), perms, via="resident__")
    if scope_lookup(user) is None or user.node.kind == PlaceKind.GRID:
        return by_holder  # a grid sees its residents' passes; vehicle passes belong to the levels above
    # Above a grid, the issuer's node carries the same ancestor column as a resident would.
    by_issuer = scoped(user, Pass.objects.filter(resident__isnull=True), perms, via="issued_by__node__")
    return (by_holder | by_issuer).select_related("resident").distinct()


def pass_get(user, pk) -> Pass:
    return get_scoped(passes_for(user), pk)


def alerts_for(user) -> QuerySet:
    """Scan alerts at the checkpoints of the user's jurisdiction, newest first (empty for roles that may not see them)."""
    from shaodian.checkpoints.alerts import ALERT_READERS
    from shaodian.checkpoints.models import ScanAlert

    return ScanAlert.objects.for_user(user, ALERT_READERS).select_related("checkpoint", "resident", "acknowledged_by").order_by("-at", "-id")


def alerts_open_for(user) -> QuerySet:
    """Alerts nobody has acknowledged yet: what a home page counts and lists."""
    return alerts_for(user).filter(acknowledged_at__isnull=True)


def alert_get(user, pk):
    return get_scoped(alerts_for(user), pk)


def alerts_shown(user, *, show_all: bool, limit: int) -> list:
    """The open alerts (or all), newest first; whose alert it was is personal data, so the list shown is audited."""
    rows = list((alerts_for(user) if show_all else alerts_open_for(user))[:limit])
    audit_list(user, "scan_alert", rows, query={"show": "all" if show_all else "open"})
    return rows
