"""`shaodian serve`: waitress, in one process or in several sharing one listening socket.

One Python process runs Python on one core at a time (the GIL). A server with more cores runs
`--workers N` (about one per core): the parent binds the port, forks N waitress processes that
accept on that same socket, restarts any that dies and stops them all on SIGTERM or Ctrl+C.
Every worker is a whole server: nothing is shared between them but the database.
`--with-worker` also starts `shaodian worker` (the outbox) as a child that stops with the server.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application

from shaodian.sqlite_wal import checkpoint_at_exit, dedicated_checkpointing, start_checkpointer

RESPAWN_PAUSE = 1.0  # seconds: a worker that keeps dying must not fork in a tight loop
PARENT_CHECK = 0.5  # seconds between a worker's looks at whether its parent is still there


class Command(BaseCommand):
    help = "Serve the platform with waitress (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("SHAODIAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("SHAODIAN_PORT", "8000")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("SHAODIAN_THREADS", "8")),
                            help="threads per worker process")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SHAODIAN_WORKERS", "1")),
                            help="worker processes sharing the port (Linux, macOS); about one per core")
        parser.add_argument("--with-worker", action="store_true",
                            default=os.environ.get("SHAODIAN_WITH_WORKER", "0") == "1",
                            help="also run the outbox worker (background jobs) as a child process")

    def handle(self, *args, host, port, threads, workers, with_worker, **options):
        # The WSGI app of Django's own factory: shaodian.wsgi is the entry point for other servers.
        application = get_wsgi_application()
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1")
        if workers > 1 and not hasattr(os, "fork"):
            raise CommandError("--workers needs fork(): run one process per port on this system instead")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Shaodian 哨点 serving on http://{host}:{port}/  "
                          f"({workers} process{'es' if workers > 1 else ''} × {threads} threads; Ctrl+C to stop)")
        self.stdout.flush()
        waitress = {"threads": threads, "ident": "shaodian", "channel_timeout": 300}
        # SQLite: one thread of the server checkpoints the write-ahead log for every process.
        dedicated_checkpointing()

        outbox_worker = _start_outbox_worker() if with_worker else None
        try:
            if workers == 1:
                from waitress import serve

                # A stop (SIGTERM) unwinds like Ctrl+C: the outbox worker is stopped and the log checkpointed below.
                signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
                start_checkpointer()
                serve(application, host=host, port=port, **waitress)
                return
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            listener = socket.create_server((host, port), family=family, backlog=2048)
            _prefork(application, listener, workers, waitress)
        finally:
            if outbox_worker is not None:
                _stop(outbox_worker)
            # Every server process has stopped: nobody else writes, the log can be emptied.
            checkpoint_at_exit()


def _start_outbox_worker() -> subprocess.Popen:
    """`shaodian worker` beside the server; it also stops by itself if the server dies without a word (SIGKILL)."""
    from django.db import connections

    connections.close_all()
    cli = [sys.executable, "-m", "shaodian.cli", "worker", "--parent", str(os.getpid())]
    proc = subprocess.Popen(cli)
    print(f"outbox worker started (pid {proc.pid})", flush=True)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _prefork(application, listener: socket.socket, workers: int, options: dict) -> None:
    from django.db import connections

    # A database connection must never cross a fork: each worker opens its own.
    connections.close_all()
    children: set[int] = set()
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            _worker(application, listener, options)  # never returns
        children.add(pid)

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        spawn()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        if pid not in children:
            continue  # the outbox worker: `serve` stops it, it is not a waitress process to replace
        children.discard(pid)
        if not stopping:
            code = os.waitstatus_to_exitcode(status)
            print(f"worker {pid} ended ({code}); starting another", file=sys.stderr, flush=True)
            time.sleep(RESPAWN_PAUSE)
            if not stopping:
                spawn()
    listener.close()


def _worker(application, listener: socket.socket, options: dict) -> None:
    from waitress import serve

    code = 0
    try:
        # waitress closes cleanly on SystemExit; the parent sends SIGTERM, Ctrl+C reaches everyone.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        signal.signal(signal.SIGINT, lambda signum, frame: sys.exit(0))
        threading.Thread(target=_follow_parent, args=(os.getppid(),), daemon=True).start()
        start_checkpointer()
        serve(application, sockets=[listener], **options)
    except BaseException as exc:  # noqa: BLE001 — a worker reports and ends; the parent decides
        if not isinstance(exc, SystemExit):
            print(f"worker {os.getpid()} failed: {exc!r}", file=sys.stderr, flush=True)
            code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _follow_parent(parent: int) -> None:
    """A parent killed outright (SIGKILL, OOM) cannot stop its workers: they stop themselves."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK)
    os.kill(os.getpid(), signal.SIGTERM)
