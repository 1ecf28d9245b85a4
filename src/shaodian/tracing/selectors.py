"""Reads of cases, contacts and monitoring, scoped by the residents' jurisdiction."""

from django.db.models import QuerySet

from shaodian.errors import NotFound
from shaodian.security.roles import Perm
from shaodian.security.scope import scope_q
from shaodian.tracing.models import Case, CaseStatus, Contact, ContactStatus, Monitoring, MonitoringStatus


def _by_resident(user, qs: QuerySet, perm: Perm = Perm.VIEW_CASES) -> QuerySet:
    q = scope_q(user)
    if q is None or not user.can(perm):
        return qs.none()
    kind, node = user.node.kind, user.node_id
    return qs.filter(**{f"resident__{kind}_id": node})


def cases_for(user) -> QuerySet:
    return _by_resident(user, Case.objects.select_related("resident"))


def case_get(user, pk) -> Case:
    try:
        return cases_for(user).get(pk=int(pk))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def contacts_for(user) -> QuerySet:
    return _by_resident(user, Contact.objects.select_related("resident", "case"))


def monitoring_for(user) -> QuerySet:
    return _by_resident(user, Monitoring.objects.select_related("resident"))


def health_flags(resident_id: int) -> set[str]:
    """What a checkpoint must know about one person (no details): case, close contact, monitoring."""
    flags = set()
    if Case.objects.filter(resident_id=resident_id, status=CaseStatus.ACTIVE).exists():
        flags.add("case")
    for reason in Monitoring.objects.filter(resident_id=resident_id, status=MonitoringStatus.ACTIVE).values_list(
        "reason", flat=True
    ):
        flags.add("close_contact" if reason == "close_contact" else "monitoring")
    if Contact.objects.filter(resident_id=resident_id, status=ContactStatus.CONFIRMED, degree=1).exists() and not flags:
        flags.add("close_contact")
    return flags
