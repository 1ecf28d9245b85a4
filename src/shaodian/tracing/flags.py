"""Health flags (people.HealthFlag) kept in step with cases, contacts and monitoring.

Tracing owns the facts; gates and the resident page need only the flags. Every transition that
changes a case, a contact or a monitoring period calls `health_flags_refresh` in its own
transaction, and so must anything else that writes those tables (the demo city, benchmarks).
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import CharField, Value, When
from django.utils import timezone

from shaodian.people.models import HealthFlag, HealthFlagKind
from shaodian.tracing.models import Case, CaseStatus, Contact, ContactStatus, Monitoring, MonitoringReason, MonitoringStatus

CONTACT = "contact"  # a confirmed close contact: a flag only when the person holds no other
CHUNK = 2000  # ids per IN list: well below every database's limit on bound parameters


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def flags_computed(resident_ids: Iterable[int]) -> dict[int, set[str]]:
    """The flags these residents should hold, from tracing's tables (those with none are left out); one query a chunk."""
    ids = sorted({int(pk) for pk in resident_ids if pk is not None})
    flags: dict[int, set[str]] = {}
    contacts: set[int] = set()
    for part in _chunks(ids):
        cases = Case.objects.filter(status=CaseStatus.ACTIVE, resident_id__in=part).annotate(
            f=Value(HealthFlagKind.CASE.value, output_field=CharField())).values_list("resident_id", "f")
        monitored = Monitoring.objects.filter(status=MonitoringStatus.ACTIVE, resident_id__in=part).annotate(
            f=SqlCase(When(reason=MonitoringReason.CLOSE_CONTACT, then=Value(HealthFlagKind.CLOSE_CONTACT.value)),
                    default=Value(HealthFlagKind.MONITORING.value), output_field=CharField())).values_list("resident_id", "f")
        confirmed = Contact.objects.filter(status=ContactStatus.CONFIRMED, degree=1, resident_id__in=part).annotate(
            f=Value(CONTACT, output_field=CharField())).values_list("resident_id", "f")
        for pk, flag in cases.union(monitored, confirmed):
            if flag == CONTACT:
                contacts.add(pk)
            else:
                flags.setdefault(pk, set()).add(flag)
    # A confirmed close contact not (yet) under monitoring is still a close contact, unless already more.
    for pk in contacts:
        flags.setdefault(pk, {HealthFlagKind.CLOSE_CONTACT.value})
    return flags


def _everyone() -> set[int]:
    """Everyone who holds a flag or may need one."""
    return (set(Case.objects.filter(status=CaseStatus.ACTIVE).values_list("resident_id", flat=True))
            | set(Monitoring.objects.filter(status=MonitoringStatus.ACTIVE).values_list("resident_id", flat=True))
            | set(Contact.objects.filter(status=ContactStatus.CONFIRMED, degree=1).values_list("resident_id", flat=True))
            | set(HealthFlag.objects.values_list("resident_id", flat=True)))


LOCK_CLASS = 2401  # the first key of the advisory locks taken per resident below


def _serialise(ids: list[int]) -> None:
    """On PostgreSQL, one transaction at a time refreshes a person's flags, each reading what the one before committed.

    Without it, two transitions of one person in parallel (a contact dismissed while the person is
    registered as a case) could each write flags from a view without the other's change. Locks are
    taken in id order (no deadlock between refreshes) and held to the end of the transaction.
    SQLite runs one writer at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        # Two int4 keys: ids past 2^31 share a lock with another id, which only serialises a little more.
        cur.execute("SELECT count(pg_advisory_xact_lock(%s, (x %% 2147483647)::int)) "
                    "FROM (SELECT x FROM unnest(%s::bigint[]) AS x ORDER BY x) AS s", [LOCK_CLASS, ids])


def health_flags_refresh(resident_ids: Iterable[int] | None = None) -> int:
    """Bring these residents' flags (everyone's when None) in line with tracing's tables; returns rows changed."""
    ids = sorted(_everyone() if resident_ids is None else {int(pk) for pk in resident_ids if pk is not None})
    if not ids:
        return 0
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        _serialise(ids)
        for part in _chunks(ids):
            wanted = {(pk, f) for pk, found in flags_computed(part).items() for f in found}
            held = set(HealthFlag.objects.filter(resident_id__in=part).values_list("resident_id", "flag"))
            for flag in {f for _pk, f in held - wanted}:
                gone = [pk for pk, f in held - wanted if f == flag]
                changed += HealthFlag.objects.filter(flag=flag, resident_id__in=gone).delete()[0]
            new = [HealthFlag(resident_id=pk, flag=f, since=now) for pk, f in sorted(wanted - held)]
            # A concurrent refresh may have written the same flag: it is the same fact, so it is kept.
            HealthFlag.objects.bulk_create(new, ignore_conflicts=True)
            changed += len(new)
    return changed
