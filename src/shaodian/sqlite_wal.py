"""Keeping SQLite's write-ahead log bounded while scans pour in, and empty after a clean stop.

SQLite checkpoints the log on its own every `wal_autocheckpoint` pages, but that checkpoint is
passive: it copies what it can and never waits, and the log can only be rewound to its start when
no reader still looks at an old part of it. Under steady ingestion a reader is nearly always there
(every request reads its token and scope first), so the log never rewinds and grows for as long as
the load lasts (2.79 GB in a minute of 8 senders). Worse, with 8 writers committing, one of their
passive checkpoints runs nearly all the time, and a TRUNCATE asked for meanwhile answers "busy" at
once: checkpoints run after requests lost that race nearly always (1.5 GB in 15 s, 13,000 scans/s).

So `shaodian serve` runs one checkpointer for the whole database: a thread in each server process
asks for an exclusive lock on `<database>-checkpointer.lock`, and the one that holds it looks at the
-wal file's size every CHECK_EVERY. The writers of the server processes stop checkpointing on their
own (`wal_autocheckpoint=0`). Past SQLITE_WAL_CHECKPOINT_MB the checkpointer copies what it can beside
the writers (PASSIVE), then runs a TRUNCATE checkpoint, which waits (busy_timeout) for the writer and
the readers of old frames to finish, holds back new writers meanwhile, copies the last frames and
cuts the file to zero; a "busy" answer is retried until it succeeds. A checkpoint takes 0.1–2 s, and
batches of scans whose random-keyed index pages are rewritten at every commit can add 250 MB of log a
second meanwhile: so a request that may write waits, before it starts, while the log is past
SQLITE_WAL_HOLD_MB (4 × the checkpoint size by default) and the checkpointer empties it (back-pressure). If the process that holds the
lock dies, the lock goes with it and another server process takes over. `journal_size_limit` shrinks
the file back whenever SQLite rewinds it on its own. The server also checkpoints when it stops.
"""

import fcntl
import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created

log = logging.getLogger(__name__)

CHECK_EVERY = 0.05  # seconds between two looks at the log's size
RETRY_BUSY = 0.005  # seconds before a busy checkpoint is tried again
TAKE_OVER_EVERY = 1.0  # seconds between a waiting process's tries for the checkpointer's lock
HOLD_POLL = 0.005  # seconds between a held writer's looks at the log
MAX_HOLD = 30.0  # a writer waits no longer than this: past it, the log grows rather than the request fails
_dedicated = False


def wal_limit_bytes() -> int:
    return settings.SQLITE_WAL_CHECKPOINT_MB * 2**20


def wal_file(alias: str = "default") -> str | None:
    """Path of the -wal file of an SQLite database; None for another engine or an in-memory database."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return f"{name}-wal"


def wal_size(alias: str = "default") -> int:
    path = wal_file(alias)
    try:
        return os.stat(path).st_size if path else 0
    except FileNotFoundError:
        return 0


def wal_checkpoint(alias: str = "default", mode: str = "TRUNCATE") -> tuple[int, int, int] | None:
    """Run `PRAGMA wal_checkpoint(mode)`: (busy, frames in the log, frames copied), or None if not possible now."""
    if mode not in {"PASSIVE", "FULL", "RESTART", "TRUNCATE"}:
        raise ValueError(mode)
    connection = connections[alias]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return None
    with connection.cursor() as cur:
        cur.execute(f"PRAGMA wal_checkpoint({mode})")
        return tuple(cur.fetchone())


def truncate_log(alias: str = "default", give_up_after: float = 60.0) -> tuple[int, int, int] | None:
    """Copy every frame into the database and cut the log to zero; a busy answer is retried until `give_up_after`."""
    deadline = time.monotonic() + give_up_after
    result = None
    while time.monotonic() < deadline:
        try:
            # Copy what can be copied beside the writers first; the TRUNCATE that follows, which holds
            # writers back while it runs, then has only the last frames left to copy.
            wal_checkpoint(alias, "PASSIVE")
            result = wal_checkpoint(alias, "TRUNCATE")
        except Exception as exc:  # noqa: BLE001 — "database is locked" past busy_timeout: try again
            log.info("WAL checkpoint failed, retrying: %s", exc)
            result = None
        if result is not None and not result[0]:
            return result
        time.sleep(RETRY_BUSY)
    log.warning("WAL checkpoint still busy after %.0f s: %s", give_up_after, result)
    return result


def wal_hold_bytes() -> int:
    return settings.SQLITE_WAL_HOLD_MB * 2**20


def wait_for_room(alias: str = "default") -> float:
    """Hold a writer back while the log is past its hold size and the checkpointer works: seconds waited."""
    if not _dedicated:
        return 0.0
    hold, started = wal_hold_bytes(), time.monotonic()
    while wal_size(alias) > hold and time.monotonic() - started < MAX_HOLD:
        time.sleep(HOLD_POLL)
    return time.monotonic() - started


def backpressure_middleware(get_response):
    """Before a request that may write (not GET, HEAD, OPTIONS), wait while the log is too long."""
    def middleware(request):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            wait_for_room()
        return get_response(request)
    return middleware


def dedicated_checkpointing() -> None:
    """Called by `shaodian serve` before its server processes open any connection.

    Their connections stop checkpointing on commit, and each process starts a checkpointer thread;
    the one whose thread holds the lock file does the checkpointing for all.
    """
    global _dedicated
    if wal_file() is None:
        return
    _dedicated = True
    connection_created.connect(_no_autocheckpoint, dispatch_uid="shaodian-wal-no-autocheckpoint")
    connections.close_all()


def start_checkpointer(alias: str = "default") -> threading.Thread | None:
    """Start this process's checkpointer thread (after any fork); None when the database is no SQLite file."""
    path = wal_file(alias)
    if path is None or not _dedicated:
        return None
    thread = threading.Thread(target=_checkpointer, args=(alias, path[: -len("-wal")] + "-checkpointer.lock"),
                              name="wal-checkpointer", daemon=True)
    thread.start()
    return thread


def _no_autocheckpoint(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA wal_autocheckpoint=0")


def _checkpointer(alias: str, lock_path: str) -> None:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    while True:  # wait to be the one; the lock is the kernel's and dies with its process
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            time.sleep(TAKE_OVER_EVERY)
    log.info("WAL checkpointer: process %s", os.getpid())
    limit = wal_limit_bytes()
    while True:
        time.sleep(CHECK_EVERY)
        if wal_size(alias) >= limit:
            truncate_log(alias)  # it retries a busy log itself and reports one that stays busy


def checkpoint_at_exit(alias: str = "default") -> None:
    """On a clean stop: copy every frame into the database and leave an empty log behind."""
    if wal_file(alias) is None:
        return
    try:
        truncate_log(alias, give_up_after=10.0)
    finally:
        connections[alias].close()
