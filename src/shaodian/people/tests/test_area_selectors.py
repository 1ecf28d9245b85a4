"""People's selectors for other apps: a measure's area, whom a guard scanned, and malformed ids refused as NotFound."""

import pytest

from shaodian.errors import NotFound
from shaodian.people import selectors, services
from shaodian.people.models import Resident
from shaodian.places.models import Building, Household, Place

pytestmark = pytest.mark.django_db


def _building_area(user) -> selectors.Area:
    building = Building.objects.filter(grid_id=user.node_id).order_by("pk").first()
    return selectors.Area("grid", building.grid_id, building.pk)


def test_the_area_of_a_building_lists_its_households_for_its_own_community(users):
    area = _building_area(users["grid_a"])
    got = set(selectors.households_in(users["staff_a"], area).values_list("pk", flat=True))
    assert got == set(Household.objects.filter(unit__building_id=area.building_id).values_list("pk", flat=True))
    assert got


def test_an_area_outside_the_jurisdiction_gives_nothing(users):
    area = _building_area(users["grid_a"])
    assert not selectors.households_in(users["grid_b"], area).exists()
    assert selectors.resident_count_in(users["grid_b"], area) == 0
    assert selectors.special_group_in(users["grid_b"], area, ["dialysis", "elderly_alone"]) == []


def test_a_node_above_counts_the_whole_area(users):
    """A street-wide measure seen from a community: its vote and gate count the whole street."""
    street = Place.objects.get(pk=users["staff_a"].node.street_id)
    area = selectors.Area("street", street.pk)
    assert selectors.households_in(users["staff_a"], area).count() == Household.objects.filter(street_id=street.pk).count()


def test_a_resident_of_the_area_is_got_only_inside_the_users_own_jurisdiction(users):
    street = Place.objects.get(pk=users["staff_a"].node.street_id)
    area = selectors.Area("street", street.pk)
    mine = Resident.objects.filter(community_id=users["staff_a"].node_id).first()
    theirs = Resident.objects.filter(street_id=street.pk).exclude(community_id=users["staff_a"].node_id).first()
    assert selectors.resident_in_area_get(users["staff_a"], area, mine.pk) == mine
    if theirs is not None:
        with pytest.raises(NotFound):
            selectors.resident_in_area_get(users["staff_a"], area, theirs.pk)


def test_only_those_who_scan_find_a_person_by_code(users):
    resident = Resident.objects.exclude(community_id=users["guard_a"].node_id).first()
    resident.qr_id = "abcdef0123456789"
    resident.save(update_fields=["qr_id"])
    assert selectors.scanned_by_qr(users["guard_a"], "abcdef0123456789") == resident  # wherever they live
    assert selectors.scanned_by_qr(users["volunteer_a"], "abcdef0123456789") is None
    assert selectors.scanned_names(users["volunteer_a"], {resident.pk}) == {}
    assert selectors.scanned_names(users["guard_a"], {resident.pk}) == {resident.pk: selectors.crypto.mask_name(resident.name)}


def test_masked_names_leave_out_those_outside(users):
    grid_a = users["grid_a"]
    mine = Resident.objects.filter(grid_id=grid_a.node_id).first()
    theirs = Resident.objects.exclude(grid_id=grid_a.node_id).first()
    assert selectors.masked_names(grid_a, [mine.pk, theirs.pk, "x"]) == {mine.pk: selectors.crypto.mask_name(mine.name)}


@pytest.mark.parametrize("call", [
    lambda actor: services.resident_update(actor=actor, resident_id="abc", name="张三"),
    lambda actor: services.resident_reveal(actor=actor, resident_id="abc", field="phone", purpose="核实"),
    lambda actor: services.care_note_save(actor=actor, resident_id="abc", group="dialysis"),
])
def test_a_malformed_resident_id_is_not_found(users, call):
    with pytest.raises(NotFound):
        call(users["staff_a"])
