"""Keeping SQLite's write-ahead log bounded while scans pour in, and empty after a clean stop.

SQLite checkpoints the log on its own every `wal_autocheckpoint` pages, but that checkpoint is
passive: it copies what it can and never waits, and the log can only be rewound to its start when
no reader still looks at an old part of it. Under steady ingestion a reader is nearly always there
(every request reads its token and scope first), so the log never rewinds and grows for as long as
the load lasts (2.79 GB in a minute of 8 senders). So, after each request, a cheap stat() of the
-wal file; past SQLITE_WAL_CHECKPOINT_MB one thread of the process copies what it can beside the
writers (PASSIVE), then runs a TRUNCATE checkpoint, which waits (busy_timeout) for the writer and
the readers of old frames to finish, holds back new writers meanwhile, copies the last frames and
cuts the file to zero. `journal_size_limit` shrinks the
file back whenever SQLite rewinds it on its own. The server also checkpoints when it stops.

The worker may call `wal_checkpoint_if_large()` on its rounds too; it costs one stat() when small.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

STAT_EVERY = 0.1  # seconds between two looks at the file, per process
_lock = threading.Lock()
_last_look = 0.0


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


def wal_checkpoint_if_large(alias: str = "default") -> tuple[int, int, int] | None:
    """Checkpoint and truncate the log when it has passed the limit; a stat() otherwise. One thread at a time."""
    global _last_look
    now = time.monotonic()
    if now - _last_look < STAT_EVERY or wal_file(alias) is None:
        return None
    _last_look = now
    if wal_size(alias) < wal_limit_bytes():
        return None
    if not _lock.acquire(blocking=False):
        return None  # another thread of this process is at it
    try:
        # Copy what can be copied beside the writers first; the TRUNCATE that follows, which holds
        # writers back while it runs, then has only the last frames left to copy.
        wal_checkpoint(alias, "PASSIVE")
        result = wal_checkpoint(alias, "TRUNCATE")
    except Exception as exc:  # noqa: BLE001 — a checkpoint that cannot run now is retried after the next request
        log.warning("WAL checkpoint failed: %s", exc)
        return None
    finally:
        _lock.release()
    if result and result[0]:
        log.info("WAL checkpoint busy: %s frames in the log, %s copied", result[1], result[2])
    return result


def after_request(sender=None, **kwargs) -> None:
    """request_finished receiver: keep the log under its limit."""
    wal_checkpoint_if_large()


def checkpoint_at_exit(alias: str = "default") -> None:
    """On a clean stop: copy every frame into the database and leave an empty log behind."""
    if wal_file(alias) is None:
        return
    try:
        wal_checkpoint(alias, "TRUNCATE")
    except Exception as exc:  # noqa: BLE001 — stopping goes on; SQLite replays the log at the next start
        log.warning("WAL checkpoint at exit failed: %s", exc)
    finally:
        connections[alias].close()
