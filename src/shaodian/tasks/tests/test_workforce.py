"""Workforce: residents covered, the overload flags, reassignment in one action (统筹补缺), secondment gaps."""

import datetime as dt

import pytest

from shaodian.errors import ServiceError
from shaodian.tasks import services, workforce
from shaodian.tasks.models import Kind, Status, Task

NOW = dt.datetime(2026, 11, 10, 4, tzinfo=dt.UTC)


def give(users, who, n):
    return [services.task_for_system(kind=Kind.FOLLOW_UP, node=users[who].node, title=f"随访 {i}", source="test",
                                     source_id=f"{who}-{i}", assignee=users[who], due_at=NOW + dt.timedelta(days=1),
                                     now=NOW - dt.timedelta(hours=1)) for i in range(n)]


def row_of(rows, user):
    return next(r for r in rows if r.worker == user)


def test_it_counts_residents_tasks_and_flags_a_long_week(users):
    give(users, "grid_a", 2)
    for d in range(7):
        start = NOW - dt.timedelta(days=d, hours=3)
        workforce.shift_record(actor=users["staff_a"], worker=users["grid_a"], start=start,
                               end=start + dt.timedelta(hours=13 if d == 0 else 9))
    row = row_of(workforce.workforce_rows(users["staff_a"], now=NOW), users["grid_a"])
    assert row.residents == 12 and row.open_tasks == 2
    assert set(row.load.reasons) == {"long_day", "streak"}
    quiet = row_of(workforce.workforce_rows(users["staff_a"], now=NOW), users["volunteer_a"])
    assert quiet.residents == 0 and not quiet.load.overloaded


def test_a_lower_ratio_flags_the_worker(users):
    assert not row_of(workforce.workforce_rows(users["staff_a"]), users["grid_a"]).load.overloaded
    workforce.workload_rule_set(actor=users["staff_a"], node=users["staff_a"].node, residents_per_worker=10)
    assert row_of(workforce.workforce_rows(users["staff_a"]), users["grid_a"]).load.reasons == ("ratio",)
    with pytest.raises(ServiceError):
        workforce.workload_rule_set(actor=users["staff_a"], node=users["staff_a"].node, residents_per_worker=5)
    grid = users["grid_a"].node
    workforce.workload_rule_set(actor=users["staff_a"], node=grid, residents_per_worker=50)
    assert workforce.ratio_for(grid) == 50


def test_reassign_moves_every_live_task_in_one_action(users):
    tasks = give(users, "grid_a", 3)
    services.task_acknowledge(actor=users["grid_a"], task_id=tasks[0].pk)
    services.task_complete(actor=users["grid_a"], task_id=tasks[1].pk, note="已随访")
    moved = services.tasks_reassign(actor=users["staff_a"], from_worker=users["grid_a"], to_worker=users["volunteer_a"])
    assert moved == 2
    live = Task.objects.filter(assignee=users["volunteer_a"])
    assert sorted(t.pk for t in live) == [tasks[0].pk, tasks[2].pk]
    assert {t.status for t in live} == {Status.OPEN}
    assert Task.objects.get(pk=tasks[1].pk).assignee == users["grid_a"]


def test_reassign_refuses_people_outside_the_jurisdiction(users):
    with pytest.raises(ServiceError) as exc:
        services.tasks_reassign(actor=users["staff_a"], from_worker=users["grid_a"], to_worker=users["grid_b"])
    assert "to_worker" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        services.tasks_reassign(actor=users["grid_a"], from_worker=users["grid_a"], to_worker=users["volunteer_a"])
    assert exc.value.status == 403


def test_a_secondment_shows_the_gap_it_leaves(users):
    workforce.secondment_add(actor=users["staff_a"], worker=users["grid_a"], from_unit="区税务局",
                             starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 12, 1))
    gap = workforce.secondment_gaps(users["staff_a"], now=NOW)[0]
    assert gap.residents == 12 and gap.per_worker_after == 0
    with pytest.raises(ServiceError):
        workforce.secondment_add(actor=users["staff_a"], worker=users["grid_a"], from_unit="区税务局",
                                 starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 10, 1))


def test_training_commendation_and_shift_bounds(users):
    workforce.training_add(actor=users["staff_a"], worker=users["volunteer_a"], title="消杀作业培训",
                           passed_on=dt.date(2026, 10, 1), valid_until=dt.date(2027, 10, 1))
    c = workforce.commendation_give(actor=users["staff_a"], worker=users["volunteer_a"], title="优秀志愿者",
                                    reason="连续 14 天为独居老人送药")
    assert c.community_id == users["staff_a"].node_id
    with pytest.raises(ServiceError):
        workforce.shift_record(actor=users["staff_a"], worker=users["grid_a"], start=NOW, end=NOW)
    with pytest.raises(ServiceError):
        workforce.shift_record(actor=users["staff_a"], worker=users["grid_a"], start=NOW,
                               end=NOW + dt.timedelta(hours=30))
    with pytest.raises(ServiceError):
        workforce.commendation_give(actor=users["staff_a"], worker=users["grid_b"], title="x", reason="y")
