"""The durable outbox: side effects are rows written in the caller's transaction and run by `shaodian worker`.

    enqueue("notify.deliver", {...}, key="case:12:alert:staff_a")   # inside the caller's transaction

Apps register handlers in their AppConfig.ready (core never imports them):

    @outbox.handler("people.export")              # a long job: idempotent by itself, outside a transaction
    @outbox.periodic("measures.expire", every=dt.timedelta(minutes=1))

A worker claims one due row with a conditional UPDATE (`… WHERE id = %s AND status = %s AND attempts = %s`),
as healthchecks' sendalerts claims a flip: of two workers, one updates the row and the other updates
nothing and moves on. The same UPDATE works on SQLite and PostgreSQL. The claim is a lease: a worker
killed mid-job leaves its row RUNNING until `locked_until`, then another worker claims it again.
`attempts` is the claim's fencing token: a worker whose lease was taken over can no longer finish,
fail or extend the row. A handler registered `atomic=True` (the default) runs in one transaction with
the UPDATE that marks its row done, so its effect is committed exactly once, however often the worker
dies; a long handler (`atomic=False`) must itself be idempotent. A failure is retried after an
exponential backoff; after `max_attempts` the row is DEAD and waits for an administrator.
"""

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from shaodian.core.backoff import backoff
from shaodian.core.models import OutboxItem, OutboxStatus

log = logging.getLogger("shaodian.outbox")

DEFAULT_MAX_ATTEMPTS = 8
ERROR_CHARS = 500


class LeaseLost(Exception):
    """Another worker took the row over (our lease ran out): what we did is rolled back or left unmarked."""


@dataclasses.dataclass(frozen=True)
class Claim:
    """A worker's hold on one row; `attempt` fences it against a later claim of the same row."""

    pk: int
    attempt: int
    worker: str
    lease: dt.timedelta
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    @property
    def is_last(self) -> bool:
        """No retry follows if this attempt fails: a handler may tell its user now."""
        return self.attempt >= self.max_attempts

    def _mine(self):
        return OutboxItem.objects.filter(pk=self.pk, status=OutboxStatus.RUNNING, attempts=self.attempt)

    def extend(self) -> bool:
        """Long handlers call this now and then; False when the row is no longer ours (stop working)."""
        now = timezone.now()
        return self._mine().update(locked_until=now + self.lease, updated_at=now) == 1


Run = Callable[[dict, Claim], object]


@dataclasses.dataclass(frozen=True)
class Handler:
    event: str
    run: Run
    atomic: bool
    max_attempts: int


@dataclasses.dataclass(frozen=True)
class Periodic:
    event: str
    every: dt.timedelta


HANDLERS: dict[str, Handler] = {}
PERIODIC: dict[str, Periodic] = {}


def handler(event: str, *, atomic: bool = True, max_attempts: int = DEFAULT_MAX_ATTEMPTS):
    """Register `run(payload, claim)` for an event. Registering again replaces (ready() may run twice)."""

    def register(run: Run) -> Run:
        HANDLERS[event] = Handler(event, run, atomic, max_attempts)
        return run

    return register


def periodic(event: str, *, every: dt.timedelta, atomic: bool = True, max_attempts: int = 3):
    """A handler the worker enqueues once per period (one row per slot, however many workers run)."""
    if every.total_seconds() < 1:
        raise ValueError("a periodic job runs at most once a second")

    def register(run: Run) -> Run:
        handler(event, atomic=atomic, max_attempts=max_attempts)(run)
        PERIODIC[event] = Periodic(event, every)
        return run

    return register


def enqueue(event: str, payload: dict, *, key: str, run_after: dt.datetime | None = None,
            max_attempts: int | None = None) -> OutboxItem:
    """Queue a side effect; call it inside the caller's transaction. The same key again returns the first row."""
    json.dumps(payload)  # a payload that cannot be stored fails here, in the caller's transaction
    if max_attempts is None:
        max_attempts = HANDLERS[event].max_attempts if event in HANDLERS else DEFAULT_MAX_ATTEMPTS
    try:
        with transaction.atomic():
            return OutboxItem.objects.create(event=event, payload=payload, key=key, max_attempts=max_attempts,
                                             run_after=run_after or timezone.now())
    except IntegrityError:
        return OutboxItem.objects.get(key=key)


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def claim(*, worker: str, now: dt.datetime | None = None, lease: dt.timedelta | None = None) -> Claim | None:
    """Take one due row (pending and due, or running with a lapsed lease) for this worker, or None."""
    now = now or timezone.now()
    lease = lease or _lease()
    due = Q(status=OutboxStatus.PENDING, run_after__lte=now) | Q(status=OutboxStatus.RUNNING, locked_until__lt=now)
    candidates = OutboxItem.objects.filter(due).order_by("run_after", "pk")
    for pk, status, attempts, max_attempts in candidates.values_list("pk", "status", "attempts", "max_attempts")[:20]:
        same = OutboxItem.objects.filter(pk=pk, status=status, attempts=attempts)
        if status == OutboxStatus.RUNNING and attempts >= max_attempts:
            # Its worker died (or hung) on the last attempt allowed.
            same.update(status=OutboxStatus.DEAD, locked_until=None, updated_at=now,
                        last_error=f"worker {OutboxItem.objects.filter(pk=pk).values_list('claimed_by', flat=True).first()} "
                                   f"stopped during attempt {attempts}")
            continue
        taken = same.update(status=OutboxStatus.RUNNING, attempts=attempts + 1, locked_until=now + lease,
                            claimed_by=worker[:100], updated_at=now)
        if taken == 1:
            return Claim(pk, attempts + 1, worker, lease, max_attempts)
        # Another worker got there first: try the next row.
    return None


