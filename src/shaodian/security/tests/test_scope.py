"""The one way to scope: `for_user` empties what a user may not see, `get_scoped` answers one NotFound."""

import pytest
from django.contrib.auth.models import AnonymousUser

from shaodian.errors import NotFound
from shaodian.people.models import Resident
from shaodian.places.models import Building, Household, Place, PlaceKind
from shaodian.security.models import User
from shaodian.security.roles import Perm
from shaodian.places.selectors import scoped_places
from shaodian.security.scope import get_scoped, scoped
from shaodian.tracing.models import Case

pytestmark = pytest.mark.django_db


def test_it_keeps_a_grid_worker_to_their_grid(users):
    grid_a = users["grid_a"]
    mine = Resident.objects.for_user(grid_a, Perm.VIEW_RESIDENTS)
    assert mine.exists()
    assert set(mine.values_list("grid_id", flat=True)) == {grid_a.node_id}
    assert mine.count() == Resident.objects.filter(grid_id=grid_a.node_id).count()


def test_it_keeps_a_community_to_its_subtree(users):
    staff = users["staff_a"]
    mine = Household.objects.for_user(staff, Perm.VIEW_RESIDENTS)
    assert set(mine.values_list("community_id", flat=True)) == {staff.node_id}
    assert mine.count() == Household.objects.filter(community_id=staff.node_id).count()


def test_it_gives_nothing_to_a_role_without_the_permission(users):
    assert not Resident.objects.for_user(users["volunteer_a"], Perm.VIEW_RESIDENTS).exists()
    assert not Resident.objects.for_user(users["guard_a"], Perm.VIEW_RESIDENTS).exists()


def test_it_gives_nothing_to_a_user_without_a_node_or_a_login(users):
    nodeless = User(username="nowhere", role="community_staff", node=None, is_active=True)
    for user in (nodeless, AnonymousUser()):
        assert not Resident.objects.for_user(user, Perm.VIEW_RESIDENTS).exists()
        assert not Place.objects.for_user(user, Perm.VIEW_PLACES).exists()
        assert not scoped(user, Case.objects.all(), Perm.VIEW_CASES, via="resident__").exists()


def test_it_accepts_any_of_several_permissions(users):
    guard = users["guard_a"]
    assert not Building.objects.for_user(guard, Perm.VIEW_RESIDENTS).exists()
    assert Building.objects.for_user(guard, (Perm.VIEW_RESIDENTS, Perm.SCAN)).exists()


def test_a_grid_sees_itself_among_places(users):
    grid_a = users["grid_a"]
    assert list(scoped_places(grid_a).values_list("pk", flat=True)) == [grid_a.node_id]


def test_a_street_sees_its_own_places_only(users):
    street = users["street_a"]
    mine = scoped_places(street)
    assert mine.filter(pk=street.node_id).exists()
    assert set(mine.values_list("street_id", flat=True)) == {street.node_id}
    assert not mine.filter(kind=PlaceKind.DISTRICT).exists()


def test_it_scopes_a_model_through_its_resident(users):
    grid_a = users["grid_a"]
    resident = Resident.objects.filter(grid_id=grid_a.node_id).first()
    elsewhere = Resident.objects.exclude(grid_id=grid_a.node_id).first()
    mine = Case.objects.create(resident=resident, kind="confirmed", test_date="2026-01-01", registered_by=grid_a)
    theirs = Case.objects.create(resident=elsewhere, kind="confirmed", test_date="2026-01-01", registered_by=grid_a)
    seen = set(scoped(grid_a, Case.objects.all(), Perm.VIEW_CASES, via="resident__").values_list("pk", flat=True))
    assert mine.pk in seen and theirs.pk not in seen


def test_get_scoped_finds_a_row_inside(users):
    grid_a = users["grid_a"]
    resident = Resident.objects.filter(grid_id=grid_a.node_id).first()
    mine = Resident.objects.for_user(grid_a, Perm.VIEW_RESIDENTS)
    assert get_scoped(mine, resident.pk) == resident
    assert get_scoped(mine, str(resident.pk)) == resident


@pytest.mark.parametrize("pk", ["abc", "", None, "1.5", [1], 10**30, float("inf"), "outside", "missing"])
def test_get_scoped_answers_one_not_found(users, pk):
    grid_a = users["grid_a"]
    if pk == "outside":
        pk = Resident.objects.exclude(grid_id=grid_a.node_id).first().pk
    elif pk == "missing":
        pk = Resident.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(NotFound):
        get_scoped(Resident.objects.for_user(grid_a, Perm.VIEW_RESIDENTS), pk)
