"""Household demand: the grid worker's entry, group orders, the resident's link (expired, revoked, another's),
special-group needs flagged, aggregation per community per day, and refusals outside the jurisdiction."""

import datetime as dt

import pytest
from django.utils import timezone

from shaodian.delivery import demand, selectors
from shaodian.delivery.models import Demand, DemandLink
from shaodian.delivery.tests.helpers import building_of, households_of
from shaodian.errors import NotFound, ServiceError

pytestmark = pytest.mark.django_db


def test_it_flags_a_household_with_special_group_members(users):
    home = households_of(building_of(users["grid_a"]))[0]  # a dialysis patient and an insulin user live here
    d = demand.demand_submit(actor=users["grid_a"], household_id=home.pk, kind="rice", quantity=2)
    assert d.special and "group:dialysis" in d.special_reason and "group:insulin" in d.special_reason
    assert d.community_id == users["staff_a"].node_id and d.day == timezone.localdate()


def test_it_flags_insulin_whoever_asks(users):
    building = building_of(users["grid_a"])
    d = demand.group_order_submit(actor=users["grid_a"], building_id=building.pk, kind="insulin", quantity=3,
                                  households=2)
    assert d.special and d.special_reason == "need:insulin" and d.household is None
    plain = demand.group_order_submit(actor=users["grid_a"], building_id=building.pk, kind="rice", quantity=30,
                                      households=4)
    assert not plain.special


def test_it_refuses_a_household_outside_the_jurisdiction(users):
    other = households_of(building_of(users["grid_b"]))[0]
    with pytest.raises(NotFound):
        demand.demand_submit(actor=users["grid_a"], household_id=other.pk, kind="rice", quantity=1)
    with pytest.raises(NotFound):
        demand.group_order_submit(actor=users["grid_a"], building_id=building_of(users["grid_b"]).pk, kind="rice",
                                  quantity=1, households=1)
    assert not Demand.objects.exists()


@pytest.mark.parametrize("kind,quantity", [("rice", 0), ("rice", 1000), ("caviar", 1), ("rice", "x")])
def test_it_refuses_bad_lines(users, kind, quantity):
    home = households_of(building_of(users["grid_a"]))[0]
    with pytest.raises(ServiceError):
        demand.demand_submit(actor=users["grid_a"], household_id=home.pk, kind=kind, quantity=quantity)


def test_a_volunteer_may_not_enter_demand(users):
    home = households_of(building_of(users["grid_a"]))[0]
    with pytest.raises(ServiceError) as exc:
        demand.demand_submit(actor=users["volunteer_a"], household_id=home.pk, kind="rice", quantity=1)
    assert exc.value.status == 403


def test_demand_is_summed_per_community_with_its_special_part(users):
    homes = households_of(building_of(users["grid_a"]))
    demand.demand_submit(actor=users["grid_a"], household_id=homes[0].pk, kind="rice", quantity=2)
    demand.group_order_submit(actor=users["grid_a"], building_id=building_of(users["grid_a"], 1).pk, kind="rice",
                              quantity=10, households=5)
    demand.demand_submit(actor=users["grid_b"], household_id=households_of(building_of(users["grid_b"]))[0].pk,
                         kind="rice", quantity=4)
    rows = selectors.demand_by_community(users["staff_a"], timezone.localdate())
    assert [(r["kind"], r["total"], r["special_total"], r["households"]) for r in rows] == [("rice", 12, 2, 6)]
    district = selectors.demand_by_community(users["commander"], timezone.localdate())
    assert sorted(r["total"] for r in district) == [4, 12]


def test_the_link_page_records_the_household_need(client, users):
    home = households_of(building_of(users["grid_a"], 1))[0]  # a child and a pregnant woman live here
    link, raw = demand.demand_link_issue(actor=users["grid_a"], household_id=home.pk)
    assert link.key_hash != raw and raw not in str(DemandLink.objects.values_list()[:])
    page = client.get(f"/public/need/{raw}/")
    assert page.status_code == 200 and home.address in page.content.decode()
    sent = client.post(f"/public/need/{raw}/", {"kind1": "baby_formula", "quantity1": "2", "kind2": "eggs",
                                                "quantity2": "1", "note": "孩子5岁"})
    assert sent.status_code == 200 and "已登记" in sent.content.decode()
    rows = list(Demand.objects.order_by("kind").values_list("household_id", "kind", "special", "channel"))
    assert rows == [(home.pk, "baby_formula", True, "link"), (home.pk, "eggs", True, "link")]


def test_a_link_names_only_its_own_household(client, users):
    homes = households_of(building_of(users["grid_a"]))
    _link, raw = demand.demand_link_issue(actor=users["grid_a"], household_id=homes[1].pk)
    body = client.get(f"/public/need/{raw}/").content.decode()
    assert homes[1].address in body and homes[0].address not in body
    # A household field sent along is no field of the form: the need lands on the link's household.
    client.post(f"/public/need/{raw}/", {"kind1": "rice", "quantity1": "1", "household": homes[0].pk})
    assert list(Demand.objects.values_list("household_id", flat=True)) == [homes[1].pk]


def test_an_expired_or_revoked_or_unknown_link_says_so(client, users):
    home = households_of(building_of(users["grid_a"]))[0]
    old, raw_old = demand.demand_link_issue(actor=users["grid_a"], household_id=home.pk, days=1,
                                            now=timezone.now() - dt.timedelta(days=2))
    page = client.get(f"/public/need/{raw_old}/")
    assert page.status_code == 410 and "已过期" in page.content.decode()
    assert client.post(f"/public/need/{raw_old}/", {"kind1": "rice", "quantity1": "1"}).status_code == 410
    link, raw = demand.demand_link_issue(actor=users["grid_a"], household_id=home.pk)
    demand.demand_link_revoke(actor=users["grid_a"], link_id=link.pk)
    page = client.get(f"/public/need/{raw}/")
    assert page.status_code == 410 and "已作废" in page.content.decode()
    assert client.get("/public/need/not-a-link/").status_code == 404
    assert not Demand.objects.exists()


def test_grid_b_cannot_revoke_grid_as_link(users):
    home = households_of(building_of(users["grid_a"]))[0]
    link, _raw = demand.demand_link_issue(actor=users["grid_a"], household_id=home.pk)
    with pytest.raises(NotFound):
        demand.demand_link_revoke(actor=users["grid_b"], link_id=link.pk)


def test_the_worker_page_enters_a_need_and_a_link(client_as, users):
    client = client_as("grid_a")
    home = households_of(building_of(users["grid_a"]))[0]
    page = client.get("/delivery/demand/new/")
    assert page.status_code == 200 and "录入需求" in page.content.decode()
    r = client.post("/delivery/demand/new/", {"form": "demand", "d-household": home.pk, "d-kind": "insulin",
                                              "d-quantity": "2"})
    assert r.status_code == 200 and Demand.objects.get().special
    r = client.post("/delivery/demand/new/", {"form": "link", "l-household": home.pk, "l-days": "3"})
    assert "/public/need/" in r.content.decode()
    bad = client.post("/delivery/demand/new/", {"form": "demand", "d-household": home.pk, "d-kind": "rice",
                                                "d-quantity": "0"})
    assert bad.status_code == 422 and Demand.objects.count() == 1
