"""Whistles: raised by a community, answered by the department's people, late ones one level up with frozen time."""

import datetime as dt

import pytest
from freezegun import freeze_time

from shaodian.core.models import OutboxItem
from shaodian.errors import NotFound, ServiceError
from shaodian.tasks import whistles
from shaodian.tasks.models import Department, WhistleStatus

T0 = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)


@pytest.fixture
def police(users):
    d = Department(name="海棠街道派出所", kind="police", answer_hours=2)
    d.locate_at(users["street_a"].node)
    d.save()
    d.members.add(users["cdc"])  # a district health official who also answers for this unit in the fixture
    return d


def raise_one(users, police, **kw):
    args = {"actor": users["staff_a"], "department_id": police.pk, "category": "order",
            "need": "3 号楼有人强行冲卡，请派出所协助", "now": T0}
    args.update(kw)
    return whistles.whistle_raise(**args)


def test_a_community_raises_and_the_department_answers(users, police):
    w = raise_one(users, police)
    assert w.due_at == T0 + dt.timedelta(hours=2) and w.community_id == users["staff_a"].node_id
    assert OutboxItem.objects.filter(key=f"notify:whistle:{w.pk}:raised:{users['cdc'].pk}:inapp").exists()
    w = whistles.whistle_act(actor=users["cdc"], whistle_id=w.pk, action="answer", note="民警 20 分钟内到场",
                             now=T0 + dt.timedelta(minutes=30))
    assert w.status == WhistleStatus.ANSWERED and w.answered_by == users["cdc"]
    w = whistles.whistle_act(actor=users["staff_a"], whistle_id=w.pk, action="close", now=T0 + dt.timedelta(hours=1))
    assert w.status == WhistleStatus.CLOSED
    assert [e.action for e in w.events.all()] == ["raise", "answer", "close"]


def test_only_the_departments_people_answer(users, police):
    w = raise_one(users, police)
    with pytest.raises(ServiceError) as exc:
        whistles.whistle_act(actor=users["staff_a"], whistle_id=w.pk, action="answer", note="我自己答复")
    assert exc.value.status == 403
    with pytest.raises(NotFound):
        whistles.whistle_act(actor=users["grid_b"], whistle_id=w.pk, action="close")
    with pytest.raises(ServiceError):
        whistles.whistle_act(actor=users["cdc"], whistle_id=w.pk, action="escalate")


def test_bad_input_is_refused(users, police):
    with pytest.raises(ServiceError) as exc:
        raise_one(users, police, need="  ")
    assert "need" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        raise_one(users, police, category="weather")
    assert "category" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        raise_one(users, police, department_id="x")
    assert "department" in exc.value.errors


def test_a_late_whistle_goes_up_one_level_each_lapse(users, police):
    w = raise_one(users, police)
    with freeze_time(T0 + dt.timedelta(hours=1)):
        assert whistles.whistles_escalate() == 0
    with freeze_time(T0 + dt.timedelta(hours=2, minutes=5)):
        assert whistles.whistles_escalate() == 1
        assert whistles.whistles_escalate() == 0  # a fresh deadline: not twice for one lapse
    w.refresh_from_db()
    assert w.level == 1 and w.escalated_to == users["commander"].node
    assert w.due_at == T0 + dt.timedelta(hours=4, minutes=5)
    assert OutboxItem.objects.filter(key__startswith=f"notify:whistle:{w.pk}:up:1:{users['commander'].pk}").exists()
    with freeze_time(T0 + dt.timedelta(hours=4, minutes=10)):
        assert whistles.whistles_escalate() == 1
    w.refresh_from_db()
    assert w.level == 2 and w.escalated_to == users["admin"].node
    with freeze_time(T0 + dt.timedelta(hours=9)):
        assert whistles.whistles_escalate() == 0  # the city is the top
    whistles.whistle_act(actor=users["cdc"], whistle_id=w.pk, action="answer", note="已到场")
    with freeze_time(T0 + dt.timedelta(days=2)):
        assert whistles.whistles_escalate() == 0
