"""The one harness for tests that start a real `shaodian serve`: its own data dir and database, started,
stopped and killed at will, with its processes seen through /proc (Linux).

    site = Site("name")                 # a fresh data dir with its own SQLite file (or any database URL)
    site.run("migrate", "-v0")          # any `shaodian` command against it
    site.start("--workers", "2")        # serve on a free port; returns once /login/ answers 200
    site.get("/login/")                 # (status, body); (0, "") when nothing answers
    site.stop(); site.close()           # SIGTERM, then remove everything

`demo_site(name, residents=…, seed=…)` is a migrated Site with a demo city, for the browser tests (on SQLite,
or on a PostgreSQL database of its own with `backend="postgresql"`).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
PASSWORD = "shaodian-demo"
LINUX_PROC = Path("/proc/self/task").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, *, data=None, headers=None, timeout=5):
    """(status, body) of a plain HTTP request; an error status is an answer, not an exception."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for(predicate, seconds: float, what: str, *, every: float = 0.1):
    """The first truthy value of predicate() within `seconds`; the test fails otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"waited {seconds} s for {what}")


# --- processes, through /proc ---------------------------------------------------------------------


def children(pid: int) -> set[int]:
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# --- databases of their own -----------------------------------------------------------------------


def suite_database_url() -> str:
    return os.environ.get("SHAODIAN_DATABASE_URL", "")


# A server or worker test runs on SQLite, and on PostgreSQL too when the suite does.
BACKENDS = ["sqlite"] + (["postgresql"] if suite_database_url().startswith(("postgres://", "postgresql://")) else [])


class ScratchDatabase:
    """A database for one server or worker: a SQLite file in `data`, or a PostgreSQL database created
    beside the suite's (same server and user) and dropped by `drop()`."""

    def __init__(self, backend: str, data: Path, name: str):
        self.backend = backend
        if backend == "sqlite":
            self.path = data / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            import secrets
            from urllib.parse import urlsplit, urlunsplit

            self.name = f"{name}_{secrets.token_hex(4)}"
            base = urlsplit(suite_database_url())
            self.url = urlunsplit(base._replace(path=f"/{self.name}"))
            self.admin = urlunsplit(base._replace(path="/postgres"))
            self._admin(f'CREATE DATABASE "{self.name}"')

    @staticmethod
    def _dsn(url: str) -> str:
        return url.replace("postgres://", "postgresql://", 1)

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self._dsn(self.admin), autocommit=True) as conn:
            conn.execute(sql)

    def rows(self, sql: str) -> list[tuple]:
        """The rows of one query, read beside the server (not through Django)."""
        if self.backend == "sqlite":
            import sqlite3

            conn = sqlite3.connect(self.path, timeout=30)
            try:
                return list(conn.execute(sql))
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self._dsn(self.url)) as conn:
            return list(conn.execute(sql))

    def drop(self) -> None:
        if self.backend != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# --- the server -----------------------------------------------------------------------------------


class Site:
    """`shaodian serve` on a free port with its own data dir and database, started and stopped at will."""

    def __init__(self, name: str, *, database_url: str | None = None):
        self.name = name
        self.data = Path(tempfile.mkdtemp(prefix=f"shaodian-{name}-"))
        self.cli = str(BIN / "shaodian")
        self.database = self.data / f"{name}.sqlite3"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHAODIAN_DATABASE_URL")}
        env.update(SHAODIAN_DATA_DIR=str(self.data), SHAODIAN_DATABASE_URL=database_url or f"sqlite:///{self.database}",
                   PYTHONUNBUFFERED="1")
        env.pop("SHAODIAN_LOGIN_FAILURE_LIMIT", None)
        self.env = env
        self.port = None  # taken at the first start, kept across restarts (the service worker's origin)
        self.base = None
        self.proc = None
        self.log = open(self.data / "serve.log", "w+")

    def run(self, *args, timeout: int = 300) -> str:
        """Run `shaodian ARGS` against this site's database; its stdout."""
        done = subprocess.run([self.cli, *args], cwd=self.data, env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        assert done.returncode == 0, f"shaodian {' '.join(args)[:80]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def facts(self, code: str):
        """Run `code` in `shaodian shell`; it prints one line `FACTS<json>`, returned decoded."""
        out = self.run("shell", "-c", code)
        return json.loads(next(line[5:].strip() for line in out.splitlines() if line.startswith("FACTS")))

    def start(self, *args: str, ready=None, seconds: float = 60):
        """Serve (with extra `serve` options) and wait until /login/ answers 200 and `ready()` holds."""
        if self.port is None:
            self.port = free_port()
            self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([self.cli, "serve", "--port", str(self.port), *args], cwd=self.data, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + seconds
        while not (self.status("/login/") == 200 and (ready is None or ready())):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                log = self.log.read()
                self.kill()
                pytest.fail(f"shaodian serve did not answer on {self.base}:\n{log[-6000:]}")
            time.sleep(0.2)
        return self.proc

    def get(self, path: str, *, timeout: float = 10):
        """(status, body) of a GET; (0, "") when the server is not there."""
        try:
            return fetch(self.base + path, timeout=timeout)
        except OSError:
            return 0, ""

    def status(self, path: str = "/login/") -> int:
        return self.get(path, timeout=2)[0]

    def workers(self) -> set[int]:
        """The processes the server forked (its workers; the outbox worker with --with-worker)."""
        return children(self.proc.pid) if self.proc else set()

    def stop(self):
        """SIGTERM, as an operator stops it; killed if it does not go within 10 s."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def kill(self):
        """SIGKILL the server and whatever it forked."""
        if self.proc is None:
            return
        for pid in children(self.proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.kill()
        self.proc.wait()
        self.proc = None

    def log_text(self) -> str:
        self.log.flush()
        return (self.data / "serve.log").read_text(errors="replace")

    def close(self):
        self.kill()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


@contextmanager
def migrated_site(name: str, **kwargs):
    """A migrated Site, not yet serving; removed with its data dir on exit."""
    site = Site(name, **kwargs)
    try:
        site.run("migrate", "-v0")
        yield site
    finally:
        site.close()


@contextmanager
def demo_site(name: str, *, residents: int, seed: int, backend: str = "sqlite"):
    """A migrated Site with a fresh demo city, not yet serving; removed with its data dir (and its PostgreSQL
    database, for `backend="postgresql"`) on exit."""
    db = ScratchDatabase(backend, Path(tempfile.gettempdir()), name) if backend != "sqlite" else None
    try:
        with migrated_site(name, database_url=db.url if db else None) as site:
            site.run("demo-city", "--residents", str(residents), "--seed", str(seed), "-v0")
            yield site
    finally:
        if db is not None:
            db.drop()
