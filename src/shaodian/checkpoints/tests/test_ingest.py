"""Scan batches (POST /api/v1/scans/batch): idempotent on client_id, one bad scan never sinks the batch."""

import base64
import datetime as dt
import json

import pytest
from django.utils import timezone

from shaodian.checkpoints import scans, services, signing
from shaodian.checkpoints.models import Scan
from shaodian.people.models import Resident
from shaodian.places.models import Place

pytestmark = pytest.mark.django_db

URL = "/api/v1/scans/batch"
OTHER_KEY = base64.b64encode(b"another-signing-key-32-bytes-ok!").decode()


@pytest.fixture(autouse=True)
def fresh_scope():
    # Checkpoint ids are cached per user for 30 s; rolled-back ids must not leak into the next test.
    services._scope_cache.clear()
    yield
    services._scope_cache.clear()


@pytest.fixture
def added():
    """How many scans were stored since the test began (the demo city has its own)."""
    before = Scan.objects.count()
    return lambda: Scan.objects.count() - before


@pytest.fixture
def community(users):
    return Place.objects.get(pk=users["staff_a"].node_id)


@pytest.fixture
def gate(users, community):
    return services.checkpoint_create(actor=users["staff_a"], place=community, name="东门", kind="community_gate")


@pytest.fixture
def market(users, community):
    return services.checkpoint_create(actor=users["staff_a"], place=community, name="菜市场", kind="market")


@pytest.fixture
def far(users):
    """A checkpoint in grid_b's grid, in the other community: outside guard_a's jurisdiction."""
    return services.checkpoint_create(actor=users["admin"], place=users["grid_b"].node, name="西门", kind="community_gate")


@pytest.fixture
def lane(users):
    """A checkpoint inside grid_a's grid: every role that scans in community A may scan there."""
    return services.checkpoint_create(actor=users["staff_a"], place=users["grid_a"].node, name="小区北口", kind="road")


@pytest.fixture
def resident(community):
    return Resident.objects.filter(community_id=community.pk).order_by("pk").first()


@pytest.fixture
def guard(api_as):
    return api_as("guard_a")


def send(client, items):
    return client.post(URL, json.dumps({"scans": items}), content_type="application/json")


def ingest(client, items) -> list[dict]:
    res = send(client, items)
    assert res.status_code == 200, res.content
    return res.json()["results"]


