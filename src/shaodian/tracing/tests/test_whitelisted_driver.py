"""A white-listed supply driver confirmed as a close contact is monitored as a key person, never kept at home,
and the tracer sees why; a driver taken off the list is a close contact like anyone else."""

import pytest
from django.urls import reverse

from shaodian.people.models import HealthFlag, Resident
from shaodian.security.models import AuditLog
from shaodian.supplies.models_fleet import Driver
from shaodian.tracing import services
from shaodian.tracing.models import Contact, Monitoring

pytestmark = pytest.mark.django_db


def _proposals(case, n):
    people = (Resident.objects.filter(community_id=case.resident.community_id).exclude(pk=case.resident_id)
              .exclude(contact_records__case=case).exclude(cases__status="active").order_by("pk")[:n])
    return Contact.objects.bulk_create([Contact(case=case, resident=r, reason="colocation", minutes=10 + i)
                                        for i, r in enumerate(people)])


def _driver(resident, node, *, whitelisted=True) -> Driver:
    d = Driver(name="王司机", phone="", phone_hash="", resident=resident, whitelisted=whitelisted)
    d.locate_at(node)
    d.save()
    return d


def _flags(resident_id):
    return set(HealthFlag.objects.filter(resident_id=resident_id).values_list("flag", flat=True))


def test_a_white_listed_driver_confirmed_as_a_contact_is_monitored_as_a_key_person(scene, users, client_as):
    cdc, case = scene["cdc"], scene["case"]
    driver_contact, other = _proposals(case, 2)
    _driver(driver_contact.resident, users["staff_a"].node)

    services.contacts_decide(actor=cdc, case_id=case.pk, confirm=True, note="同一食堂就餐",
                             contact_ids=[driver_contact.pk, other.pk])

    # The contact is recorded as confirmed: nothing is dropped, only the follow-up differs.
    assert Contact.objects.get(pk=driver_contact.pk).status == "confirmed"
    m = Monitoring.objects.get(contact=driver_contact)
    assert (m.status, m.reason, m.exemption) == ("active", "key_person", "whitelisted_driver")
    assert "闭环" in m.task and "不居家隔离" in m.task
    assert _flags(driver_contact.resident_id) == {"monitoring"}  # not a close contact at the gate
    assert (Monitoring.objects.get(contact=other).reason, _flags(other.resident_id)) == ("close_contact",
                                                                                        {"close_contact"})
    audit = AuditLog.objects.get(object_type="contact", object_id=str(driver_contact.pk))
    assert audit.detail["exemption"] == "whitelisted_driver"
    assert "exemption" not in AuditLog.objects.get(object_type="contact", object_id=str(other.pk)).detail

    page = client_as("cdc").get(reverse("case_detail", args=[case.pk])).content.decode()
    row = page.split(f'id="contact-{driver_contact.pk}"')[1].split("</li>")[0]
    assert "白名单保供司机" in row and "不居家隔离" in row
    assert "白名单保供司机" not in page.split(f'id="contact-{other.pk}"')[1].split("</li>")[0]


def test_a_driver_taken_off_the_list_is_a_close_contact_like_anyone_else(scene, users):
    cdc, case = scene["cdc"], scene["case"]
    (c,) = _proposals(case, 1)
    d = _driver(c.resident, users["staff_a"].node)
    Driver.objects.filter(pk=d.pk).update(whitelisted=False)

    services.contact_decide(actor=cdc, contact_id=c.pk, confirm=True)
    m = Monitoring.objects.get(contact=c)
    assert (m.reason, m.exemption) == ("close_contact", "")
    assert _flags(c.resident_id) == {"close_contact"}


def test_a_driver_confirmed_again_after_leaving_the_list_loses_the_exemption(scene, users):
    cdc, case = scene["cdc"], scene["case"]
    (c,) = _proposals(case, 1)
    d = _driver(c.resident, users["staff_a"].node)
    services.contact_decide(actor=cdc, contact_id=c.pk, confirm=True)
    assert Monitoring.objects.get(contact=c).exemption == "whitelisted_driver"
    services.contact_decide(actor=cdc, contact_id=c.pk, confirm=False, note="复核：不同时段")
    Driver.objects.filter(pk=d.pk).update(whitelisted=False)
    services.contact_decide(actor=cdc, contact_id=c.pk, confirm=True, note="复核：同桌就餐")
    m = Monitoring.objects.get(contact=c)  # the same row, started again
    assert (m.status, m.reason, m.exemption) == ("active", "close_contact", "")
