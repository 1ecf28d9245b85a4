"""A server killed (SIGKILL) while phones send scan batches loses no acknowledged scan and stores none twice.

A real `shaodian serve` on its own database (SQLite; also PostgreSQL when the suite runs on it,
in a scratch database created and dropped here) receives batches from a thread while the test
kills it mid-stream, twice. After each restart, every scan of every batch that got its HTTP 200
must be in the database before anything is resent; then everything is resent, and each client_id
must be stored exactly once, each batch wholly or not at all.
"""

import datetime as dt
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

BIN = Path(sys.executable).parent
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


def _suite_url() -> str:
    return os.environ.get("SHAODIAN_DATABASE_URL", "")


BACKENDS = ["sqlite"] + (["postgresql"] if _suite_url().startswith(("postgres://", "postgresql://")) else [])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """A throwaway database for the server, and a way to count what it holds."""

    def __init__(self, backend: str, data: Path):
        self.backend = backend
        if backend == "sqlite":
            self.path = data / "crash.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"crash_{secrets.token_hex(4)}"
            base = urlsplit(_suite_url())
            self.url = urlunsplit(base._replace(path=f"/{self.name}"))
            self.admin = urlunsplit(base._replace(path="/postgres"))
            self._admin(f'CREATE DATABASE "{self.name}"')

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self._dsn(self.admin), autocommit=True) as conn:
            conn.execute(sql)

    @staticmethod
    def _dsn(url: str) -> str:
        return url.replace("postgres://", "postgresql://", 1)

    def client_ids(self) -> list[str]:
        sql = "SELECT client_id FROM checkpoints_scan WHERE client_id LIKE 'crash-%'"
        if self.backend == "sqlite":
            import sqlite3

            conn = sqlite3.connect(self.path, timeout=30)
            try:
                return [row[0] for row in conn.execute(sql)]
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self._dsn(self.url)) as conn:
            return [row[0] for row in conn.execute(sql)]

    def drop(self) -> None:
        if self.backend != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Server:
    def __init__(self, env: dict, data: Path):
        self.env, self.data = env, data
        self.port = _free_port()
        self.log = open(data / "serve.log", "a+")
        self.proc = subprocess.Popen([BIN / "shaodian", "serve", "--port", str(self.port)], cwd=data, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while self.request("GET", "/login/")[0] != 200:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                self.log.seek(0)
                pytest.fail(f"shaodian serve did not answer:\n{self.log.read()}")
            time.sleep(0.1)

    def request(self, method, path, body=None, headers=None, conn=None):
        """(status, body); (0, b"") when the server is not there (or went away mid-request)."""
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            return 0, b""
        finally:
            if own:
                conn.close()

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no handler runs, nothing is flushed
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(params=BACKENDS)
def city(request):
    """(environment, data dir, database, setup) for a fresh small demo city on the chosen database."""
    data = Path(tempfile.mkdtemp(prefix="shaodian-crash-"))
    db = Database(request.param, data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAODIAN_DATABASE_URL")}
    env.update(SHAODIAN_DATA_DIR=str(data), SHAODIAN_DATABASE_URL=db.url, PYTHONUNBUFFERED="1")
    env.pop("SHAODIAN_LOGIN_FAILURE_LIMIT", None)

    def run(*args) -> str:
        done = subprocess.run([BIN / "shaodian", *args], cwd=data, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"shaodian {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    try:
        run("migrate", "-v0")
        run("demo-city", "--residents", "400", "--seed", "5", "-v0")
        setup = json.loads(run("shell", "-c", SETUP).strip().splitlines()[-1])
        yield env, data, db, setup
    finally:
        db.drop()
        shutil.rmtree(data, ignore_errors=True)


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


def _token(server: Server) -> str:
    status, body = server.request("POST", "/api/v1/auth/token", json.dumps({"username": "guard_a",
                                  "password": "shaodian-demo"}), {"Content-Type": "application/json"})
    assert status == 200, body
    return json.loads(body)["token"]


def _send(server: Server, token: str, bodies: list[bytes], acked: dict[int, list[str]], kill_after: int | None) -> int:
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
                status, answer = server.request("POST", "/api/v1/scans/batch", body, headers, conn=conn)
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
    env, data, db, setup = city
    bodies = _batches(setup)
    every = {f"crash-{b:02d}-{n:03d}" for b in range(BATCHES) for n in range(PER_BATCH)}
    acknowledged: set[int] = set()
    for kill_after in (*KILLS, None):
        server = Server(env, data)
        try:
            stored = set(db.client_ids())
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
            server.stop()
    assert acknowledged == set(range(BATCHES))
    stored = db.client_ids()
    assert len(stored) == len(set(stored)) == len(every), (len(stored), len(set(stored)), len(every))
    assert set(stored) == every
