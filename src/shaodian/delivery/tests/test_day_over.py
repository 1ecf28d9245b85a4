"""The end of the day: a round left open is closed by the worker's job once its day is over in Asia/Shanghai (not in
UTC), through the same close as by hand, so every door not reached — the special-group ones included — is told."""

import datetime as dt

import pytest
from freezegun import freeze_time

from shaodian.core import outbox
from shaodian.core.models import OutboxItem
from shaodian.delivery import rounds
from shaodian.delivery.models import DeliveryRound, StopStatus
from shaodian.delivery.tests.helpers import building_of
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db

# 10:00 on 10 March in Shanghai; its day ends at 16:00 UTC, eight hours before the UTC day does.
MORNING = dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC)
LAST_MINUTE = dt.datetime(2026, 3, 10, 15, 59, tzinfo=dt.UTC)
JUST_AFTER = dt.datetime(2026, 3, 10, 16, 1, tzinfo=dt.UTC)


def make_round(users, n=1, now=MORNING):
    return rounds.round_create(actor=users["grid_a"], building_id=building_of(users["grid_a"], n).pk,
                               volunteer_id=users["volunteer_a"].pk, now=now)


def told(r):
    return OutboxItem.objects.filter(key__startswith=f"notify:delivery_round:{r.pk}:missed")


def test_it_closes_an_open_round_once_its_local_day_is_over_and_tells_every_missed_door(users):
    with freeze_time(MORNING):
        r = make_round(users)
        stops = list(r.stops.all())
        assert r.day == dt.date(2026, 3, 10) and len(stops) >= 2
        delivered = stops[0]
        special = [s for s in stops[1:] if s.special_tags]
        assert special, "the fixture building's other doors include a special-group household"
        rounds.stop_mark(actor=users["volunteer_a"], stop_id=delivered.pk, status="delivered", client_id="d-1")

    with freeze_time(LAST_MINUTE):
        assert rounds.rounds_close_day_over() == 0
    r.refresh_from_db()
    assert r.status == "open" and not told(r).exists()

    with freeze_time(JUST_AFTER):
        assert rounds.rounds_close_day_over() == 1
        assert rounds.rounds_close_day_over() == 0  # run again: nothing left to close, nothing told twice
    r.refresh_from_db()
    assert r.status == "closed" and r.closed_at == JUST_AFTER and r.closed_by is None
    after = {s.pk: s for s in r.stops.all()}
    assert after[delivered.pk].status == StopStatus.DELIVERED
    missed = [s for s in after.values() if s.pk != delivered.pk]
    assert all(s.status == StopStatus.UNREACHED and s.reason == rounds.DAY_OVER for s in missed)
    assert {s.pk for s in missed} == {s.pk for s in stops[1:]}

    # The organiser and the community's staff, as after a close by hand; the special-group doors named in number.
    notes = told(r)
    assert notes.filter(key__contains=f":{users['grid_a'].pk}:").exists()
    assert notes.filter(key__contains=f":{users['staff_a'].pk}:").exists()
    zh = notes.first().payload["zh"]
    assert f"{len(missed)} 户未送达" in zh and f"{len(special)} 户为特殊群体" in zh and "自动结束" in zh
    assert {s.pk for s in rounds.unreached_on(users["staff_a"], r.day)} == {s.pk for s in missed}
    row = AuditLog.objects.filter(object_type="delivery_round", object_id=str(r.pk)).order_by("-pk").first()
    assert row.actor is None and row.channel == "worker"
    assert row.detail["day_over"] is True and row.detail["special_unreached"] == len(special)


def test_a_round_closed_by_hand_or_of_today_is_left_alone(users):
    with freeze_time(MORNING):
        by_hand, other = make_round(users, 0), make_round(users, 1)
        for s in by_hand.stops.all():
            rounds.stop_mark(actor=users["volunteer_a"], stop_id=s.pk, status="delivered", client_id=f"h-{s.pk}")
        rounds.round_close(actor=users["volunteer_a"], round_id=by_hand.pk)
    with freeze_time(JUST_AFTER):
        today = make_round(users, 0, now=JUST_AFTER)
        assert today.day == dt.date(2026, 3, 11)
        assert rounds.rounds_close_day_over() == 1
    by_hand.refresh_from_db()
    other.refresh_from_db()
    today.refresh_from_db()
    assert by_hand.closed_by == users["volunteer_a"] and not told(by_hand).exists()
    assert other.status == "closed" and today.status == "open"


def test_the_worker_runs_it_as_a_periodic_job(users):
    assert outbox.PERIODIC["delivery.rounds_day_over"].every <= dt.timedelta(minutes=15)
    with freeze_time(MORNING):
        r = make_round(users)
    with freeze_time(JUST_AFTER):
        outbox.schedule_periodic()
        outbox.work(worker="test")
        job = OutboxItem.objects.get(event="delivery.rounds_day_over")
        assert job.status == "done", job.last_error
    assert DeliveryRound.objects.get(pk=r.pk).status == "closed"
    assert told(r).exists()
