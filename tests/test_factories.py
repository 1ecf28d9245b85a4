"""The factories write rows as the services do, and the fixture city is the one its docstring describes."""

import pytest

from shaodian.people import idcard
from shaodian.people.models import Resident
from shaodian.people.selectors import id_hashes, phone_hashes
from shaodian.places.models import Place, PlaceKind
from shaodian.security.models import RoleChoice
from shaodian.testing import city
from shaodian.testing import factories as f

pytestmark = pytest.mark.django_db


def test_a_resident_has_a_valid_number_the_lookup_hashes_and_its_grids_scope():
    r = f.ResidentFactory()
    assert idcard.validate_resident_id(r.id_number) == r.id_number
    assert r.id_hash == id_hashes(r.id_number)["id_hash"] and r.phone_hash == phone_hashes(r.phone)["phone_hash"]
    grid = Place.objects.get(pk=r.grid_id)
    assert (r.city_id, r.district_id, r.street_id, r.community_id) == (
        grid.city_id, grid.district_id, grid.street_id, grid.community_id)
    assert r.links.get().is_current and idcard.sex_of(r.id_number) == r.sex


def test_a_crowd_is_many_distinct_people_in_one_grid():
    grid = f.GridFactory()
    people = f.crowd(grid, 60)
    assert Resident.objects.filter(grid_id=grid.pk).count() == 60
    assert len({p.id_hash for p in people}) == 60
    assert all(idcard.validate_resident_id(p.id_number) for p in people)


def test_a_user_logs_in_with_the_demo_password(client):
    user = f.UserFactory(role=RoleChoice.COMMUNITY_STAFF, node=f.CommunityFactory())
    assert user.check_password(f.PASSWORD) and user.can_view_residents


def test_a_pass_a_case_and_a_contact_stand_on_their_own():
    gate = f.CheckpointFactory()
    permit = f.PassFactory(checkpoints=[gate])
    assert list(permit.checkpoints.all()) == [gate]
    contact = f.ContactFactory()
    assert contact.case.resident_id != contact.resident_id


def test_the_fixture_city_has_its_shape_its_users_and_its_named_people(users):
    kinds = {k: Place.objects.filter(kind=k, code__startswith="1201").count() for k in PlaceKind.values}
    assert kinds == {"city": 1, "district": 1, "street": 2, "community": 4, "grid": 8}
    assert {u for u, *_ in city.USERS} <= set(users)
    grid_a, grid_b = users["grid_a"].node, users["grid_b"].node
    assert grid_a.community_id != grid_b.community_id and grid_a.street_id == grid_b.street_id
    first = city.resident_in("grid_a", 0)
    assert first.name == city.name_of(0, 0) and first.tag_list == ["dialysis"] and first.care_notes.exists()
    assert Resident.objects.filter(grid_id=grid_a.pk).count() == len(city.GRID_PEOPLE)
