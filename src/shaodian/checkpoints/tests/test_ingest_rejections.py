"""Scan ingest: each rejection, one by one, beside an accepted scan in the same batch."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from shaodian.checkpoints import scans, services, signing
from shaodian.checkpoints.models import Scan
from shaodian.people.models import Resident

from shaodian.checkpoints.tests.ingest_scene import OTHER_KEY, ingest, scan, statuses, medical_pass

pytestmark = pytest.mark.django_db


# --- rejections, one by one, beside an accepted scan ----------------------------------------------------


def assert_rejected(client, bad: dict, code: str, good: dict):
    results = ingest(client, [good, bad])
    assert statuses(results) == ["accepted", "rejected"], results
    assert results[1]["code"] == code, results
    assert results[1]["reason"] and " / " in results[1]["reason"]
    assert Scan.objects.filter(client_id=good["client_id"]).exists()
    assert not Scan.objects.filter(client_id=bad.get("client_id") or "").exists()


def test_it_rejects_an_unknown_checkpoint(guard, gate, resident):
    assert_rejected(guard, scan("b", resident.pk, 99_999_999), "unknown_checkpoint", scan("g", resident.pk, gate.pk))


def test_it_rejects_a_checkpoint_outside_the_jurisdiction(guard, gate, far, resident):
    assert_rejected(guard, scan("b", resident.pk, far.pk), "unknown_checkpoint", scan("g", resident.pk, gate.pk))


def test_it_rejects_a_checkpoint_that_is_not_a_number(guard, gate, resident):
    for value in ("东门", True, None, [gate.pk], "²", "1.5"):
        assert_rejected(guard, scan(f"b{value}", resident.pk, value), "unknown_checkpoint",
                        scan(f"g{value}", resident.pk, gate.pk))


def test_it_rejects_a_time_more_than_5_minutes_ahead(guard, gate, resident):
    ahead = (timezone.now() + dt.timedelta(minutes=6)).isoformat()
    assert_rejected(guard, scan("b", resident.pk, gate.pk, at=ahead), "future", scan("g", resident.pk, gate.pk))


def test_it_accepts_a_clock_slightly_ahead(guard, gate, resident):
    ahead = (timezone.now() + dt.timedelta(minutes=4)).isoformat()
    assert statuses(ingest(guard, [scan("a", resident.pk, gate.pk, at=ahead)])) == ["accepted"]


def test_it_rejects_a_naive_time(guard, gate, resident):
    naive = (timezone.localtime() - dt.timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    assert_rejected(guard, scan("b", resident.pk, gate.pk, at=naive), "bad_time", scan("g", resident.pk, gate.pk))


@pytest.mark.parametrize("at", ["yesterday", "2026-13-01T10:00:00+08:00", "", 1_700_000_000, {}])
def test_it_rejects_a_malformed_time(guard, gate, resident, at):
    assert_rejected(guard, scan("b", resident.pk, gate.pk, at=at), "bad_time",
                    scan("g", resident.pk, gate.pk))


def test_it_rejects_a_time_older_than_30_days(guard, gate, resident):
    old = (timezone.now() - dt.timedelta(days=31)).isoformat()
    assert_rejected(guard, scan("b", resident.pk, gate.pk, at=old), "too_old", scan("g", resident.pk, gate.pk))


@pytest.mark.parametrize("token", ["SD1.garbage", "SD1.@@@.###", "SD2.abc.def", "not a code", "SD1..", "²"])
def test_it_rejects_a_malformed_token(guard, gate, resident, token):
    assert_rejected(guard, scan("b", token, gate.pk), "malformed", scan("g", resident.pk, gate.pk))


def test_it_rejects_a_token_signed_with_another_key(guard, gate, resident):
    services.identity_token(resident)
    forged = signing.sign(signing.Keys.from_seed(OTHER_KEY), {"k": "p", "id": resident.qr_id})
    assert_rejected(guard, scan("b", forged, gate.pk), "forged", scan("g", resident.pk, gate.pk))


def test_it_rejects_a_tampered_token(guard, gate, resident):
    token = services.identity_token(resident)
    head, body, sig = token.split(".")
    other = signing.b64e(json.dumps({"id": "0" * 20, "k": "p"}, separators=(",", ":")).encode())
    assert_rejected(guard, scan("b", f"{head}.{other}.{sig}", gate.pk), "forged", scan("g", resident.pk, gate.pk))


def test_it_accepts_a_resident_token(guard, gate, resident):
    results = ingest(guard, [scan("t", services.identity_token(resident), gate.pk)])
    assert statuses(results) == ["accepted"]
    assert Scan.objects.get(client_id="t").resident_id == resident.pk


def test_it_rejects_a_token_whose_code_was_reissued(users, guard, gate, resident):
    old = services.identity_token(resident)
    new = services.identity_reissue(actor=users["staff_a"], resident=resident)
    assert_rejected(guard, scan("b", old, gate.pk), "unknown_person", scan("g", new, gate.pk))
    assert Scan.objects.get(client_id="g").resident_id == resident.pk


def test_it_rejects_a_pass_token_as_a_person(users, guard, gate, resident):
    token = services.pass_token(medical_pass(users, resident, [gate]))
    assert_rejected(guard, scan("b", token, gate.pk), "malformed", scan("g", resident.pk, gate.pk))


@pytest.mark.parametrize("person", [99_999_999, -1, 0, 2**63, 10**30, -(10**30)])
def test_it_rejects_an_unknown_resident_id(guard, gate, resident, person):
    assert_rejected(guard, scan("b", person, gate.pk), "unknown_person", scan("g", resident.pk, gate.pk))


@pytest.mark.parametrize("person", ["99999999999999999999999", "12a", [1], {"id": 1}, True, 36.5])
def test_it_rejects_a_person_that_is_neither_an_id_nor_a_token(guard, gate, resident, person):
    assert_rejected(guard, scan("b", person, gate.pk), "malformed" if not isinstance(person, bool) else "bad_person",
                    scan("g", resident.pk, gate.pk))


def test_it_rejects_a_scan_without_a_person(guard, gate, resident):
    assert_rejected(guard, scan("b", None, gate.pk), "no_person", scan("g", resident.pk, gate.pk))


def test_it_accepts_a_valid_pass(users, guard, gate, resident):
    permit = medical_pass(users, resident, [gate])
    results = ingest(guard, [scan("p", resident.pk, gate.pk, **{"pass": services.pass_token(permit)})])
    assert statuses(results) == ["accepted"]
    assert Scan.objects.get(client_id="p").permit_id == permit.pk


def test_it_rejects_a_revoked_pass(users, guard, gate, resident):
    permit = medical_pass(users, resident, [gate])
    token = services.pass_token(permit)
    services.pass_revoke(actor=users["staff_a"], permit=permit, reason="遗失")
    after = (permit.revoked_at + dt.timedelta(seconds=1)).isoformat()
    assert_rejected(guard, scan("b", resident.pk, gate.pk, at=after, **{"pass": token}), "revoked",
                    scan("g", resident.pk, gate.pk))


def test_it_accepts_a_pass_scanned_before_its_revocation(users, guard, gate, resident):
    permit = medical_pass(users, resident, [gate])
    token = services.pass_token(permit)
    services.pass_revoke(actor=users["staff_a"], permit=permit, reason="遗失")
    before = (permit.revoked_at - dt.timedelta(minutes=5)).isoformat()
    assert statuses(ingest(guard, [scan("p", resident.pk, gate.pk, at=before, **{"pass": token})])) == ["accepted"]


def test_it_rejects_an_expired_pass(users, guard, gate, resident):
    start = timezone.now() - dt.timedelta(days=3)
    permit = medical_pass(users, resident, [gate], start=start, end=start + dt.timedelta(days=1))
    assert_rejected(guard, scan("b", resident.pk, gate.pk, **{"pass": services.pass_token(permit)}), "expired",
                    scan("g", resident.pk, gate.pk))


def test_it_rejects_a_pass_for_another_checkpoint(users, guard, gate, market, resident):
    permit = medical_pass(users, resident, [market])
    assert_rejected(guard, scan("b", resident.pk, gate.pk, **{"pass": services.pass_token(permit)}),
                    "wrong_checkpoint", scan("g", resident.pk, market.pk, **{"pass": permit.serial}))


def test_it_rejects_someone_elses_pass(users, guard, gate, resident):
    permit = medical_pass(users, resident, [gate])
    other = Resident.objects.filter(community_id=resident.community_id).exclude(pk=resident.pk).first()
    assert_rejected(guard, scan("b", other.pk, gate.pk, **{"pass": services.pass_token(permit)}), "wrong_person",
                    scan("g", resident.pk, gate.pk))


@pytest.mark.parametrize("serial", ["0" * 16, "\x00bad", 42])
def test_it_rejects_an_unknown_pass(guard, gate, resident, serial):
    code = "unknown_pass" if isinstance(serial, str) else "malformed"
    assert_rejected(guard, scan("b", resident.pk, gate.pk, **{"pass": serial}), code, scan("g", resident.pk, gate.pk))


@pytest.mark.parametrize("direction", ["IN", "sideways", "", None, 1])
def test_it_rejects_a_bad_direction(guard, gate, resident, direction):
    assert_rejected(guard, scan("b", resident.pk, gate.pk, direction=direction), "bad_direction",
                    scan("g", resident.pk, gate.pk))


@pytest.mark.parametrize("temperature", [29.9, 45.1, -1, 1e308, "36.5", True])
def test_it_rejects_a_temperature_out_of_range(guard, gate, resident, temperature):
    assert_rejected(guard, scan("b", resident.pk, gate.pk, temperature=temperature), "bad_temperature",
                    scan("g", resident.pk, gate.pk, temperature=36.2))


@pytest.mark.parametrize("client_id", [None, "", "x" * 65, 17, "a\x00b", "\ud800"])
def test_it_rejects_a_missing_or_bad_client_id(added, guard, gate, resident, client_id):
    bad = scan("unused", resident.pk, gate.pk)
    if client_id is None:
        del bad["client_id"]
    else:
        bad["client_id"] = client_id
    results = ingest(guard, [scan("g", resident.pk, gate.pk), bad])
    assert statuses(results) == ["accepted", "rejected"] and results[1]["code"] == "bad_client_id", results
    assert added() == 1


@pytest.mark.parametrize("item", ["scan", 42, None, [1, 2], True])
def test_it_rejects_an_item_that_is_not_an_object(users, gate, resident, item):
    results = scans.scan_batch_ingest(actor=users["guard_a"], items=[item, scan("g", resident.pk, gate.pk)])
    assert statuses(results) == ["rejected", "accepted"]
    assert results[0]["client_id"] is None and results[0]["code"] == "bad_client_id"


def test_it_rejects_an_item_that_is_not_an_object_through_the_api(guard, gate, resident):
    results = ingest(guard, ["scan", scan("g", resident.pk, gate.pk)])
    assert statuses(results) == ["rejected", "accepted"]


def test_it_mixes_every_outcome_in_one_batch(added, users, guard, gate, far, resident):
    ingest(guard, [scan("old", resident.pk, gate.pk)])
    results = ingest(guard, [
        scan("m1", resident.pk, gate.pk), scan("old", resident.pk, gate.pk), scan("m2", resident.pk, far.pk),
        {"person": resident.pk}, scan("m1", resident.pk, gate.pk), scan("m3", services.identity_token(resident), gate.pk),
    ])
    assert statuses(results) == ["accepted", "duplicate", "rejected", "rejected", "duplicate", "accepted"]
    assert added() == 3
