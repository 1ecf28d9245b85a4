"""The scan table stays lean: every index and constraint on it is paid on each of millions of inserts."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from shaodian.checkpoints import api, scans, services
from shaodian.checkpoints.models import Scan
from shaodian.people.models import Resident

pytestmark = pytest.mark.django_db


def constraints() -> dict:
    with connection.cursor() as cur:
        return connection.introspection.get_constraints(cur, Scan._meta.db_table)


def test_it_has_the_primary_key_the_client_id_and_two_lookup_indexes_only():
    found = {tuple(c["columns"]): c for c in constraints().values() if c["index"] or c["unique"] or c["primary_key"]}
    assert set(found) == {("id",), ("client_id",), ("checkpoint_id", "at"), ("resident_id", "at")}, found
    assert found[("client_id",)]["unique"]


def test_it_has_no_foreign_key_constraints_in_the_database():
    assert not [c for c in constraints().values() if c["foreign_key"]]


def test_deleting_a_resident_still_deletes_their_scans(users):
    staff = users["staff_a"]
    gate = services.checkpoint_create(actor=staff, place=staff.node, name="东门", kind="community_gate")
    resident = Resident.objects.filter(community_id=staff.node_id).order_by("pk").first()
    at = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    services._scope_cache.clear()
    results = scans.scan_batch_ingest(actor=users["guard_a"], items=[
        {"client_id": "del-1", "person": resident.pk, "checkpoint": gate.pk, "at": at, "direction": "in"}])
    assert results[0]["status"] == "accepted"
    resident.delete()
    assert not Scan.objects.filter(client_id="del-1").exists()


def test_the_batch_answer_is_what_the_openapi_document_says(api_as, users):
    staff = users["staff_a"]
    gate = services.checkpoint_create(actor=staff, place=staff.node, name="东门", kind="community_gate")
    resident = Resident.objects.filter(community_id=staff.node_id).order_by("pk").first()
    at = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    items = [{"client_id": "s1", "person": resident.pk, "checkpoint": gate.pk, "at": at, "direction": "in"},
             {"client_id": "s1", "person": resident.pk, "checkpoint": gate.pk, "at": at, "direction": "in"},
             {"client_id": "s2", "person": resident.pk, "checkpoint": gate.pk, "at": at, "direction": "up"},
             "not a scan",
             {"client_id": "s3", "person": resident.pk, "checkpoint": gate.pk, "at": at, "direction": "in",
              "temperature": 38.6}]
    services._scope_cache.clear()
    res = api_as("guard_a").post("/api/v1/scans/batch", {"scans": items}, content_type="application/json")
    assert res.status_code == 200 and res["Content-Type"] == "application/json"
    answer = res.json()
    # exclude_unset: "alert" is sent only with the scans that raised one.
    assert api.BatchOut.model_validate(answer).model_dump(exclude_unset=True) == answer
    assert [r["status"] for r in answer["results"]] == ["accepted", "duplicate", "rejected", "rejected", "accepted"]
    assert answer["results"][4]["alert"]["kinds"] == ["fever"]
    assert set(answer["results"][2]) == {"client_id", "status", "reason", "code"}
