"""The measures API: an illegal transition is a 422 with the bilingual reason, and nothing changes."""

import pytest

from shaodian.measures.models import Measure
from shaodian.measures.tests.helpers import advance, building_of, propose

pytestmark = pytest.mark.django_db


def test_an_illegal_transition_is_a_422_with_both_languages(users, clock, api_as):
    m = propose(users, building_of(users["grid_a"]), clock)
    before = Measure.objects.get(pk=m.pk).state
    response = api_as("street_a").post(f"/api/v1/measures/{m.pk}/approve")
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["type"] == "wrong_status" and detail["msg_zh"] and detail["msg_en"]
    assert Measure.objects.get(pk=m.pk).state == before


def test_the_wrong_role_is_forbidden(users, clock, api_as):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "legal_review")
    response = api_as("staff_a").post(f"/api/v1/measures/{m.pk}/legal-approve",
                                      {"legal_basis": ["《中华人民共和国传染病防治法》第四十二条"]},
                                      content_type="application/json")
    assert response.status_code == 403


def test_it_proposes_and_reads_a_measure(users, clock, api_as):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    api = api_as("staff_a")
    response = api.post("/api/v1/measures", {
        "building_id": building_of(users["grid_a"]).pk, "zone": "sealed", "static_level": "sealed",
        "restrictions": ["stay_at_home"], "reason": "病例", "starts_at": (now + dt.timedelta(days=2)).isoformat(),
        "ends_at": (now + dt.timedelta(days=20)).isoformat()}, content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "term_too_long"
    response = api.post("/api/v1/measures", {
        "building_id": building_of(users["grid_a"]).pk, "zone": "sealed", "static_level": "sealed",
        "restrictions": ["stay_at_home"], "reason": "病例", "starts_at": (now + dt.timedelta(days=2)).isoformat(),
        "ends_at": (now + dt.timedelta(days=9)).isoformat()}, content_type="application/json")
    assert response.status_code == 201
    body = api.get(f"/api/v1/measures/{response.json()['id']}").json()
    assert body["status"] == "draft" and body["granularity"] == "building" and body["needs_vote"]
