"""`shaodian serve --with-worker` (what `./run demo` runs): the outbox worker runs beside the server and stops with it.

A real server on its own migrated SQLite database (tests/serving.py), processes seen through /proc (Linux).
"""

import signal

import pytest

from .serving import LINUX_PROC, alive, cmdline, migrated_site, wait_for

pytestmark = pytest.mark.skipif(not LINUX_PROC, reason="needs Linux /proc to see the worker")
ENQUEUE = """
import json
from shaodian.core import notify
from shaodian.core.models import Notification
from shaodian.security.models import User
user, _ = User.objects.get_or_create(username="someone")
notify.notify(recipient=user, zh="你好", en="hello", key="hello")
"""
COUNT = "from shaodian.core.models import Notification; print('FACTS', Notification.objects.count())"


@pytest.fixture(scope="module")
def site():
    with migrated_site("serve-worker") as site:
        yield site


@pytest.fixture
def server(site):
    def worker() -> int | None:
        found = [pid for pid in site.workers() if " worker " in cmdline(pid) + " "]
        return found[0] if found else None

    proc = site.start("--with-worker", ready=worker)
    try:
        yield proc, lambda: site.get("/login/")[0], worker()
    finally:
        site.kill()
        print(site.log_text()[-6000:])


def test_it_runs_the_outbox_beside_the_server(server, site):
    _proc, _get, _worker = server
    site.run("shell", "-c", ENQUEUE)

    def delivered():
        return site.facts(COUNT) == 1

    wait_for(delivered, 60, "the worker to deliver the notification")


def test_the_worker_stops_with_the_server(server):
    proc, get, worker = server
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(40) == 0
    wait_for(lambda: not alive(worker), 20, "the worker to stop")
    assert get() == 0


def test_the_worker_stops_when_the_server_is_killed_outright(server):
    proc, _get, worker = server
    proc.kill()
    proc.wait()
    wait_for(lambda: not alive(worker), 20, "the orphaned worker to stop itself")
