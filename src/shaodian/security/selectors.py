"""Reads of the audit log, scoped by the reader's tree."""

from django.db.models import QuerySet

from shaodian.core.jurisdiction import PlaceKind, place_lookup
from shaodian.security.models import AuditLog
from shaodian.security.roles import Perm


def audit_for(user) -> QuerySet:
    """What actors at or below the user's node did; the city also sees rows no user wrote (the system's)."""
    if place_lookup(user) is None or not user.can(Perm.VIEW_AUDIT):
        return AuditLog.objects.none()
    rows = AuditLog.objects.select_related("actor__node")
    if user.node.kind == PlaceKind.CITY:
        return rows
    return rows.filter(**place_lookup(user, "actor__node__"))
