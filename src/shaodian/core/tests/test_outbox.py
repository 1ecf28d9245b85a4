"""The outbox in one process: idempotent enqueue, claims, retries with backoff, dead rows, leases, periodic slots."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from shaodian.core import outbox
from shaodian.core.models import Notification, OutboxItem, OutboxStatus

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def registry():
    """Handlers registered by a test are removed after it."""
    handlers, periodic = dict(outbox.HANDLERS), dict(outbox.PERIODIC)
    yield outbox
    outbox.HANDLERS.clear()
    outbox.HANDLERS.update(handlers)
    outbox.PERIODIC.clear()
    outbox.PERIODIC.update(periodic)


@pytest.fixture
def effect(registry, users):
    """A handler whose effect is a Notification per run, so runs can be counted; fails while `fails` > 0."""
    state = {"fails": 0, "runs": 0}

    @registry.handler("test.effect", max_attempts=3)
    def run(payload, claim):
        state["runs"] += 1
        Notification.objects.create(recipient=users["grid_a"], text_zh="x", text_en="x",
                                    key=f"test:{payload['n']}:{claim.attempt}")
        if state["fails"] > 0:
            state["fails"] -= 1
            raise RuntimeError("gateway down")

    return state


def effects(n: int) -> int:
    return Notification.objects.filter(key__startswith=f"test:{n}:").count()


def test_it_enqueues_once_per_key(db):
    a = outbox.enqueue("test.effect", {"n": 1}, key="k1")
    b = outbox.enqueue("test.effect", {"n": 2}, key="k1")
    assert a.pk == b.pk and OutboxItem.objects.filter(key="k1").count() == 1
    assert OutboxItem.objects.get(key="k1").payload == {"n": 1}


def test_it_refuses_a_payload_that_cannot_be_stored(db):
    with pytest.raises(TypeError):
        outbox.enqueue("test.effect", {"when": object()}, key="bad")
    assert not OutboxItem.objects.filter(key="bad").exists()


def test_it_runs_a_due_row_once_and_marks_it_done(db, effect):
    item = outbox.enqueue("test.effect", {"n": 1}, key="k")
    assert outbox.work(worker="w") == 1
    assert outbox.work(worker="w") == 0
    item.refresh_from_db()
    assert (item.status, item.attempts, item.claimed_by, effects(1)) == (OutboxStatus.DONE, 1, "w", 1)


def test_it_leaves_a_row_that_is_not_due_yet(db, effect):
    outbox.enqueue("test.effect", {"n": 1}, key="k", run_after=timezone.now() + dt.timedelta(minutes=5))
    assert outbox.work(worker="w") == 0 and effect["runs"] == 0


def test_it_retries_with_backoff_and_rolls_back_each_failed_run(db, effect, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    effect["fails"] = 2
    with freeze_time(T0) as clock:
        item = outbox.enqueue("test.effect", {"n": 1}, key="k")
        assert outbox.work(worker="w") == 1
        item.refresh_from_db()
        assert item.status == OutboxStatus.PENDING and item.run_after == T0 + dt.timedelta(seconds=30)
        assert "RuntimeError: gateway down" in item.last_error
        assert effects(1) == 0  # the failed run's effect was rolled back with it
        clock.tick(29)
        assert outbox.work(worker="w") == 0  # not yet
        clock.tick(1)
        assert outbox.work(worker="w") == 1
        item.refresh_from_db()
        assert item.run_after == T0 + dt.timedelta(seconds=30 + 60)  # doubled
        clock.tick(60)
        assert outbox.work(worker="w") == 1
    item.refresh_from_db()
    assert (item.status, item.attempts, item.last_error, effects(1)) == (OutboxStatus.DONE, 3, "", 1)


def test_it_marks_a_row_dead_after_its_last_attempt(db, effect, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    effect["fails"] = 99
    with freeze_time(T0) as clock:
        item = outbox.enqueue("test.effect", {"n": 1}, key="k")
        for _ in range(5):
            outbox.work(worker="w")
            clock.tick(3600)
    item.refresh_from_db()
    assert (item.status, item.attempts, effect["runs"]) == (OutboxStatus.DEAD, 3, 3)
    assert item in outbox.stuck_items()


def test_an_event_without_a_handler_fails_visibly(db):
    item = outbox.enqueue("nobody.listens", {}, key="k", max_attempts=1)
    outbox.work(worker="w")
    item.refresh_from_db()
    assert item.status == OutboxStatus.DEAD and "no handler" in item.last_error


def test_a_lapsed_lease_is_claimed_again_and_the_first_claim_can_no_longer_finish(db, effect):
    with freeze_time(T0) as clock:
        outbox.enqueue("test.effect", {"n": 1}, key="k")
        first = outbox.claim(worker="a", lease=dt.timedelta(seconds=60))
        assert outbox.claim(worker="b") is None  # held
        clock.tick(61)
        second = outbox.claim(worker="b", lease=dt.timedelta(seconds=60))
        assert second is not None and second.attempt == first.attempt + 1
        assert outbox.run_claimed(first) == "lost"  # its effect is rolled back
        assert not first.extend()
        assert outbox.run_claimed(second) == "done"
    assert effects(1) == 1


def test_a_row_whose_worker_died_on_the_last_attempt_is_dead(db, effect):
    with freeze_time(T0) as clock:
        item = outbox.enqueue("test.effect", {"n": 1}, key="k", max_attempts=1)
        assert outbox.claim(worker="gone", lease=dt.timedelta(seconds=10)) is not None
        clock.tick(11)
        assert outbox.claim(worker="b") is None
    item.refresh_from_db()
    assert item.status == OutboxStatus.DEAD and "gone" in item.last_error


def test_periodic_jobs_get_one_row_per_slot_however_often_they_are_scheduled(db, registry):
    ran = []
    registry.periodic("test.tick", every=dt.timedelta(minutes=10))(lambda payload, claim: ran.append(payload["slot"]))
    with freeze_time(T0) as clock:
        for _ in range(3):
            outbox.schedule_periodic()  # two workers, or one that looks again
            outbox.schedule_periodic(seen={})
        outbox.work(worker="w")
        clock.tick(600)
        outbox.schedule_periodic()
        outbox.work(worker="w")
    assert len(ran) == 2 and ran[1] == ran[0] + 1
    assert OutboxItem.objects.filter(event="test.tick").count() == 2


def test_retry_gives_a_dead_row_more_attempts_and_keeps_its_count(db, effect):
    effect["fails"] = 99
    item = outbox.enqueue("test.effect", {"n": 1}, key="k", max_attempts=1)
    outbox.work(worker="w")
    assert outbox.outbox_retry(item_id=item.pk)
    item.refresh_from_db()
    assert (item.status, item.attempts, item.max_attempts) == (OutboxStatus.PENDING, 1, 4)
    effect["fails"] = 0
    outbox.work(worker="w")
    item.refresh_from_db()
    assert item.status == OutboxStatus.DONE and effects(1) == 1


def test_retry_refuses_a_done_row(db, effect):
    item = outbox.enqueue("test.effect", {"n": 1}, key="k")
    outbox.work(worker="w")
    assert not outbox.outbox_retry(item_id=item.pk)


def test_measure_expiry_is_a_periodic_outbox_job(db):
    assert "measures.expire" in outbox.PERIODIC
    assert outbox.PERIODIC["measures.expire"].every == dt.timedelta(minutes=1)
