"""`shaodian worker`: runs the outbox — side effects, notifications, exports and periodic jobs.

Run one or several (on one machine or many): rows are claimed one at a time with a conditional
UPDATE, so no row runs twice at once. SIGTERM or Ctrl+C lets the job in hand finish, then stops.
"""

import os
import signal
import socket
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections


class Command(BaseCommand):
    help = "Process the outbox: due side effects, notifications, exports and periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due now, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks when idle")
        parser.add_argument("--parent", type=int, default=0, help="stop when this process is gone (serve --with-worker)")

    def handle(self, *args, once, interval, parent, **options):
        from shaodian.core import outbox

        worker = f"{socket.gethostname()}:{os.getpid()}"
        if once:
            outbox.schedule_periodic()
            self.stdout.write(f"worker {worker}: ran {outbox.work(worker=worker)} job(s)")
            return
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        seen: dict[str, int] = {}
        total = 0
        self.stdout.write(f"worker {worker} running (Ctrl+C to stop)")
        self.stdout.flush()
        while not stopping:
            # A long-lived process: drop a connection the database closed or that outlived CONN_MAX_AGE.
            close_old_connections()
            outbox.schedule_periodic(seen=seen)
            n = outbox.work(worker=worker, stop=lambda: stopping)
            total += n
            if parent and os.getppid() != parent:
                break  # the server that started us is gone
            if n == 0:
                time.sleep(interval)
        self.stdout.write(f"worker {worker}: ran {total} job(s)")
