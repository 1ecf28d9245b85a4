import datetime as dt
import json

import pytest
from django.utils import timezone

from shaodian.checkpoints import services
from shaodian.checkpoints.models import Checkpoint, Scan
from shaodian.people.models import Resident
from shaodian.places.models import Place

pytestmark = pytest.mark.django_db


def test_smoke(users, api_as):
    community = Place.objects.get(pk=users["staff_a"].node_id)
    cp = services.checkpoint_create(actor=users["staff_a"], place=community, name="东门", kind="community_gate")
    market = services.checkpoint_create(actor=users["staff_a"], place=community, name="菜市场", kind="market")
    r = Resident.objects.filter(community_id=community.pk).first()
    tok = services.identity_token(r)
    now = timezone.now()
    client = api_as("guard_a")
    items = [{"client_id": "a1", "person": tok, "checkpoint": market.pk, "at": (now - dt.timedelta(minutes=50)).isoformat(), "direction": "in"},
             {"client_id": "a2", "person": r.pk, "checkpoint": market.pk, "at": (now - dt.timedelta(minutes=10)).isoformat(), "direction": "out", "temperature": 36.5},
             {"client_id": "a3", "person": tok[:-3] + "AAA", "checkpoint": cp.pk, "at": now.isoformat(), "direction": "in"},
             {"client_id": "a1", "person": r.pk, "checkpoint": cp.pk, "at": now.isoformat(), "direction": "in"},
             {"client_id": "a4", "person": r.pk, "checkpoint": 99999, "at": now.isoformat(), "direction": "in"},
             {"client_id": "a5", "person": r.pk, "checkpoint": cp.pk, "at": (now + dt.timedelta(minutes=6)).isoformat(), "direction": "in"}]
    res = client.post("/api/v1/scans/batch", json.dumps({"scans": items}), content_type="application/json")
    assert res.status_code == 200, res.content
    print(res.json())
    assert [x["status"] for x in res.json()["results"]] == ["accepted", "accepted", "rejected", "duplicate", "rejected", "rejected"]
    assert Scan.objects.count() == 2
    v = client.post(f"/api/v1/checkpoints/{cp.pk}/verify", json.dumps({"code": tok}), content_type="application/json")
    assert v.json()["result"] == "allowed", v.content
    other = Resident.objects.filter(community_id=community.pk).exclude(pk=r.pk).first()
    items = [{"client_id": "b1", "person": other.pk, "checkpoint": market.pk, "at": (now - dt.timedelta(minutes=40)).isoformat(), "direction": "in"},
             {"client_id": "b2", "person": other.pk, "checkpoint": market.pk, "at": (now - dt.timedelta(minutes=30)).isoformat(), "direction": "out"}]
    client.post("/api/v1/scans/batch", json.dumps({"scans": items}), content_type="application/json")
    cdc = api_as("cdc")
    case = cdc.post("/api/v1/cases", json.dumps({"resident_id": r.pk, "kind": "confirmed", "onset_date": str(timezone.localdate()), "test_date": str(timezone.localdate())}), content_type="application/json")
    assert case.status_code == 201, case.content
    found = cdc.post("/api/v1/tracing/contacts", json.dumps({"case": case.json()["id"], "from": (now - dt.timedelta(days=1)).isoformat(), "to": now.isoformat(), "second_degree": True}), content_type="application/json")
    assert found.status_code == 200, found.content
    print(found.json())
    ids = [c["resident_id"] for c in found.json()["contacts"]]
    assert other.pk in ids
    c = next(c for c in found.json()["contacts"] if c["resident_id"] == other.pk)
    d = cdc.post(f"/api/v1/tracing/contacts/{c['id']}/decide", json.dumps({"confirm": True}), content_type="application/json")
    assert d.json()["status"] == "confirmed"
    tok2 = services.identity_token(other)
    client = api_as("guard_a")
    v = client.post(f"/api/v1/checkpoints/{cp.pk}/verify", json.dumps({"code": tok2}), content_type="application/json")
    assert v.json()["result"] == "case_or_contact", v.content
    assert client.get("/api/v1/checkpoints").json()["items"]
    assert client.get("/api/v1/keys").status_code == 200
