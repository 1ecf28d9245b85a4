"""The last 100 metres: a round's door list (special-group first, names masked), idempotent taps, a close that
never lets a special-group door go unreached silently, surfacing the same day, and who sees which round."""

import pytest

from shaodian.core.models import OutboxItem
from shaodian.delivery import rounds
from shaodian.delivery.models import DeliveryRound, DeliveryStop, DeliveryTap
from shaodian.delivery.tests.helpers import building_of
from shaodian.errors import NotFound, ServiceError
from shaodian.security.models import User
from shaodian.testing.city import name_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_a(users):
    return rounds.round_create(actor=users["grid_a"], building_id=building_of(users["grid_a"], 1).pk,
                               volunteer_id=users["volunteer_a"].pk, drop_point="2栋东侧", goods="蔬菜包")


def test_the_door_list_puts_special_groups_first_and_masks_names(users):
    building = building_of(users["grid_a"])
    doors = rounds.door_list(users["grid_a"], building)
    assert [bool(d["special_tags"]) for d in doors] == sorted([bool(d["special_tags"]) for d in doors], reverse=True)
    first = doors[0]
    assert "dialysis" in first["special_tags"] and "insulin" in first["special_tags"]
    full = name_of(0, 0)
    assert full not in first["masked"] and full[0] in first["masked"]


def test_a_round_refuses_another_grids_building_and_an_unknown_volunteer(users):
    with pytest.raises(NotFound):
        rounds.round_create(actor=users["grid_a"], building_id=building_of(users["grid_b"]).pk,
                            volunteer_id=users["volunteer_a"].pk)
    with pytest.raises(ServiceError):
        rounds.round_create(actor=users["grid_a"], building_id=building_of(users["grid_a"]).pk,
                            volunteer_id=users["guard_a"].pk)
    assert not DeliveryRound.objects.exists()


def test_a_tap_sent_twice_counts_once(users, round_a):
    stop = round_a.stops.first()
    v = users["volunteer_a"]
    rounds.stop_mark(actor=v, stop_id=stop.pk, status="delivered", client_id="tap-1")
    again = rounds.stop_mark(actor=v, stop_id=stop.pk, status="delivered", client_id="tap-1")
    assert again.status == "delivered" and DeliveryTap.objects.count() == 1
    other = round_a.stops.exclude(pk=stop.pk).first()
    with pytest.raises(ServiceError) as exc:
        rounds.stop_mark(actor=v, stop_id=other.pk, status="delivered", client_id="tap-1")
    assert exc.value.status == 409
    other.refresh_from_db()
    assert other.status == "pending"


def test_not_reached_needs_a_reason(users, round_a):
    stop = round_a.stops.first()
    with pytest.raises(ServiceError):
        rounds.stop_mark(actor=users["volunteer_a"], stop_id=stop.pk, status="unreached", client_id="t2")
    stop.refresh_from_db()
    assert stop.status == "pending" and not DeliveryTap.objects.exists()


def test_a_special_group_door_cannot_be_left_silently(users, round_a):
    v = users["volunteer_a"]
    special = [s for s in round_a.stops.all() if s.special_tags]
    assert special, "the fixture building has special-group households"
    for s in round_a.stops.exclude(pk=special[0].pk):
        rounds.stop_mark(actor=v, stop_id=s.pk, status="delivered", client_id=f"ok-{s.pk}")
    with pytest.raises(ServiceError) as exc:
        rounds.round_close(actor=v, round_id=round_a.pk)
    assert special[0].label in str(exc.value)
    round_a.refresh_from_db()
    special[0].refresh_from_db()
    assert round_a.status == "open" and special[0].status == "pending"  # nothing half-done
    assert not OutboxItem.objects.filter(key__startswith=f"notify:delivery_round:{round_a.pk}").exists()
    rounds.round_close(actor=v, round_id=round_a.pk, reasons={special[0].pk: "敲门无人应答，电话未接"})
    round_a.refresh_from_db()
    special[0].refresh_from_db()
    assert round_a.status == "closed" and special[0].status == "unreached"
    told = OutboxItem.objects.filter(key__startswith=f"notify:delivery_round:{round_a.pk}:missed")
    assert told.filter(key__contains=f":{users['grid_a'].pk}:").exists()
    assert told.filter(key__contains=f":{users['staff_a'].pk}:").exists()
    assert "特殊群体" in told.first().payload["zh"]
    assert [s.pk for s in rounds.unreached_on(users["staff_a"], round_a.day)] == [special[0].pk]


def test_a_closed_round_takes_no_more_taps(users, round_a):
    for s in round_a.stops.all():
        rounds.stop_mark(actor=users["volunteer_a"], stop_id=s.pk, status="delivered", client_id=f"d-{s.pk}")
    rounds.round_close(actor=users["volunteer_a"], round_id=round_a.pk)
    with pytest.raises(ServiceError) as exc:
        rounds.stop_mark(actor=users["volunteer_a"], stop_id=round_a.stops.first().pk, status="unreached",
                         reason="x", client_id="late")
    assert exc.value.status == 409


