"""`shaodian serve --workers 2`: two processes answer on one port; a dead worker is replaced; nothing outlives the server.

A real server on its own migrated SQLite database, processes seen through /proc (Linux).
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to see the workers")


def _free_port() -> int:
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


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"waited {seconds} s for {what}")


@pytest.fixture(scope="module")
def env():
    data = Path(tempfile.mkdtemp(prefix="shaodian-serve-"))
    env = {k: v for k, v in os.environ.items() if k != "SHAODIAN_DATABASE_URL"}
    env.update(SHAODIAN_DATA_DIR=str(data), SHAODIAN_DATABASE_URL=f"sqlite:///{data / 'serve.sqlite3'}", PYTHONUNBUFFERED="1")
    done = subprocess.run([BIN / "shaodian", "migrate", "-v0"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return env


@pytest.fixture
def server(env):
    port = _free_port()
    log = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen([BIN / "shaodian", "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/login/"

    def get() -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as res:
                return res.status
        except OSError:
            return 0

    try:
        _wait(lambda: get() == 200 and len(_children(proc.pid)) == 2, 60, "two workers answering")
        yield proc, get
    finally:
        for pid in _children(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.wait()
        log.seek(0)
        print(log.read())


def test_it_answers_from_two_worker_processes(server):
    proc, get = server
    assert len(_children(proc.pid)) == 2
    assert all(get() == 200 for _ in range(10))


def test_it_replaces_a_worker_that_dies(server):
    proc, get = server
    victim = min(_children(proc.pid))
    os.kill(victim, signal.SIGKILL)

    def replaced():
        workers = _children(proc.pid)
        return workers if len(workers) == 2 and victim not in workers else None

    assert victim not in _wait(replaced, 20, "a new worker in place of the killed one")
    assert all(get() == 200 for _ in range(10))


def test_it_stops_every_worker_on_sigterm(server):
    proc, get = server
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    _wait(lambda: not any(_alive(pid) for pid in workers), 20, "the workers to stop")
    assert get() == 0


def test_its_workers_stop_when_the_parent_is_killed_outright(server):
    proc, get = server
    workers = _children(proc.pid)
    proc.kill()  # SIGKILL: the parent can tell no one
    proc.wait()
    _wait(lambda: not any(_alive(pid) for pid in workers), 20, "orphaned workers to stop themselves")
    assert get() == 0