def _finish(c: Claim) -> bool:
    now = timezone.now()
    return c._mine().update(status=OutboxStatus.DONE, done_at=now, locked_until=None, last_error="", updated_at=now) == 1


def _fail(c: Claim, item: OutboxItem, exc: BaseException) -> None:
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
    if c.attempt >= item.max_attempts:
        changes = {"status": OutboxStatus.DEAD}
    else:
        wait = backoff(c.attempt, base=settings.OUTBOX_RETRY_BASE_SECONDS, cap=settings.OUTBOX_RETRY_CAP_SECONDS)
        changes = {"status": OutboxStatus.PENDING, "run_after": now + dt.timedelta(seconds=wait)}
    c._mine().update(**changes, locked_until=None, last_error=error, updated_at=now)
    # The message stays in the row (administrators only): a log line names the row, never its data.
    log.warning("outbox #%s %s attempt %s failed (%s): %s", c.pk, item.event, c.attempt, type(exc).__name__,
                changes["status"])


def run_claimed(c: Claim) -> str:
    """Run the claimed row's handler; 'done', 'failed' (retried later or dead) or 'lost' (another worker has it)."""
    item = OutboxItem.objects.get(pk=c.pk)
    h = HANDLERS.get(item.event)
    try:
        if h is None:
            raise LookupError(f"no handler registered for {item.event!r}")
        if h.atomic:
            with transaction.atomic():
                h.run(item.payload, c)
                if not _finish(c):
                    raise LeaseLost
        else:
            h.run(item.payload, c)
            if not _finish(c):
                raise LeaseLost
    except LeaseLost:
        log.warning("outbox #%s %s: lease lost during attempt %s", c.pk, item.event, c.attempt)
        return "lost"
    except Exception as exc:  # noqa: BLE001 — any failure of a handler is recorded on its row and retried
        _fail(c, item, exc)
        return "failed"
    return "done"


def schedule_periodic(now: dt.datetime | None = None, *, seen: dict[str, int] | None = None) -> int:
    """Enqueue the current slot of every periodic job (idempotent); `seen` spares a worker repeated inserts."""
    now = now or timezone.now()
    made = 0
    for p in list(PERIODIC.values()):
        seconds = p.every.total_seconds()
        slot = int(now.timestamp() // seconds)
        if seen is not None and seen.get(p.event) == slot:
            continue
        start = dt.datetime.fromtimestamp(slot * seconds, tz=dt.UTC)
        enqueue(p.event, {"slot": slot}, key=f"{p.event}@{slot}", run_after=start)
        if seen is not None:
            seen[p.event] = slot
        made += 1
    return made


def work(*, worker: str, limit: int | None = None, stop: Callable[[], bool] = lambda: False) -> int:
    """Run due rows one by one until none is due (or `limit` ran, or `stop()`); how many were run."""
    n = 0
    while (limit is None or n < limit) and not stop():
        c = claim(worker=worker)
        if c is None:
            break
        run_claimed(c)
        n += 1
    return n


# --- what administrators see and do ---------------------------------------------------------------------

STUCK_AFTER = dt.timedelta(minutes=5)
RETRY_ATTEMPTS = 3


def stuck_items(now: dt.datetime | None = None):
    """Rows that need a look: dead, retrying after a failure, running past their lease, or waiting too long."""
    now = now or timezone.now()
    return OutboxItem.objects.filter(
        Q(status=OutboxStatus.DEAD)
        | Q(status=OutboxStatus.PENDING, attempts__gt=0)
        | Q(status=OutboxStatus.RUNNING, locked_until__lt=now)
        | Q(status=OutboxStatus.PENDING, run_after__lt=now - STUCK_AFTER)
    ).order_by("-updated_at")


def outbox_retry(*, item_id: int, now: dt.datetime | None = None) -> bool:
    """Queue a dead or failing row again now, with three more attempts; False if it is not one.

    `attempts` only grows (it fences claims): the row gets more room instead of a reset count.
    """
    now = now or timezone.now()
    retryable = Q(status=OutboxStatus.DEAD) | Q(status=OutboxStatus.PENDING)
    return OutboxItem.objects.filter(retryable, pk=item_id).update(
        status=OutboxStatus.PENDING, max_attempts=F("attempts") + RETRY_ATTEMPTS, run_after=now, locked_until=None,
        updated_at=now) == 1


@periodic("core.outbox_purge", every=dt.timedelta(hours=1))
def _purge_done(payload: dict, claim: Claim) -> None:
    """Done rows are kept a while for the record, then deleted; dead rows stay until someone looks."""
    before = timezone.now() - dt.timedelta(days=settings.OUTBOX_KEEP_DONE_DAYS)
    OutboxItem.objects.filter(status=OutboxStatus.DONE, done_at__lt=before).delete()