def test_volunteers_see_only_their_rounds(users, round_a, client_as):
    other = User.objects.create(username="volunteer_a2", role="volunteer", node=users["volunteer_a"].node)
    mine = rounds.round_create(actor=users["grid_a"], building_id=building_of(users["grid_a"]).pk,
                               volunteer_id=other.pk)
    assert list(rounds.rounds_for(users["volunteer_a"])) == [round_a]
    with pytest.raises(NotFound):
        rounds.stop_mark(actor=users["volunteer_a"], stop_id=mine.stops.first().pk, status="delivered", client_id="x")
    client = client_as("volunteer_a")
    assert client.get(f"/delivery/rounds/{mine.pk}/").status_code == 404
    assert client.get(f"/delivery/rounds/{round_a.pk}/").status_code == 200
    home = client.get("/").content.decode()
    assert round_a.label in home


def test_grid_b_neither_sees_nor_taps_grid_as_round(users, round_a, client_as):
    stop = round_a.stops.first()
    with pytest.raises(NotFound):
        rounds.stop_mark(actor=users["grid_b"], stop_id=stop.pk, status="delivered", client_id="b-1")
    client = client_as("grid_b")
    assert client.get(f"/delivery/rounds/{round_a.pk}/").status_code == 404
    r = client.post(f"/delivery/rounds/{round_a.pk}/tap/", {"stop": stop.pk, "status": "delivered", "client_id": "b-2"})
    assert r.status_code == 404
    assert DeliveryStop.objects.get(pk=stop.pk).status == "pending"


def test_the_round_page_taps_and_closes(users, round_a, client_as):
    client = client_as("volunteer_a")
    stops = list(round_a.stops.all())
    for s in stops[:-1]:
        r = client.post(f"/delivery/rounds/{round_a.pk}/tap/", {"stop": s.pk, "status": "delivered",
                                                                 "client_id": f"p-{s.pk}"})
        assert r.status_code == 302
    last = stops[-1]
    r = client.post(f"/delivery/rounds/{round_a.pk}/close/", {"confirm": "1"})
    assert r.status_code == 422 if last.special_tags else 302
    r = client.post(f"/delivery/rounds/{round_a.pk}/close/", {"confirm": "1", f"reason_{last.pk}": "住户外出就医"})
    assert r.status_code == 302
    assert DeliveryStop.objects.get(pk=last.pk).reason == "住户外出就医"


def test_the_phone_sends_queued_taps_once(users, round_a, api_as):
    import json

    api = api_as("volunteer_a")
    listed = api.get("/api/v1/delivery/rounds").json()["items"]
    assert [r["id"] for r in listed] == [round_a.pk]
    doors = api.get(f"/api/v1/delivery/rounds/{round_a.pk}").json()["stops"]
    taps = [{"client_id": f"q-{d['id']}", "stop": d["id"], "status": "delivered"} for d in doors[:2]]
    taps.append({"client_id": "q-miss", "stop": doors[-1]["id"], "status": "unreached"})  # no reason: refused
    url = f"/api/v1/delivery/rounds/{round_a.pk}/taps"
    for _ in range(2):  # the network dropped the first answer: the phone sends the queue again
        out = api.post(url, json.dumps({"taps": taps}), content_type="application/json").json()["results"]
        assert [r["ok"] for r in out] == [True, True, False] and out[2]["message_zh"]
    assert DeliveryTap.objects.count() == 2
    other = rounds.round_create(actor=users["grid_a"], building_id=building_of(users["grid_a"]).pk,
                                volunteer_id=users["volunteer_a"].pk)
    foreign = {"client_id": "q-x", "stop": other.stops.first().pk, "status": "delivered"}
    assert api.post(url, json.dumps({"taps": [foreign]}), content_type="application/json").status_code == 404


def test_the_round_page_lists_doors_in_walking_order(users, client_as):
    """Rooms were listed as text: 1001 before 101, the tenth floor before the first."""
    from shaodian.testing.factories import BuildingFactory, HouseholdFactory, UnitFactory

    grid = users["grid_a"].node
    unit = UnitFactory(building=BuildingFactory(grid=grid, name="步行顺序1栋"))
    for room in ("1001", "201", "101", "1002", "102"):
        HouseholdFactory(unit=unit, room=room)
    r = rounds.round_create(actor=users["grid_a"], building_id=unit.building_id, volunteer_id=users["volunteer_a"].pk)
    page = client_as("volunteer_a").get(f"/delivery/rounds/{r.pk}/").content.decode()
    positions = [page.index(f"1单元{room}室") for room in ("101", "102", "201", "1001", "1002")]
    assert positions == sorted(positions)
    closing = [s.label.split("单元")[-1] for s in rounds.walking_order(r.stops.all())]
    assert closing == ["101室", "102室", "201室", "1001室", "1002室"]
