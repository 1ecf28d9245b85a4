"""Supply vehicles: passes never refused for where a truck is registered, 换人不换车, one disinfection per trip,
shown with the pass at the guard's verdict; the white list."""

import datetime as dt

import pytest
from django.utils import timezone

from shaodian.checkpoints.models import Checkpoint
from shaodian.checkpoints.services import pass_token, verify_at
from shaodian.errors import ServiceError
from shaodian.supplies import fleet
from shaodian.supplies.models_fleet import Disinfection


@pytest.fixture
def truck(users):
    supply = users["supply"]
    gate = Checkpoint.objects.filter(community_id=users["guard_a"].node_id, active=True).first()
    driver = fleet.driver_register(actor=supply, name="张师傅", phone="13700001111", whitelisted=True)
    # Registered in another province (川A): never a reason to refuse it.
    v = fleet.vehicle_register(actor=supply, plate="川A12345", registered_in="四川省成都市", capacity_kg=5000,
                               driver_id=driver.pk)
    now = timezone.now()
    v = fleet.vehicle_pass_issue(actor=supply, vehicle_id=v.pk, checkpoint_ids=[gate.pk], valid_from=now,
                                 valid_to=now + dt.timedelta(days=7), reason="保供运输")
    return {"vehicle": v, "driver": driver, "gate": gate}


def test_a_truck_from_another_province_gets_its_pass_and_the_guard_sees_its_disinfection(users, truck):
    supply, v = users["supply"], truck["vehicle"]
    assert v.permit.kind == "supply_vehicle" and v.permit.plate == "川A12345"
    seen = verify_at(actor=users["guard_a"], checkpoint_id=truck["gate"].pk, code=pass_token(v.permit))
    assert seen["result"] == "allowed" and seen["pass"]["disinfected_at"] is None
    fleet.disinfection_record(actor=supply, vehicle_id=v.pk, trip="T-1", agent="含氯消毒液", site="海棠中转站")
    seen = verify_at(actor=users["guard_a"], checkpoint_id=truck["gate"].pk, code=pass_token(v.permit))
    assert seen["pass"]["disinfected_at"] and "含氯消毒液" in seen["pass"]["disinfection"]


def test_one_disinfection_per_vehicle_per_trip(users, truck):
    supply, v = users["supply"], truck["vehicle"]
    fleet.disinfection_record(actor=supply, vehicle_id=v.pk, trip="T-1", agent="含氯消毒液", site="中转站")
    with pytest.raises(ServiceError) as exc:
        fleet.disinfection_record(actor=supply, vehicle_id=v.pk, trip="T-1", agent="含氯消毒液", site="中转站")
    assert exc.value.status == 409
    fleet.disinfection_record(actor=supply, vehicle_id=v.pk, trip="T-2", agent="过氧乙酸", site="中转站")
    assert Disinfection.objects.filter(vehicle=v).count() == 2
    with pytest.raises(ServiceError):
        fleet.disinfection_record(actor=supply, vehicle_id=v.pk, trip="", agent="x", site="y")


def test_a_driver_change_keeps_the_pass_but_not_the_health_check(users, truck):
    supply, v = users["supply"], truck["vehicle"]
    fleet.driver_health_check(actor=supply, driver_id=truck["driver"].pk, negative=True)
    new = fleet.driver_register(actor=supply, name="李师傅", phone="13700002222")
    with pytest.raises(ServiceError) as exc:  # the old driver's check does not carry over to the new one
        fleet.vehicle_driver_change(actor=supply, vehicle_id=v.pk, driver_id=new.pk)
    assert exc.value.errors["driver"][0].code == "health_check_missing"
    fleet.driver_health_check(actor=supply, driver_id=new.pk, negative=True,
                              now=timezone.now() - dt.timedelta(hours=49))
    with pytest.raises(ServiceError):  # too old
        fleet.vehicle_driver_change(actor=supply, vehicle_id=v.pk, driver_id=new.pk)
    fleet.driver_health_check(actor=supply, driver_id=new.pk, negative=True)
    serial = v.permit.serial
    v = fleet.vehicle_driver_change(actor=supply, vehicle_id=v.pk, driver_id=new.pk)
    v.permit.refresh_from_db()
    assert v.permit.serial == serial and v.permit.driver_name == "李师傅" and v.permit.revoked_at is None
    seen = verify_at(actor=users["guard_a"], checkpoint_id=truck["gate"].pk, code=pass_token(v.permit))
    assert seen["result"] == "allowed"


def test_white_listed_drivers_are_known_to_the_platform(users, truck):
    from shaodian.testing.city import resident_in

    d = truck["driver"]
    d.resident = resident_in("grid_a", 2)
    d.save(update_fields=["resident"])
    assert fleet.whitelisted_resident_ids() == {d.resident_id}


def test_bad_vehicles_and_foreign_drivers_are_refused(users, truck):
    supply = users["supply"]
    with pytest.raises(ServiceError):
        fleet.vehicle_register(actor=supply, plate="A1")
    with pytest.raises(ServiceError) as exc:
        fleet.vehicle_register(actor=supply, plate="川A12345")
    assert exc.value.errors["plate"][0].code == "duplicate"
    with pytest.raises(ServiceError):
        fleet.driver_register(actor=supply, name="王师傅", phone="123")
    with pytest.raises(ServiceError):
        fleet.disinfection_record(actor=users["grid_a"], vehicle_id=truck["vehicle"].pk, trip="T", agent="a", site="b")
