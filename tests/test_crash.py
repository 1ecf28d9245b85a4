"""A server killed (SIGKILL) while phones send scan batches loses no acknowledged scan and stores none twice.

A real `shaodian serve` (tests/serving.py) on its own database (SQLite; also PostgreSQL when the suite runs on it,
in a scratch database created and dropped here) receives batches from a thread while the test
kills it mid-stream, twice. After each restart, every scan of every batch that got its HTTP 200
must be in the database before anything is resent; then everything is resent, and each client_id
must be stored exactly once, each batch wholly or not at all.
"""

import datetime as dt
import http.client
import json
import threading
import time

import pytest

from .serving import BACKENDS, ScratchDatabase, Site

BATCHES, PER_BATCH = 40, 500
KILLS = (4, 9)  # acknowledged batches (this round) after which the server is killed
SETUP = """
import json
from shaodian.checkpoints import services
from shaodian.people.models import Resident
from shaodian.security.models import User
staff = User.objects.get(username="staff_a")
gate = services.checkpoint_create(actor=staff, place=staff.node, name="压测东门", kind="community_gate")
# Bare ids count only inside the guard's own community.
guard = User.objects.get(username="guard_a")
people = list(Resident.objects.filter(community_id=guard.node.community_id).order_by("pk").values_list("pk", flat=True)[:300])
print(json.dumps({"checkpoint": gate.pk, "people": people}))
"""


def _client_ids(db: ScratchDatabase) -> list[str]:
    return [row[0] for row in db.rows("SELECT client_id FROM checkpoints_scan WHERE client_id LIKE 'crash-%'")]


def _request(site: Site, method, path, body=None, headers=None, conn=None):
    """(status, body); (0, b"") when the server is not there (or went away mid-request)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        if own:
            conn.close()


@pytest.fixture(params=BACKENDS)
def city(request):
    """(site, database, setup) for a fresh small demo city on the chosen database, not yet serving."""
    site = Site("crash")
    db = ScratchDatabase(request.param, site.data, "crash")
    site.env["SHAODIAN_DATABASE_URL"] = db.url
    try:
        site.run("migrate", "-v0")
        site.run("demo-city", "--residents", "400", "--seed", "5", "-v0")
        setup = json.loads(site.run("shell", "-c", SETUP).strip().splitlines()[-1])
        yield site, db, setup
    finally:
        site.close()
        db.drop()


def _batches(setup: dict) -> list[bytes]:
    """Every batch, the same bytes each time it is sent: client_ids crash-BB-NNN."""
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    people = setup["people"]
    out = []
    for b in range(BATCHES):
        scans = [{"client_id": f"crash-{b:02d}-{n:03d}", "person": people[(b * PER_BATCH + n) % len(people)],
                  "checkpoint": setup["checkpoint"], "direction": ("in", "out")[n % 2],
                  "at": (now - dt.timedelta(minutes=30, seconds=b * PER_BATCH + n)).isoformat()}
                 for n in range(PER_BATCH)]
        out.append(json.dumps({"scans": scans}).encode())
    return out


def _token(server: Site) -> str:
    status, body = _request(server, "POST", "/api/v1/auth/token", json.dumps({"username": "guard_a",
                                  "password": "shaodian-demo"}), {"Content-Type": "application/json"})
    assert status == 200, body
    return json.loads(body)["token"]


def _send(server: Site, token: str, bodies: list[bytes], acked: dict[int, list[str]], kill_after: int | None) -> int:
    """Send every batch in order from a thread; acked[b] = the statuses of each batch that got its 200.

    With kill_after, the server is SIGKILLed once that many batches were acknowledged in this
    round, while the thread is sending the next one. Returns how many this round acknowledged.
    """
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    progress = threading.Semaphore(0)
    failures: list[str] = []

    def sender():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            for b, body in enumerate(bodies):
                status, answer = _request(server, "POST", "/api/v1/scans/batch", body, headers, conn=conn)
                if status == 0 and kill_after is not None:
                    return  # killed under us
                results = json.loads(answer)["results"] if status == 200 else []
                if len(results) != PER_BATCH:
                    failures.append(f"batch {b}: HTTP {status} {answer[:300]!r}")
                    return
                acked[b] = [r["status"] for r in results]
                progress.release()
        finally:
            conn.close()
            progress.release()

    thread = threading.Thread(target=sender, daemon=True)
    thread.start()
    if kill_after is not None:
        for _ in range(kill_after):
            progress.acquire(timeout=30)
        time.sleep(0.02)  # into the next request: parsing, inserting or answering
        server.kill()
    thread.join(60)
    assert not thread.is_alive() and not failures, failures
    return len(acked)


def test_it_keeps_every_acknowledged_scan_across_kills(city):
    site, db, setup = city
    bodies = _batches(setup)
    every = {f"crash-{b:02d}-{n:03d}" for b in range(BATCHES) for n in range(PER_BATCH)}
    acknowledged: set[int] = set()
    for kill_after in (*KILLS, None):
        server = site
        site.start()
        try:
            stored = set(_client_ids(db))
            # Durable before anything is resent: an HTTP 200 means the batch survives a crash.
            for b in acknowledged:
                missing = {f"crash-{b:02d}-{n:03d}" for n in range(PER_BATCH)} - stored
                assert not missing, f"batch {b} was acknowledged, then lost {len(missing)} scans in the crash"
            acked: dict[int, list[str]] = {}
            sent = _send(server, _token(server), bodies, acked, kill_after)
            if kill_after is not None:
                assert kill_after <= sent < BATCHES, "the server was not killed mid-stream"
            for b, statuses in acked.items():
                # A batch is one transaction: stored wholly, or not at all.
                assert len(set(statuses)) == 1 and statuses[0] in ("accepted", "duplicate"), (b, set(statuses))
                if b in acknowledged:
                    assert statuses[0] == "duplicate", f"batch {b} was stored twice"
            acknowledged |= set(acked)
        finally:
            site.stop()
    assert acknowledged == set(range(BATCHES))
    stored = _client_ids(db)
    assert len(stored) == len(set(stored)) == len(every), (len(stored), len(set(stored)), len(every))
    assert set(stored) == every
