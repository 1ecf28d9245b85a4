"""Tree edits keep the shape 市—区—街—社—网: a node moves only under a parent of the right kind.

The defect: "移动到" offered the district and streets as the new parent of a grid; moving a grid
under a street left its rows without a community, so the community's staff lost sight of them and
their residents answered 404.
"""

import re

import pytest

from shaodian.errors import ServiceError
from shaodian.people.models import Resident
from shaodian.places import services
from shaodian.places.models import Place, PlaceKind
from shaodian.places.rules import PARENT_KINDS, parent_allowed
from shaodian.places.tests.test_move import assert_consistent
from shaodian.security.models import AuditLog

ORDER = ["city", "district", "street", "community", "grid"]


@pytest.mark.parametrize("kind", ORDER)
@pytest.mark.parametrize("parent", [None, *ORDER])
def test_it_allows_one_level_up_and_a_community_under_its_district(kind, parent):
    """Reference: exactly one level up, plus 撤街道并社区 (a community directly under a district)."""
    if parent is None:
        expected = kind == "city"
    else:
        up = ORDER.index(kind) - ORDER.index(parent)
        expected = up == 1 or (kind, parent) == ("community", "district")
    assert parent_allowed(kind, parent) is expected
    assert set(PARENT_KINDS) == set(ORDER)


def _grid_and_street(users):
    staff = users["staff_a"]
    grid = Place.objects.filter(kind=PlaceKind.GRID, community_id=staff.node_id).order_by("code").last()
    return grid, Place.objects.get(pk=grid.street_id)


@pytest.mark.django_db
def test_moving_a_grid_under_a_street_is_refused_with_a_message(users):
    grid, street = _grid_and_street(users)
    with pytest.raises(ServiceError) as caught:
        services.place_move(actor=users["admin"], node=grid, new_parent=street)
    msg = caught.value.errors["parent"][0]
    assert "网格只能设在社区下" in msg.zh and "A grid can only hang under a community" in msg.en
    grid.refresh_from_db()
    assert grid.parent_id != street.pk and grid.community_id is not None
    assert_consistent()


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "parent_kind"), [
    ("grid", "district"), ("grid", "city"), ("community", "city"), ("street", "city"), ("street", "street"),
    ("community", "community"), ("district", "district"),
])
def test_moves_to_a_parent_of_the_wrong_kind_are_refused(users, kind, parent_kind):
    node = Place.objects.filter(kind=kind).order_by("code").last()
    parent = Place.objects.filter(kind=parent_kind).exclude(pk=node.pk).exclude(pk=node.parent_id).first() \
        or Place.objects.filter(kind=parent_kind).exclude(pk=node.pk).first()
    if parent is None:  # the test city has one district and one street: make a second
        above = Place.objects.get(kind=PARENT_KINDS[parent_kind][0], pk=node.district_id if parent_kind == "street" else node.city_id)
        parent = services.place_create(kind=parent_kind, name="另设", code="110199", parent=above)
    before = Place.objects.get(pk=node.pk)
    with pytest.raises(ServiceError) as caught:
        services.place_move(actor=users["admin"], node=node, new_parent=parent)
    assert caught.value.errors["parent"][0].code == "level"
    node.refresh_from_db()
    assert (node.parent_id, node.community_id, node.street_id) == (before.parent_id, before.community_id, before.street_id)


@pytest.mark.django_db
def test_moving_into_a_closed_node_is_refused(users):
    admin = users["admin"]
    a, b = Place.objects.filter(kind=PlaceKind.COMMUNITY).order_by("code")[:2]
    services.place_merge(actor=admin, source=a, target=b)
    grid = Place.objects.filter(kind=PlaceKind.GRID, community_id=b.pk).first()
    with pytest.raises(ServiceError) as caught:
        services.place_move(actor=admin, node=grid, new_parent=Place.objects.get(pk=a.pk))
    assert caught.value.errors["parent"][0].code == "inactive"


def _options(html: str, select_name: str) -> list[int]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, html
    return [int(v) for v in re.findall(r'<option value="(\d+)"', select.group(1))]


