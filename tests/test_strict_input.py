"""Strict input at the API: ids are JSON integers, bodies are JSON, every text has a length that is refused above it."""

import json

import pytest
from axes.models import AccessAttempt

from shaodian.measures.models import Closure
from shaodian.people.models import Resident
from shaodian.places.models import Household, Place

pytestmark = pytest.mark.django_db


def post(client, path, body, content_type="application/json"):
    return client.post(path, json.dumps(body), content_type=content_type)


@pytest.mark.parametrize("household_id", [True, "1", 1.0, [1]])
def test_a_household_id_of_true_is_not_household_1(api_as, users, household_id):
    before = Resident.objects.count()
    r = post(api_as("staff_a"), "/api/v1/residents", {"name": "严格", "id_number": "11010519880808888X",
                                                      "household_id": household_id})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "household_id", r.content
    assert Resident.objects.count() == before


def test_a_json_body_sent_as_text_plain_is_refused(api_as, client):
    body = {"username": "staff_a", "password": "shaodian-demo"}
    for kind in ["text/plain", "application/x-www-form-urlencoded"]:
        r = post(client, "/api/v1/auth/token", body, content_type=kind)
        assert r.status_code == 415, (kind, r.status_code)
        assert "application/json" in r.json()["msg_zh"] and r.json()["msg_en"]
    assert post(client, "/api/v1/auth/token", body, "application/json; charset=utf-8").status_code == 200


def test_a_body_that_is_not_json_answers_400_with_a_message(client):
    r = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["msg_zh"] and r.json()["msg_en"]


def test_a_300000_character_withdraw_reason_is_refused(api_as):
    r = post(api_as("staff_a"), "/api/v1/measures/1/withdraw", {"reason": "撤" * 300_000})
    assert r.status_code == 422
    [item] = r.json()["detail"]
    assert item["type"] == "string_too_long" and "2000" in item["msg_zh"]


def test_an_oversized_username_is_refused_before_the_lockout_table_stores_it(client):
    before = AccessAttempt.objects.count()
    huge = "u" * 1_000_000
    r = post(client, "/api/v1/auth/token", {"username": huge, "password": "wrong-password"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "string_too_long"
    page = client.post("/login/", {"username": huge, "password": "wrong-password"})
    assert page.status_code == 200
    assert AccessAttempt.objects.count() == before
    assert not AccessAttempt.objects.filter(username__startswith="uuuu").exists()


def test_closure_texts_longer_than_allowed_are_refused_not_cut(api_as, client_as, users):
    place = Place.objects.filter(kind="grid", pk=users["grid_a"].node_id).get()
    body = {"place_id": place.pk, "description": "东门" * 101, "closure_type": "hard_barrier",
            "emergency_channel": "北门留通道", "on_duty_contact": "值守"}
    r = post(api_as("staff_a"), "/api/v1/closures", body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "description"
    page = client_as("staff_a").post("/measures/closures/", {"place": place.pk, **{k: v for k, v in body.items()
                                                                                   if k != "place_id"}})
    assert page.status_code == 422
    assert not Closure.objects.filter(description__startswith="东门东门").exists()


def test_every_text_field_in_every_schema_has_a_maximum_length():
    from shaodian.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    missing = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "string" and "maxLength" not in node and "format" not in node and "enum" not in node:
                missing.append(where)
            if node.get("type") == "array" and "maxItems" not in node:
                missing.append(where + "[]")
            for k, v in node.items():
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    inputs = set()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            for p in op.get("parameters", []):
                walk(p["schema"], f"{method} {path} ?{p['name']}")
            for content in op.get("requestBody", {}).get("content", {}).values():
                inputs.add(content["schema"]["$ref"].rsplit("/", 1)[-1])
    for name in sorted(inputs):
        walk(components[name], name)
    assert not missing, missing


def test_household_ids_in_paths_are_digits_only(api_as):
    household = Household.objects.order_by("pk").first()
    assert api_as("admin").get(f"/api/v1/households/{household.pk}").status_code == 200
    for bad in ["true", "1.0", "-1", "0"]:
        assert api_as("admin").get(f"/api/v1/households/{bad}").status_code == 422, bad
