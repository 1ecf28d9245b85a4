"""Flags as tracing writes them (health_flags_refresh) and gates read them (checkpoints' flags_for, set-based),
against a one-person reference read from tracing's tables, on random statuses."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaodian.checkpoints import health
from shaodian.people.models import Resident
from shaodian.testing.factories import crowd
from shaodian.tracing.flags import health_flags_refresh
from shaodian.tracing.models import Case, CaseStatus, Contact, ContactStatus, Monitoring, MonitoringStatus

pytestmark = pytest.mark.django_db

# Per person: (active case?, recovered case?, monitoring: none/active close/active secondary/ended,
#              contact: none/confirmed 1/confirmed 2/proposed 1/dismissed 1)
PERSON = st.tuples(st.booleans(), st.booleans(), st.sampled_from(["", "close", "secondary", "ended"]),
                   st.sampled_from(["", "c1", "c2", "p1", "d1"]))


def health_flags(resident_id: int) -> set[str]:
    """The reference: what a checkpoint must know about one person (no details), straight from tracing's tables."""
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


class Rollback(Exception):
    pass


def _build(users, residents, statuses):
    cdc = users["cdc"]
    today = timezone.localdate()
    index = Case.objects.create(resident=residents[-1], kind="confirmed", test_date=today, registered_by=cdc,
                                status="recovered")
    for r, (active, recovered, monitoring, contact) in zip(residents, statuses, strict=False):
        if recovered:
            Case.objects.create(resident=r, kind="confirmed", test_date=today, registered_by=cdc, status="recovered")
        if active:
            Case.objects.create(resident=r, kind="confirmed", test_date=today, registered_by=cdc)
        if monitoring:
            Monitoring.objects.create(resident=r, reason="secondary_contact" if monitoring == "secondary" else "close_contact",
                                      starts_on=today, ends_on=today + dt.timedelta(days=7),
                                      status="ended" if monitoring == "ended" else "active")
        if contact:
            Contact.objects.create(case=index, resident=r, degree=int(contact[1]), reason="manual",
                                   status={"c": "confirmed", "p": "proposed", "d": "dismissed"}[contact[0]])


@pytest.fixture
def crowded(users):
    """More untouched people than health.PROBE_MAX, for the large batches."""
    from shaodian.places.models import Place

    crowd(Place.objects.get(pk=users["grid_b"].node_id), health.PROBE_MAX + 160)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statuses=st.lists(PERSON, min_size=1, max_size=12), padding=st.sampled_from([0, 400]))
def test_flags_for_a_batch_are_each_persons_flags(users, crowded, statuses, padding):
    """Small batches probe by index, large ones (padding) read the flagged rows: both agree with the reference."""
    # People the test city gave no case, contact or monitoring: each example sets them from scratch.
    untouched = Resident.objects.filter(cases=None, contact_records=None, monitoring=None).order_by("pk")
    residents = list(untouched[:len(statuses) + 1 + padding])
    try:
        with transaction.atomic():
            _build(users, residents, statuses)
            ids = [r.pk for r in residents]
            health_flags_refresh(ids)
            expected = {pk: flags for pk in ids if (flags := health_flags(pk))}
            assert health.flags_for(ids) == expected
            assert (len(ids) > health.PROBE_MAX) == (padding > 0)
            raise Rollback
    except Rollback:
        pass
