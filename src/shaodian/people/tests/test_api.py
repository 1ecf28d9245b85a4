"""The /api/v1 contract that phones, devices and other modules rely on."""

import json

import pytest

from shaodian.people.idcard import check_char
from shaodian.people.models import Resident
from shaodian.places.models import Household

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_it_issues_a_token_and_lists_residents(client, users):
    r = post(client, "/api/v1/auth/token", {"username": "grid_a", "password": "shaodian-demo"})
    assert r.status_code == 200
    token = r.json()["token"]
    r = client.get("/api/v1/residents", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"items", "next"}
    item = body["items"][0]
    assert set(item) == {"id", "name", "id_number_masked", "phone_masked", "household_id", "grid_id", "tags"}
    assert "********" in item["id_number_masked"]
    assert {i["grid_id"] for i in body["items"]} == {users["grid_a"].node_id}


def test_the_cursor_walks_every_page(api_as, users):
    client = api_as("grid_a")
    ids, url = [], "/api/v1/residents"
    while url:
        body = client.get(url).json()
        ids += [i["id"] for i in body["items"]]
        url = f"/api/v1/residents?cursor={body['next']}" if body["next"] else None
    assert ids == sorted(Resident.objects.filter(grid_id=users["grid_a"].node_id).values_list("id", flat=True), reverse=True)


def test_wrong_password_and_missing_token(client):
    assert post(client, "/api/v1/auth/token", {"username": "grid_a", "password": "nope"}).status_code == 401
    assert client.get("/api/v1/residents").status_code == 401
    assert client.get("/api/v1/residents", HTTP_AUTHORIZATION="Bearer sd_forged").status_code == 401


def test_detail_is_404_outside_the_jurisdiction(api_as, users):
    client = api_as("grid_a")
    own = Resident.objects.filter(grid_id=users["grid_a"].node_id).first()
    other = Resident.objects.filter(grid_id=users["grid_b"].node_id).first()
    assert client.get(f"/api/v1/residents/{own.pk}").status_code == 200
    r = client.get(f"/api/v1/residents/{other.pk}")
    assert r.status_code == 404 and r.json()["msg_zh"]
    assert client.get("/api/v1/residents/999999999").status_code == 404


def test_create_returns_201_and_422_with_field_errors(api_as, users):
    client = api_as("grid_a")
    h = Household.objects.filter(grid_id=users["grid_a"].node_id).first()
    first17 = "11010519800202003"
    good = {"name": "钱七", "id_number": first17 + check_char(first17), "phone": "13911112222", "household_id": h.pk}
    r = post(client, "/api/v1/residents", good)
    assert r.status_code == 201 and Resident.objects.filter(pk=r.json()["id"], name="钱七").exists()
    r = post(client, "/api/v1/residents", good | {"id_number": first17 + "Y", "phone": "99"})
    assert r.status_code == 422
    fields = {d["loc"][-1] for d in r.json()["detail"]}
    assert fields == {"id_number", "phone"}
    assert all(d["msg_zh"] and d["msg_en"] for d in r.json()["detail"])
    other = Household.objects.filter(grid_id=users["grid_b"].node_id).first()
    r = post(client, "/api/v1/residents", good | {"household_id": other.pk, "id_number": "11010519491231002X"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "household_id"


def test_malformed_bodies_get_422_not_500(api_as):
    client = api_as("grid_a")
    assert client.post("/api/v1/residents", "{not json", content_type="application/json").status_code in (400, 422)
    assert post(client, "/api/v1/residents", {"name": "x"}).status_code == 422
    assert post(client, "/api/v1/residents", {"name": "x", "id_number": "1", "household_id": "abc"}).status_code == 422
    assert client.get("/api/v1/residents?cursor=abc").status_code == 422
    assert client.get("/api/v1/residents?limit=100000").status_code == 422


def test_household_and_children(api_as, users):
    client = api_as("staff_a")
    h = Household.objects.filter(grid_id=users["grid_a"].node_id, current_residents__isnull=False).first()
    body = client.get(f"/api/v1/households/{h.pk}").json()
    assert body["id"] == h.pk and body["members"]
    children = client.get(f"/api/v1/places/{users['staff_a'].node_id}/children").json()
    assert children["items"] and all(c["kind"] == "grid" for c in children["items"])
    assert client.get(f"/api/v1/places/{users['grid_b'].node.community_id}/children").status_code == 404


def test_openapi_is_served(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert {"/api/v1/residents", "/api/v1/residents/{resident_id}", "/api/v1/auth/token"} <= set(paths)


def test_a_revoked_token_stops_working(client):
    token = post(client, "/api/v1/auth/token", {"username": "grid_a", "password": "shaodian-demo"}).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/residents", **auth).status_code == 200
    assert client.delete("/api/v1/auth/token", **auth).status_code == 204
    assert client.get("/api/v1/residents", **auth).status_code == 401
