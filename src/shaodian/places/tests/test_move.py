"""Moving and merging subtrees (撤街道并社区) keeps every row below consistent."""

import pytest

from shaodian.errors import ServiceError
from shaodian.people.models import Resident
from shaodian.places import services
from shaodian.places.models import Building, Household, Place, PlaceKind, Unit
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db

SCOPED = (Building, Unit, Household, Resident)


def assert_consistent():
    """Every scoped row's ancestor columns equal those of its grid, and every place's of its parent."""
    for p in Place.objects.exclude(kind=PlaceKind.CITY):
        parent = p.parent
        for level in ("city", "district", "street", "community"):
            if level == p.kind:
                assert getattr(p, f"{level}_id") == p.pk
            elif level in ("city", "district", "street", "community") and parent is not None:
                expected = parent.pk if parent.kind == level else getattr(parent, f"{level}_id")
                if level != p.kind and ["city", "district", "street", "community", "grid"].index(level) < [
                    "city", "district", "street", "community", "grid"].index(p.kind):
                    assert getattr(p, f"{level}_id") == expected, (p, level)
    grids = {g.pk: g for g in Place.objects.filter(kind=PlaceKind.GRID)}
    for model in SCOPED:
        for row in model.objects.all():
            g = grids[row.grid_id]
            assert (row.city_id, row.district_id, row.street_id, row.community_id) == (
                g.city_id, g.district_id, g.street_id, g.community_id), (model, row.pk)


def test_a_new_street_takes_a_community_and_everything_follows(users):
    admin = users["admin"]
    district = Place.objects.get(kind="district")
    new_street = services.place_create(kind="street", name="新设街道", code="110105099", parent=district)
    community = Place.objects.filter(kind="community").first()
    n = Resident.objects.filter(community_id=community.pk).count()
    services.place_move(actor=admin, node=community, new_parent=new_street)
    assert Resident.objects.filter(street_id=new_street.pk).count() == n > 0
    assert_consistent()
    assert AuditLog.objects.filter(action="move", object_id=str(community.pk)).exists()


def test_flattening_removes_the_street_level(users):
    admin = users["admin"]
    district = Place.objects.get(kind="district")
    streets = list(Place.objects.filter(kind="street"))
    for community in Place.objects.filter(kind="community"):
        services.place_move(actor=admin, node=community, new_parent=district)
    assert not Resident.objects.filter(street__in=streets).exists()
    assert Resident.objects.filter(street__isnull=True).count() == Resident.objects.count()
    assert_consistent()


def test_merging_two_communities(users):
    admin = users["admin"]
    a, b = Place.objects.filter(kind="community").order_by("id")[:2]
    total = Resident.objects.filter(community_id__in=[a.pk, b.pk]).count()
    services.place_merge(actor=admin, source=a, target=b)
    a.refresh_from_db()
    assert not a.active and Resident.objects.filter(community_id=b.pk).count() == total
    assert_consistent()


def test_merging_two_grids(users):
    admin = users["admin"]
    a, b = Place.objects.filter(kind="grid").order_by("id")[:2]
    total = Resident.objects.filter(grid_id__in=[a.pk, b.pk]).count()
    services.place_merge(actor=admin, source=a, target=b)
    assert Resident.objects.filter(grid_id=b.pk).count() == total
    assert_consistent()


def test_illegal_moves_are_refused(users):
    admin, grid_a = users["admin"], users["grid_a"]
    community = Place.objects.filter(kind="community").first()
    grid = Place.objects.filter(kind="grid", community_id=community.pk).first()
    with pytest.raises(ServiceError):
        services.place_move(actor=admin, node=community, new_parent=grid)  # below itself / wrong level
    with pytest.raises(ServiceError):
        services.place_move(actor=grid_a, node=community, new_parent=Place.objects.get(kind="district"))
    city = Place.objects.get(kind="city")
    with pytest.raises(ServiceError):
        services.place_move(actor=admin, node=city, new_parent=community)
    assert_consistent()


def test_the_tree_page_moves_and_merges(client_as, users):
    client = client_as("commander")
    community = Place.objects.filter(kind="community").first()
    assert "place_edit" not in client.get(f"/places/{community.pk}/").content.decode()  # url name is not shown
    page = client.get(f"/places/{community.pk}/").content.decode()
    assert f"/places/{community.pk}/edit/" in page
    title = page[page.index("<title>"):page.index("</title>")]
    assert "<" not in title[7:] and community.name in title
    district = Place.objects.get(kind="district")
    r = client.post(f"/places/{community.pk}/edit/", {"action": "move", "move-parent": district.pk})
    assert r.status_code == 302
    community.refresh_from_db()
    assert community.parent_id == district.pk and community.street_id is None
    assert_consistent()
    assert client_as("staff_a").post(f"/places/{community.pk}/edit/", {"action": "move", "move-parent": district.pk}).status_code == 403
