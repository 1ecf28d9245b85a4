"""Dispatching down against the admission list, acknowledging and completing, cancelling, overdue tasks upward."""

import datetime as dt
import io

import pytest
from PIL import Image

from shaodian.core.models import OutboxItem
from shaodian.errors import NotFound, ServiceError
from shaodian.security.models import AuditLog
from shaodian.tasks import selectors, services
from shaodian.tasks.models import Kind, Status, Task, Team

T0 = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)
DUE = T0 + dt.timedelta(hours=6)


@pytest.fixture
def listed(users):
    return services.admission_list_set(actor=users["street_a"], community=users["staff_a"].node,
                                       name="名苑社区准入清单", kinds=[Kind.VISIT, Kind.DISINFECTION], now=T0)


def dispatch(users, who="street_a", **kw):
    args = {"actor": users[who], "kind": Kind.DISINFECTION, "node": users["grid_a"].node, "title": "楼道消杀",
            "due_at": DUE, "assignee": users["grid_a"], "now": T0}
    args.update(kw)
    return services.task_dispatch(**args)


def test_it_dispatches_a_listed_kind_and_tells_the_receiver(users, listed):
    t = dispatch(users)
    assert t.status == Status.OPEN and t.community_id == users["staff_a"].node_id and not t.exception_reason
    assert OutboxItem.objects.filter(key=f"notify:task:{t.pk}:new:{users['grid_a'].pk}:sms").exists()
    assert list(selectors.my_tasks(users["grid_a"])) == [t]


def test_it_refuses_a_kind_outside_the_list_with_its_name(users, listed):
    with pytest.raises(ServiceError) as exc:
        dispatch(users, kind=Kind.PUBLICITY)
    msg = exc.value.errors["kind"][0]
    assert "名苑社区准入清单" in msg.zh and "名苑社区准入清单" in msg.en and msg.code == "not_admitted"
    assert not Task.objects.exists()


def test_a_filed_exception_goes_through_and_the_level_above_hears(users, listed):
    t = dispatch(users, kind=Kind.PUBLICITY, exception_reason="区里统一要求张贴疫苗接种告示")
    assert t.exception_reason == "区里统一要求张贴疫苗接种告示"
    commander = users["commander"]  # the district, one level above the street that sent it
    assert OutboxItem.objects.filter(key=f"notify:task:{t.pk}:exception:{commander.pk}:inapp").exists()
    assert selectors.tasks_for(commander).filter(exception_reason__gt="").count() == 1


def test_the_list_does_not_bind_the_communitys_own_staff(users, listed):
    t = dispatch(users, who="staff_a", kind=Kind.PUBLICITY)
    assert t.exception_reason == ""


def test_it_refuses_a_node_or_person_outside_the_senders_jurisdiction(users):
    with pytest.raises(ServiceError) as exc:
        dispatch(users, who="staff_a", node=users["grid_b"].node, assignee=None)
    assert "node" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        dispatch(users, who="staff_a", assignee=users["grid_b"])
    assert "assignee" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        dispatch(users, who="grid_a")
    assert exc.value.status == 403
    with pytest.raises(ServiceError) as exc:
        dispatch(users, due_at=T0 - dt.timedelta(hours=1))
    assert "due_at" in exc.value.errors


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (3000, 2000), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (39, 54, 0)}  # GPS latitude
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_the_receiver_acknowledges_and_completes_with_a_clean_photo_once(users):
    t = dispatch(users)
    services.task_acknowledge(actor=users["grid_a"], task_id=t.pk, now=T0)
    done = services.task_complete(actor=users["grid_a"], task_id=t.pk, note="已消杀 3 栋楼道", photo=_jpeg_with_gps(),
                                  client_id="c-1", now=T0 + dt.timedelta(hours=1))
    assert done.status == Status.DONE and done.closed_by == users["grid_a"]
    with Image.open(io.BytesIO(bytes(done.evidence_photo))) as img:
        assert max(img.size) == 1280 and not img.getexif()
    again = services.task_complete(actor=users["grid_a"], task_id=t.pk, note="重发", client_id="c-1")
    assert again.evidence_note == "已消杀 3 栋楼道"
    with pytest.raises(ServiceError) as exc:
        services.task_complete(actor=users["grid_a"], task_id=t.pk, note="另一次", client_id="c-2")
    assert exc.value.status == 409
    assert AuditLog.objects.filter(object_type="task", object_id=str(t.pk)).count() >= 3


def test_it_refuses_completion_without_evidence_and_by_someone_else(users):
    t = dispatch(users)
    with pytest.raises(ServiceError) as exc:
        services.task_complete(actor=users["grid_a"], task_id=t.pk)
    assert exc.value.errors["action"][0].code == "evidence_missing"
    with pytest.raises(NotFound):
        services.task_complete(actor=users["grid_b"], task_id=t.pk, note="不是我的")
    with pytest.raises(NotFound):
        services.task_complete(actor=users["volunteer_a"], task_id=t.pk, note="不是我的")


def test_a_team_task_reaches_its_members_and_the_one_who_takes_it(users):
    team = Team(name="药品保障组", kind="residents")
    team.locate_at(users["staff_a"].node)
    team.save()
    team.members.add(users["volunteer_a"])
    t = dispatch(users, who="staff_a", kind=Kind.MEDICAL_ESCORT, assignee=None, team=team,
                 node=users["staff_a"].node, title="为 3 户老人代购药品")
    assert list(selectors.my_tasks(users["volunteer_a"])) == [t]
    services.task_acknowledge(actor=users["volunteer_a"], task_id=t.pk, now=T0)
    assert Task.objects.get(pk=t.pk).assignee == users["volunteer_a"]


def test_the_sender_cancels_and_an_overdue_task_is_told_upward_once(users):
    t, late = dispatch(users), dispatch(users, title="门岗值守", kind=Kind.VISIT)
    services.task_cancel(actor=users["street_a"], task_id=t.pk, now=T0)
    assert services.tasks_escalate_overdue(now=DUE + dt.timedelta(minutes=1)) == 1
    assert services.tasks_escalate_overdue(now=DUE + dt.timedelta(minutes=9)) == 0
    assert Task.objects.get(pk=late.pk).escalated_at is not None
    assert OutboxItem.objects.filter(key=f"notify:task:{late.pk}:overdue:{users['street_a'].pk}:inapp").exists()
