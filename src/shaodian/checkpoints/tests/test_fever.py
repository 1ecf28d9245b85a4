"""A fever at the gate (issue 9, item 4): at or above 37.3 ℃ the verdict is never green."""

import json

import pytest

from shaodian.checkpoints import services
from shaodian.checkpoints.models import ScanAlert
from shaodian.people.models import Resident
from shaodian.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_scope():
    services._scope_cache.clear()
    yield
    services._scope_cache.clear()


@pytest.fixture
def gate(users):
    community = Place.objects.get(pk=users["staff_a"].node_id)
    return services.checkpoint_create(actor=users["staff_a"], place=community, name="东门", kind="community_gate")


@pytest.fixture
def healthy(users):
    from shaodian.checkpoints.health import flags_for

    residents = list(Resident.objects.filter(community_id=users["staff_a"].node_id).order_by("pk")[:40])
    flagged = flags_for([r.pk for r in residents])
    return next(r for r in residents if r.pk not in flagged)


def verify(api, gate, code, temperature=None):
    body = {"code": code} if temperature is None else {"code": code, "temperature": temperature}
    return api.post(f"/api/v1/checkpoints/{gate.pk}/verify", json.dumps(body), content_type="application/json")


def test_a_temperature_of_38_6_is_not_a_green_light(api_as, gate, healthy):
    res = verify(api_as("guard_a"), gate, services.identity_token(healthy), 38.6)
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["result"] == "fever" and body["fever"] is True
    assert "38.6" in body["message_zh"] and "复测" in body["message_zh"] and "发热门诊" in body["message_zh"]
    assert "fever clinic" in body["message_en"]


@pytest.mark.parametrize(("temperature", "result"), [(37.2, "allowed"), (37.3, "fever"), (41.0, "fever")])
def test_the_line_is_37_3(api_as, gate, healthy, temperature, result):
    assert verify(api_as("guard_a"), gate, services.identity_token(healthy), temperature).json()["result"] == result


def test_without_a_reading_the_verdict_is_unchanged(api_as, gate, healthy):
    body = verify(api_as("guard_a"), gate, services.identity_token(healthy)).json()
    assert body["result"] == "allowed" and body["fever"] is False


def test_a_case_with_a_fever_stays_a_case(api_as, users, gate, healthy):
    from django.utils import timezone

    from shaodian.tracing import services as tracing

    tracing.case_register(actor=users["cdc"], resident_id=healthy.pk, kind="confirmed", test_date=timezone.localdate())
    body = verify(api_as("guard_a"), gate, services.identity_token(healthy), 38.6).json()
    assert body["result"] == "case_or_contact" and body["fever"] is True


@pytest.mark.parametrize("temperature", [29.9, 45.1, "hot"])
def test_an_impossible_reading_is_refused(api_as, gate, healthy, temperature):
    assert verify(api_as("guard_a"), gate, services.identity_token(healthy), temperature).status_code == 422


def test_the_reading_is_recorded_and_alerts_the_community(api_as, users, gate, healthy):
    from django.utils import timezone

    api = api_as("guard_a")
    item = {"client_id": "fever-1", "person": services.identity_token(healthy), "checkpoint": gate.pk,
            "at": timezone.now().isoformat(), "direction": "in", "temperature": 38.6}
    [result] = api.post("/api/v1/scans/batch", json.dumps({"scans": [item]}), content_type="application/json").json()["results"]
    assert result["status"] == "accepted" and result["alert"]["kinds"] == ["fever"]
    alert = ScanAlert.objects.get(client_id="fever-1")
    assert alert.temperature == 38.6 and alert.community_id == users["staff_a"].node_id


def test_an_id_card_number_is_verified_and_answered_with_the_persons_code(api_as, users, gate):
    theirs = Resident.objects.filter(grid_id=users["grid_b"].node_id).order_by("pk").first()
    body = verify(api_as("guard_a"), gate, theirs.id_number).json()
    assert body["result"] in ("allowed", "case_or_contact", "under_monitoring"), body
    assert body["name"] == services.mask_name(theirs.name)
    assert body["resident_id"] is None  # not guard_a's resident: its internal id means nothing there
    assert services.token_payload(body["person"])["id"] == Resident.objects.get(pk=theirs.pk).qr_id
    assert theirs.id_number not in json.dumps(body)
    wrong = theirs.id_number[:17] + next(c for c in "0123456789X" if c != theirs.id_number[17])
    body = verify(api_as("guard_a"), gate, wrong).json()
    assert body["result"] == "invalid" and "校验位" in body["message_zh"]
