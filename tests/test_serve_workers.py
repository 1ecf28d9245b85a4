"""`shaodian serve --workers 2`: two processes answer on one port; a dead worker is replaced; nothing outlives the server.

A real server on its own migrated SQLite database (tests/serving.py), processes seen through /proc (Linux).
"""

import os
import signal

import pytest

from .serving import LINUX_PROC, alive, children, migrated_site, wait_for

pytestmark = pytest.mark.skipif(not LINUX_PROC, reason="needs Linux /proc to see the workers")


@pytest.fixture(scope="module")
def site():
    with migrated_site("serve") as site:
        yield site


@pytest.fixture
def server(site):
    proc = site.start("--workers", "2", "--threads", "2", ready=lambda: len(site.workers()) == 2)
    try:
        yield proc, lambda: site.get("/login/")[0]
    finally:
        site.kill()
        print(site.log_text()[-6000:])


def test_it_answers_from_two_worker_processes(server):
    proc, get = server
    assert len(children(proc.pid)) == 2
    assert all(get() == 200 for _ in range(10))


def test_it_replaces_a_worker_that_dies(server):
    proc, get = server
    victim = min(children(proc.pid))
    os.kill(victim, signal.SIGKILL)

    def replaced():
        workers = children(proc.pid)
        return workers if len(workers) == 2 and victim not in workers else None

    assert victim not in wait_for(replaced, 20, "a new worker in place of the killed one")
    assert all(get() == 200 for _ in range(10))


def test_it_stops_every_worker_on_sigterm(server):
    proc, get = server
    workers = children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    wait_for(lambda: not any(alive(pid) for pid in workers), 20, "the workers to stop")
    assert get() == 0


def test_its_workers_stop_when_the_parent_is_killed_outright(server):
    proc, get = server
    workers = children(proc.pid)
    proc.kill()  # SIGKILL: the parent can tell no one
    proc.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), 20, "orphaned workers to stop themselves")
    assert get() == 0
