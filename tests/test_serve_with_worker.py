"""`shaodian serve --with-worker` (what `./run demo` runs): the outbox worker runs beside the server and stops with it.

A real server on its own migrated SQLite database, processes seen through /proc (Linux).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to see the worker")
ENQUEUE = """
import json
from shaodian.core import notify
from shaodian.core.models import Notification
from shaodian.security.models import User
user, _ = User.objects.get_or_create(username="someone")
notify.notify(recipient=user, zh="你好", en="hello", key="hello")
"""
COUNT = "from shaodian.core.models import Notification; print('FACTS', Notification.objects.count())"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"waited {seconds} s for {what}")


@pytest.fixture(scope="module")
def env():
    data = Path(tempfile.mkdtemp(prefix="shaodian-serve-worker-"))
    env = {k: v for k, v in os.environ.items() if k != "SHAODIAN_DATABASE_URL"}
    env.update(SHAODIAN_DATA_DIR=str(data), SHAODIAN_DATABASE_URL=f"sqlite:///{data / 'serve.sqlite3'}", PYTHONUNBUFFERED="1")
    done = subprocess.run([BIN / "shaodian", "migrate", "-v0"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return env


def _shell(env, code: str) -> str:
    done = subprocess.run([BIN / "shaodian", "shell", "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def server(env):
    port = _free_port()
    log = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen([BIN / "shaodian", "serve", "--port", str(port), "--with-worker"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)

    def get() -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10) as res:
                return res.status
        except OSError:
            return 0

    def worker() -> int | None:
        found = [pid for pid in _children(proc.pid) if " worker " in _cmdline(pid) + " "]
        return found[0] if found else None

    try:
        _wait(lambda: get() == 200 and worker(), 60, "the server and its worker")
        yield proc, get, worker()
    finally:
        for pid in _children(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.wait()
        log.seek(0)
        print(log.read())


def test_it_runs_the_outbox_beside_the_server(server, env):
    _proc, _get, _worker = server
    _shell(env, ENQUEUE)

    def delivered():
        out = _shell(env, COUNT)
        return json.loads(next(line[6:] for line in out.splitlines() if line.startswith("FACTS"))) == 1

    _wait(delivered, 60, "the worker to deliver the notification")


def test_the_worker_stops_with_the_server(server):
    proc, get, worker = server
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(40) == 0
    _wait(lambda: not _alive(worker), 20, "the worker to stop")
    assert get() == 0


def test_the_worker_stops_when_the_server_is_killed_outright(server):
    proc, _get, worker = server
    proc.kill()
    proc.wait()
    _wait(lambda: not _alive(worker), 20, "the orphaned worker to stop itself")
