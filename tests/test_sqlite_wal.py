"""The SQLite write-ahead log stays bounded under sustained scan ingestion, and nothing acknowledged is lost.

The defect: under 8 concurrent senders the `-wal` file grew to 2.79 GB beside a 253 MB database and
kept that size after a clean shutdown. A passive auto-checkpoint cannot rewind the log while readers
keep arriving, and without `journal_size_limit` a log once grown is never shrunk. Here: a real
`shaodian serve --workers 2` on its own SQLite file, 8 client threads posting scan batches over
keep-alive HTTP for LOAD_SECONDS, the -wal file's size sampled throughout; then a clean stop.
"""

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

from .serving import PASSWORD, demo_site, free_port

LOAD_SECONDS = float(os.environ.get("SHAODIAN_WAL_TEST_SECONDS", "40"))
SENDERS = 8
BATCH = 500
# The bound the README states: the log is checkpointed and rewound once it passes
# SHAODIAN_SQLITE_WAL_CHECKPOINT_MB (32 by default); with the batches in flight it stays under this.
WAL_BOUND = 384 * 2**20
# After a clean stop the log is checkpointed and truncated.
WAL_AFTER_STOP = 1 * 2**20

GATES = """
import json
from shaodian.checkpoints import services
from shaodian.people.models import Resident
from shaodian.places.models import Place
from shaodian.security.models import User

staff = User.objects.get(username="staff_a")
community = Place.objects.get(pk=staff.node_id)
gates = [services.checkpoint_create(actor=staff, place=community, name=f"压测{n}号门", kind="community_gate").pk
         for n in range(4)]
people = list(Resident.objects.filter(community_id=community.pk).values_list("pk", flat=True)[:200])
print("FACTS" + json.dumps({"gates": gates, "people": people}))
"""


def _request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


@pytest.fixture(scope="module")
def site():
    with demo_site("wal", residents=300, seed=3) as site:
        yield site


def test_the_wal_stays_bounded_under_concurrent_ingestion_and_no_acknowledged_scan_is_lost(site):
    facts = site.facts(GATES)
    port = free_port()
    proc = subprocess.Popen([site.cli, "serve", "--port", str(port), "--workers", "2", "--threads", "4"],
                            cwd=site.data, env=site.env, stdout=site.log, stderr=subprocess.STDOUT)
    database = site.data / "wal.sqlite3"
    wal = Path(f"{database}-wal")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status, body = _request(conn, "POST", "/api/v1/auth/token",
                                        json.dumps({"username": "guard_a", "password": PASSWORD}),
                                        {"Content-Type": "application/json"})
                conn.close()
                if status == 200:
                    token = json.loads(body)["token"]
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "shaodian serve did not start"
            time.sleep(0.3)

        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        acknowledged: list[str] = []
        failures: list = []
        peak = [0]
        lock = threading.Lock()
        stop_at = time.monotonic() + LOAD_SECONDS

        def sender(n: int):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            i = 0
            try:
                while time.monotonic() < stop_at:
                    items = [{"client_id": str(uuid.uuid4()), "checkpoint": facts["gates"][(n + k) % 4],
                              "person": facts["people"][(n * 31 + i * 7 + k) % len(facts["people"])],
                              "at": "2026-11-27T10:00:00+08:00", "direction": "in" if k % 2 else "out"}
                             for k in range(BATCH)]
                    i += 1
                    status, body = _request(conn, "POST", "/api/v1/scans/batch", json.dumps({"scans": items}), headers)
                    if status != 200:
                        failures.append((status, body[:300]))
                        return
                    ok = [r["client_id"] for r in json.loads(body)["results"] if r["status"] == "accepted"]
                    with lock:
                        acknowledged.extend(ok)
            except Exception as exc:  # noqa: BLE001 — reported by the assertion below
                failures.append(exc)
            finally:
                conn.close()

        def watch():
            while time.monotonic() < stop_at + 5:
                try:
                    peak[0] = max(peak[0], wal.stat().st_size)
                except FileNotFoundError:
                    pass
                time.sleep(0.05)

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(SENDERS)] + [threading.Thread(target=watch)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failures:
            site.log.seek(0)
            pytest.fail(f"{failures[:2]}\n{site.log.read()[-6000:]}")
        assert len(acknowledged) >= 10 * BATCH, f"too little load to judge: {len(acknowledged)} scans"
        print(f"{len(acknowledged):,} scans in {LOAD_SECONDS:.0f} s; WAL peak {peak[0] / 2**20:.1f} MB")
        assert peak[0] < WAL_BOUND, f"WAL reached {peak[0] / 2**20:.0f} MB under load ({len(acknowledged):,} scans)"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    after = wal.stat().st_size if wal.exists() else 0
    assert after <= WAL_AFTER_STOP, f"WAL kept {after / 2**20:.0f} MB after a clean stop"
    with sqlite3.connect(database) as db:
        gates = ",".join(str(int(g)) for g in facts["gates"])  # made here: only this test's scans are there
        stored = [row[0] for row in db.execute(f"SELECT client_id FROM checkpoints_scan WHERE checkpoint_id IN ({gates})")]
    assert len(stored) == len(acknowledged) and set(stored) == set(acknowledged)
