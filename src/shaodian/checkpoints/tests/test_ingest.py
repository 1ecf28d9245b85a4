"""Scan batches (POST /api/v1/scans/batch): idempotent on client_id, one bad scan never sinks the batch."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from shaodian.checkpoints import scans, services
from shaodian.checkpoints.models import Scan
from shaodian.people.models import Resident

from shaodian.checkpoints.tests.ingest_scene import URL, send, ingest, scan, statuses

pytestmark = pytest.mark.django_db


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