def scan(client_id, person, checkpoint, *, at=None, direction="in", **extra):
    at = at if at is not None else (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    return {"client_id": client_id, "person": person, "checkpoint": checkpoint, "at": at, "direction": direction,
            **extra}


def statuses(results):
    return [r["status"] for r in results]


def codes(results):
    return [r["code"] for r in results]


def medical_pass(users, resident, checkpoints, *, start=None, end=None):
    start = start or timezone.now() - dt.timedelta(hours=1)
    end = end or start + dt.timedelta(days=2)
    return services.pass_issue(actor=users["staff_a"], kind="medical", checkpoint_ids=[c.pk for c in checkpoints],
                               valid_from=start, valid_to=end, reason="透析复诊", resident_id=resident.pk)


# --- order, idempotency -------------------------------------------------------------------------------


def test_it_answers_in_the_order_received(guard, gate, resident):
    items = [scan("o1", resident.pk, gate.pk), scan("o2", resident.pk, 99_999_999), scan("o3", resident.pk, gate.pk,
             direction="out")]
    results = ingest(guard, items)
    assert [r["client_id"] for r in results] == ["o1", "o2", "o3"]
    assert statuses(results) == ["accepted", "rejected", "accepted"]
    stored = Scan.objects.get(client_id="o3")
    assert (stored.resident_id, stored.checkpoint_id, stored.direction) == (resident.pk, gate.pk, "out")


def test_it_stores_the_scan_as_sent(users, guard, gate, resident):
    at = timezone.now().replace(microsecond=250_000) - dt.timedelta(minutes=3)
    ingest(guard, [scan("s1", str(resident.pk), str(gate.pk), at=at.astimezone(dt.timezone(dt.timedelta(hours=8)))
                        .isoformat(), temperature=36.6)])
    row = Scan.objects.get(client_id="s1")
    assert (row.resident_id, row.checkpoint_id, row.at, row.temperature) == (resident.pk, gate.pk, at, 36.6)
    assert row.device_user_id == users["guard_a"].pk and row.received_at is not None
    # Stored in the form the ORM's own lookups compare against.
    assert Scan.objects.filter(at=at, client_id="s1").exists()
    assert Scan.objects.filter(at__gt=at - dt.timedelta(microseconds=1), at__lt=at + dt.timedelta(microseconds=1),
                               client_id="s1").exists()


def test_it_is_idempotent_on_client_id(added, guard, gate, market, resident):
    items = [scan(f"i{n}", resident.pk, (gate, market)[n % 2].pk) for n in range(20)]
    assert statuses(ingest(guard, items)) == ["accepted"] * 20
    assert statuses(ingest(guard, items)) == ["duplicate"] * 20
    assert added() == 20


def test_it_keeps_client_ids_as_text(added, guard, gate, resident):
    items = [scan(cid, resident.pk, gate.pk) for cid in ("007", "7", "7.0", "７", "扫码-1")]
    assert statuses(ingest(guard, items)) == ["accepted"] * 5
    assert statuses(ingest(guard, items)) == ["duplicate"] * 5
    assert set(Scan.objects.filter(client_id__in=["007", "7", "7.0", "７", "扫码-1"]).values_list("client_id", flat=True)) == \
        {"007", "7", "7.0", "７", "扫码-1"}
    assert added() == 5


def test_it_keeps_the_first_of_duplicates_inside_one_batch(added, guard, gate, market, resident):
    items = [scan("d1", resident.pk, gate.pk), scan("d1", resident.pk, market.pk), scan("d2", resident.pk, gate.pk)]
    assert statuses(ingest(guard, items)) == ["accepted", "duplicate", "accepted"]
    assert Scan.objects.get(client_id="d1").checkpoint_id == gate.pk
    assert added() == 2


def test_it_stores_a_retry_of_a_rejected_scan_in_the_same_batch(guard, gate, resident):
    # "duplicate" tells the phone the scan is stored: it must not be said of one that never was.
    items = [scan("r1", resident.pk, gate.pk, direction="sideways"), scan("r1", resident.pk, gate.pk)]
    assert statuses(ingest(guard, items)) == ["rejected", "accepted"]
    assert Scan.objects.filter(client_id="r1").count() == 1


def test_it_reports_a_retry_of_a_stored_scan_as_duplicate_even_if_now_invalid(guard, gate, resident):
    ingest(guard, [scan("x1", resident.pk, gate.pk)])
    assert statuses(ingest(guard, [scan("x1", resident.pk, 99_999_999)])) == ["duplicate"]


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


# --- the batch as a whole -------------------------------------------------------------------------------


def test_it_refuses_more_than_5000_items(added, guard, gate, resident):
    res = send(guard, [scan(f"n{n}", resident.pk, gate.pk) for n in range(scans.BATCH_MAX + 1)])
    assert res.status_code == 422
    assert added() == 0


def test_it_refuses_a_body_without_a_list(guard):
    assert guard.post(URL, json.dumps({"scans": {"a": 1}}), content_type="application/json").status_code == 422
    assert guard.post(URL, json.dumps({}), content_type="application/json").status_code == 422


def test_the_service_refuses_more_than_5000_items(users, gate, resident):
    from shaodian.errors import ServiceError

    with pytest.raises(ServiceError) as err:
        scans.scan_batch_ingest(actor=users["guard_a"], items=[{}] * (scans.BATCH_MAX + 1))
    assert err.value.status == 422


@pytest.mark.parametrize("username", ["commander", "cdc", "street_a", "legal", "supply", "volunteer_a", "supervisor"])
def test_it_forbids_roles_that_may_not_scan(added, api_as, gate, resident, username):
    res = send(api_as(username), [scan("f", resident.pk, gate.pk)])
    assert res.status_code == 403, res.content
    assert added() == 0


def test_it_requires_authentication(client, gate, resident):
    assert send(client, [scan("f", resident.pk, gate.pk)]).status_code == 401


@pytest.mark.parametrize("username", ["guard_a", "staff_a", "grid_a", "admin"])
def test_it_lets_roles_that_scan_send_in_their_jurisdiction(api_as, lane, resident, username):
    assert statuses(ingest(api_as(username), [scan(f"r-{username}", resident.pk, lane.pk)])) == ["accepted"]


def test_it_scopes_grid_workers_to_their_grid(api_as, lane, far, resident):
    # A visitor from community A shows their code at grid_b's gate: the checkpoint decides, not where they live.
    code = services.identity_token(resident)
    results = ingest(api_as("grid_b"), [scan("gb1", code, lane.pk), scan("gb2", code, far.pk)])
    assert statuses(results) == ["rejected", "accepted"]


def test_it_accepts_5000_scans_in_one_call(added, guard, gate, market, resident):
    people = list(Resident.objects.filter(community_id=resident.community_id).values_list("pk", flat=True)[:200])
    tokens = [services.identity_token(r) for r in Resident.objects.filter(pk__in=people[:20])]
    now = timezone.now()
    items = [scan(f"big-{n:05d}", tokens[n % 20] if n % 10 == 0 else people[n % len(people)], (gate, market)[n % 2].pk,
                  at=(now - dt.timedelta(seconds=n)).isoformat(), direction=("in", "out")[n % 3 == 0],
                  temperature=36.0 + n % 10 / 10)
             for n in range(scans.BATCH_MAX)]
    results = ingest(guard, items)
    assert statuses(results) == ["accepted"] * scans.BATCH_MAX
    assert [r["client_id"] for r in results] == [i["client_id"] for i in items]
    assert added() == scans.BATCH_MAX
    assert statuses(ingest(guard, items)) == ["duplicate"] * scans.BATCH_MAX
    assert added() == scans.BATCH_MAX


def test_it_inserts_a_batch_in_few_queries(django_assert_max_num_queries, users, gate, resident):
    items = [scan(f"q{n}", resident.pk, gate.pk) for n in range(2000)]
    with django_assert_max_num_queries(8):
        results = scans.scan_batch_ingest(actor=users["guard_a"], items=items)
    assert statuses(results) == ["accepted"] * 2000


def test_it_accepts_the_typed_short_code_and_fills_the_holder_of_a_lone_pass(users, gate, resident):
    import datetime as dt

    from django.utils import timezone

    from shaodian.checkpoints.models import Scan

    services.identity_token(resident)
    resident.refresh_from_db()
    now = timezone.now()
    permit = services.pass_issue(actor=users["staff_a"], kind="medical", checkpoint_ids=[gate.pk], reason="复诊",
                                 valid_from=now - dt.timedelta(hours=1), valid_to=now + dt.timedelta(days=1),
                                 resident_id=resident.pk)
    items = [scan("typed", resident.qr_id.upper(), gate.pk),
             {"client_id": "lone-pass", "pass": services.pass_token(permit), "checkpoint": gate.pk,
              "at": now.isoformat(), "direction": "in"}]
    assert statuses(scans.scan_batch_ingest(actor=users["guard_a"], items=items)) == ["accepted", "accepted"]
    assert Scan.objects.get(client_id="typed").resident_id == resident.pk
    assert Scan.objects.get(client_id="lone-pass").resident_id == resident.pk
