"""The negative list (CHK-3): closures on flagged places are refused, with the reason, and nothing is closed."""

import pytest

from shaodian.errors import ServiceError
from shaodian.measures import closures
from shaodian.measures.models import Closure
from shaodian.places.models import Place
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def flagged_grid(users, flags=",fire_lane,") -> Place:
    grid = Place.objects.get(pk=users["grid_a"].node_id)
    grid.flags = flags
    grid.save(update_fields=["flags"])
    return grid


def test_it_refuses_a_closure_on_a_fire_lane_and_keeps_the_attempt(users):
    grid = flagged_grid(users)
    with pytest.raises(ServiceError) as exc:
        closures.closure_create(actor=users["staff_a"], place_id=grid.pk, description="3号楼北侧通道",
                                closure_type="movable_barrier", emergency_channel="南门")
    assert exc.value.errors["place"][0].code == "negative_list.fire_lane"
    assert "消防" in exc.value.errors["place"][0].zh
    assert not Closure.objects.exists()
    denied = AuditLog.objects.get(object_type="closure", action="denied")
    assert denied.detail["place"] == grid.pk


def test_it_refuses_a_welded_door_and_a_closure_without_an_emergency_channel(users):
    grid = Place.objects.get(pk=users["grid_a"].node_id)
    with pytest.raises(ServiceError) as exc:
        closures.closure_create(actor=users["staff_a"], place_id=grid.pk, description="1单元门",
                                closure_type="welded_door", emergency_channel="")
    assert {m.code for ms in exc.value.errors.values() for m in ms} == {
        "negative_list.forbidden_type", "negative_list.no_emergency_channel"}
    assert not Closure.objects.exists()


def test_it_records_a_lawful_closure(users):
    grid = Place.objects.get(pk=users["grid_a"].node_id)
    c = closures.closure_create(actor=users["staff_a"], place_id=grid.pk, description="小区西门",
                                closure_type="staffed_checkpoint", emergency_channel="东门24小时值守",
                                on_duty_contact="值班室")
    assert c.grid_id == grid.pk and c.emergency_channel == "东门24小时值守"


def test_only_command_takes_a_flag_off(users):
    grid = flagged_grid(users)
    with pytest.raises(ServiceError) as exc:
        closures.place_flags_set(actor=users["staff_a"], place_id=grid.pk, flags=[])
    assert exc.value.status == 403
    closures.place_flags_set(actor=users["staff_a"], place_id=grid.pk, flags=["fire_lane", "emergency_exit"])
    closures.place_flags_set(actor=users["street_a"], place_id=grid.pk, flags=[])
    grid.refresh_from_db()
    assert grid.flags == ""


def test_the_closures_page_shows_the_refusal(users, client_as):
    grid = flagged_grid(users)
    client = client_as("staff_a")
    response = client.post("/measures/closures/", {"place": grid.pk, "description": "消防通道口",
                                                                   "closure_type": "movable_barrier",
                                                                   "emergency_channel": "南门"})
    assert response.status_code == 422
    assert "消防通道不得封堵" in response.content.decode()
    assert "消防通道不得封堵" in client.get("/measures/closures/").content.decode()


def test_it_records_who_ordered_a_closure_and_needs_a_name_unless_the_government_did(users):
    grid = Place.objects.get(pk=users["grid_a"].node_id)
    lawful = dict(actor=users["staff_a"], place_id=grid.pk, description="5号楼单元门", closure_type="monitored_door",
                  emergency_channel="单元门内侧可开")
    with pytest.raises(ServiceError) as exc:
        closures.closure_create(**lawful, ordered_by="property_company")
    assert exc.value.errors["ordered_by_name"][0].code == "ordered_by_name"
    with pytest.raises(ServiceError) as exc:
        closures.closure_create(**lawful, ordered_by="landlord", ordered_by_name="某人")
    assert exc.value.errors["ordered_by"][0].code == "ordered_by"
    with pytest.raises(ServiceError) as exc:
        closures.closure_create(**lawful, ordered_by="individual", ordered_by_name="某" * 101)
    assert "ordered_by_name" in exc.value.errors
    assert not Closure.objects.exists()
    c = closures.closure_create(**lawful, ordered_by="property_company", ordered_by_name="  海棠物业   三分公司 ")
    assert (c.ordered_by, c.ordered_by_name) == ("property_company", "海棠物业 三分公司")
    assert closures.closure_create(**lawful).ordered_by == "government"


def test_the_closures_page_asks_who_ordered_it_and_shows_it(client_as, users):
    grid = Place.objects.get(pk=users["grid_a"].node_id)
    page = client_as("staff_a")
    form = {"action": "create", "place": grid.pk, "description": "2号楼东侧门", "closure_type": "movable_barrier",
            "emergency_channel": "西门", "ordered_by": "committee", "ordered_by_name": ""}
    refused = page.post("/measures/closures/", form)
    assert refused.status_code == 422 and "请写明决定封闭的单位或个人名称" in refused.content.decode()
    assert page.post("/measures/closures/", {**form, "ordered_by_name": "幸福社区居委会"}).status_code == 302
    listed = page.get("/measures/closures/").content.decode()
    assert "居（村）委会" in listed and "幸福社区居委会" in listed
