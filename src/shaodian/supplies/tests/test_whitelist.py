"""The drivers' white list: changed by the supply officer with a reason; a driver taken off it while followed as a
key person instead of a close contact is reviewed by a health official, and next time is a close contact."""

import pytest
from django.utils import timezone

from shaodian.core import outbox
from shaodian.core.models import Notification
from shaodian.errors import ServiceError
from shaodian.security.models import AuditLog
from shaodian.supplies import fleet
from shaodian.supplies.models_fleet import Driver
from shaodian.testing.city import resident_in
from shaodian.tracing import services as tracing
from shaodian.tracing.models import Contact, Monitoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def driver_contact(users):
    """A white-listed driver living in grid_a, confirmed as a close contact of a case next door."""
    person = resident_in("grid_a", 3)
    d = fleet.driver_register(actor=users["supply"], name="张师傅", phone="13700001111", whitelisted=True,
                              id_number=person.id_number)
    assert d.resident_id == person.pk
    case = tracing.case_register(actor=users["cdc"], resident_id=resident_in("grid_a", 4).pk, kind="confirmed",
                                 test_date=timezone.localdate())
    c = Contact.objects.create(case=case, resident=person, reason="colocation", minutes=30)
    tracing.contact_decide(actor=users["cdc"], contact_id=c.pk, confirm=True)
    return d, c


def test_taking_a_driver_off_the_list_is_audited_and_the_health_official_reviews_the_period(users, driver_contact):
    d, c = driver_contact
    m = Monitoring.objects.get(contact=c)
    assert (m.reason, m.exemption) == ("key_person", "whitelisted_driver")

    fleet.driver_whitelist_set(actor=users["supply"], driver_id=d.pk, whitelisted=False, reason="已不再承运保供物资")
    outbox.work(worker="test")

    assert not Driver.objects.get(pk=d.pk).whitelisted
    log = AuditLog.objects.get(object_type="driver_whitelist", object_id=str(d.pk))
    assert log.detail == {"whitelisted": False, "reason": "已不再承运保供物资"}
    # Nothing changes behind the official's back: the period stays, and they are asked to review it.
    assert Monitoring.objects.get(pk=m.pk).exemption == "whitelisted_driver"
    [told] = Notification.objects.filter(recipient=users["cdc"]).values_list("text_zh", flat=True)
    assert "移出保供司机白名单" in told and "复核" in told and c.resident.name not in told
    # Confirmed again (after a correction), the driver is a close contact like anyone.
    tracing.contact_decide(actor=users["cdc"], contact_id=c.pk, confirm=False, note="复核：时段不符")
    tracing.contact_decide(actor=users["cdc"], contact_id=c.pk, confirm=True, note="复核：同车")
    assert (Monitoring.objects.get(contact=c).reason, Monitoring.objects.get(contact=c).exemption) == (
        "close_contact", "")


def test_the_list_changes_only_with_a_reason_and_by_the_supply_officer(users, driver_contact):
    d, _ = driver_contact
    with pytest.raises(ServiceError) as exc:
        fleet.driver_whitelist_set(actor=users["supply"], driver_id=d.pk, whitelisted=False, reason=" ")
    assert set(exc.value.errors) == {"reason"}
    with pytest.raises(ServiceError):
        fleet.driver_whitelist_set(actor=users["grid_a"], driver_id=d.pk, whitelisted=False, reason="不再承运")
    assert Driver.objects.get(pk=d.pk).whitelisted
    # Putting a driver back on the list tells no one and is audited the same way.
    fleet.driver_whitelist_set(actor=users["supply"], driver_id=d.pk, whitelisted=False, reason="不再承运")
    fleet.driver_whitelist_set(actor=users["supply"], driver_id=d.pk, whitelisted=True, reason="恢复承运")
    assert [a.detail["whitelisted"] for a in AuditLog.objects.filter(object_type="driver_whitelist").order_by("pk")] == [
        False, True]


def test_unlinking_a_white_listed_driver_followed_as_a_key_person_asks_a_health_official_to_review(users,
                                                                                                  driver_contact):
    d, c = driver_contact
    fleet.driver_link_set(actor=users["supply"], driver_id=d.pk, id_number="")
    outbox.work(worker="test")
    assert Driver.objects.get(pk=d.pk).resident_id is None
    [told] = Notification.objects.filter(recipient=users["cdc"]).values_list("text_zh", flat=True)
    assert "不再登记为保供白名单司机" in told and "复核" in told and c.resident.name not in told
    # Linked again, nobody is told a second time about a link that only came back.
    fleet.driver_link_set(actor=users["supply"], driver_id=d.pk, id_number=c.resident.id_number)
    outbox.work(worker="test")
    assert Notification.objects.filter(recipient=users["cdc"]).count() == 1
