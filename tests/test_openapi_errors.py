"""The OpenAPI document lists every route's error answers with the one error body, and the answers match it."""

import json

import pytest

from shaodian.schema_types import ApiError

pytestmark = pytest.mark.django_db

REF = "#/components/schemas/ApiError"


@pytest.fixture
def schema(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.json()


def test_every_route_documents_its_error_answers(schema):
    assert set(schema["components"]["schemas"]["ApiError"]["required"]) == {"detail", "msg_zh", "msg_en"}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            expected = {"400", "403", "404", "422"}
            if op.get("security"):
                expected.add("401")
            if "requestBody" in op:
                expected.add("415")
            for code in expected:
                answer = op["responses"].get(code)
                assert answer, f"{method.upper()} {path} does not document {code}"
                assert answer["content"]["application/json"]["schema"]["$ref"] == REF, (method, path, code)


def test_the_error_answers_match_the_documented_body(client, api_as):
    answers = {
        401: client.get("/api/v1/residents"),
        400: client.post("/api/v1/auth/token", "{", content_type="application/json"),
        415: client.post("/api/v1/auth/token", "{}", content_type="text/plain"),
    }
    answers[403] = api_as("supervisor").get("/api/v1/keys")
    low = api_as("grid_a")
    answers[404] = low.get("/api/v1/residents/99999999")
    answers[422] = low.post("/api/v1/passes", json.dumps({"kind": 1}), content_type="application/json")
    for status, r in answers.items():
        assert r.status_code == status, (status, r.status_code, r.content[:200])
        body = ApiError.model_validate(r.json())
        assert body.msg_zh and body.msg_en
    assert isinstance(ApiError.model_validate(answers[422].json()).detail, list)