@pytest.mark.django_db
def test_the_move_form_offers_only_parents_of_the_right_kind(client_as, users):
    client = client_as("commander")
    grid, street = _grid_and_street(users)
    offered = Place.objects.filter(pk__in=_options(client.get(f"/places/{grid.pk}/").content.decode(), "move-parent"))
    assert offered and {p.kind for p in offered} == {"community"}
    assert grid.parent_id not in {p.pk for p in offered}
    community = Place.objects.get(pk=grid.community_id)
    offered = Place.objects.filter(pk__in=_options(client.get(f"/places/{community.pk}/").content.decode(), "move-parent"))
    assert offered and {p.kind for p in offered} <= {"street", "district"}
    # Only inside the commander's district, only open nodes.
    assert all(p.district_id == users["commander"].node_id and p.active for p in offered)
    merge = Place.objects.filter(pk__in=_options(client.get(f"/places/{community.pk}/").content.decode(), "merge-target"))
    assert merge and {p.kind for p in merge} == {"community"} and community not in merge


@pytest.mark.django_db
def test_posting_a_grid_under_a_street_changes_nothing_and_staff_keep_every_grid(client_as, users):
    staff = users["staff_a"]
    grids_before = set(Place.objects.filter(kind="grid", community_id=staff.node_id).values_list("pk", flat=True))
    residents_before = Resident.objects.filter(community_id=staff.node_id).count()
    grid, street = _grid_and_street(users)
    client = client_as("commander")
    r = client.post(f"/places/{grid.pk}/edit/", {"action": "move", "move-parent": street.pk})
    assert r.status_code == 422
    page = r.content.decode()
    assert "不能设在所选节点下" in page and 'id="tree-edit" open' in page
    grid.refresh_from_db()
    assert grid.parent_id == grid.community_id == staff.node_id
    assert set(Place.objects.filter(kind="grid", community_id=staff.node_id).values_list("pk", flat=True)) == grids_before
    assert Resident.objects.filter(community_id=staff.node_id).count() == residents_before
    assert not AuditLog.objects.filter(action="move", object_type="place", object_id=str(grid.pk)).exists()
    staff_client = client_as("staff_a")
    assert staff_client.get(f"/places/{grid.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_page_moves_a_grid_to_another_community_as_offered(client_as, users):
    client = client_as("commander")
    grid, _street = _grid_and_street(users)
    offered = _options(client.get(f"/places/{grid.pk}/").content.decode(), "move-parent")
    target = Place.objects.get(pk=offered[0])
    r = client.post(f"/places/{grid.pk}/edit/", {"action": "move", "move-parent": target.pk}, follow=True)
    assert r.status_code == 200 and f"{grid.name} 已移到 {target.name} 下" in r.content.decode()
    grid.refresh_from_db()
    assert grid.parent_id == grid.community_id == target.pk
    assert_consistent()


@pytest.mark.django_db
def test_merging_a_community_moves_its_accounts_to_the_surviving_node(client_as, users):
    """The staff, guard and volunteer of a merged community were left on the closed node (issue 8, item 11)."""
    staff = users["staff_a"]
    source = Place.objects.get(pk=staff.node_id)
    target = Place.objects.filter(kind=PlaceKind.COMMUNITY, active=True).exclude(pk=source.pk).order_by("code").first()
    on_source = {"staff_a", "guard_a", "volunteer_a"}
    assert {u.username for u in source.users.all()} >= on_source
    client = client_as("commander")
    r = client.post(f"/places/{source.pk}/edit/", {"action": "merge", "merge-target": target.pk}, follow=True)
    assert r.status_code == 200
    page = r.content.decode()
    source.refresh_from_db()
    assert not source.active
    assert not source.users.exists()
    moved = {u.username for u in Place.objects.get(pk=target.pk).users.all()}
    assert moved >= on_source
    # The admin is told who moved, by display name.
    for name in ("社区工作者甲", "卡口值守甲", "志愿者甲"):
        assert name in page
    logged = AuditLog.objects.filter(action="update", object_type="user", detail__reason="merge")
    assert {int(x) for x in logged.values_list("object_id", flat=True)} >= {users[n].pk for n in on_source}
    # They still see their residents, now under the surviving community.
    staff_client = client_as("staff_a")
    assert staff_client.get("/residents/").status_code == 200
    assert Resident.objects.filter(community_id=target.pk).exists()
