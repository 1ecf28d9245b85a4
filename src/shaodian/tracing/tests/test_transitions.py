"""Cases and monitoring change status only through their transition tables: illegal moves refused, each move audited."""

import itertools
import json

import pytest
from django.utils import translation

from shaodian.errors import ServiceError
from shaodian.security.models import AuditLog
from shaodian.tracing import services
from shaodian.tracing.models import Case, CaseStatus, Monitoring, MonitoringStatus
from shaodian.tracing.tests.support import confirmed_contact
from shaodian.tracing.transitions import CASE_MOVES, MONITORING_MOVES, cases_transition, monitoring_transition

pytestmark = pytest.mark.django_db


def test_it_closes_a_case_once_and_audits_the_move(scene):
    case = services.case_close(actor=scene["cdc"], case_id=scene["case"].pk, note="治愈出院")
    assert Case.objects.get(pk=case.pk).status == "recovered"
    row = AuditLog.objects.get(object_type="case", object_id=str(case.pk), action="update")
    assert (row.detail["from"], row.detail["to"], row.detail["move"]) == ("active", "recovered", "close")
    with pytest.raises(ServiceError) as exc:
        services.case_close(actor=scene["cdc"], case_id=case.pk)
    [msg] = exc.value.errors["status"]
    assert msg.code == "illegal_move" and "「已康复」" in msg.zh and "recovered" in msg.en
    with translation.override("zh-hans"):
        assert str(msg) == msg.zh  # Chinese first
    assert AuditLog.objects.filter(object_type="case", object_id=str(case.pk), action="update").count() == 1


def test_only_a_case_manager_closes_a_case(scene, users):
    with pytest.raises(ServiceError) as exc:
        services.case_close(actor=users["grid_a"], case_id=scene["case"].pk)
    assert exc.value.status == 403
    assert Case.objects.get(pk=scene["case"].pk).status == "active"


@pytest.mark.parametrize(("start", "to"), list(itertools.product(CaseStatus.values, CaseStatus.values)))
def test_every_case_move_outside_the_table_is_refused(scene, start, to):
    Case.objects.filter(pk=scene["case"].pk).update(status=start)
    case = Case.objects.get(pk=scene["case"].pk)
    if (start, to) in CASE_MOVES:
        cases_transition(actor=scene["cdc"], cases=[case], to=to)
    else:
        with pytest.raises(ServiceError):
            cases_transition(actor=scene["cdc"], cases=[case], to=to)
    assert Case.objects.get(pk=case.pk).status == (to if (start, to) in CASE_MOVES else start)


@pytest.mark.parametrize(("start", "to"), list(itertools.product(MonitoringStatus.values, MonitoringStatus.values)))
def test_every_monitoring_move_outside_the_table_is_refused(scene, start, to):
    m = Monitoring.objects.get(contact=confirmed_contact(scene))
    Monitoring.objects.filter(pk=m.pk).update(status=start)
    m.refresh_from_db()
    if (start, to) in MONITORING_MOVES:
        monitoring_transition(actor=scene["cdc"], rows=[m], to=to)
    else:
        with pytest.raises(ServiceError):
            monitoring_transition(actor=scene["cdc"], rows=[m], to=to)
    assert Monitoring.objects.get(pk=m.pk).status == (to if (start, to) in MONITORING_MOVES else start)


def test_ending_monitoring_twice_is_refused(scene):
    m = Monitoring.objects.get(contact=confirmed_contact(scene))
    services.monitoring_end(actor=scene["cdc"], monitoring_id=m.pk)
    with pytest.raises(ServiceError) as exc:
        services.monitoring_end(actor=scene["cdc"], monitoring_id=m.pk, note="再次解除")
    assert exc.value.errors["status"][0].code == "illegal_move"
    assert Monitoring.objects.get(pk=m.pk).task != "再次解除"
    moves = AuditLog.objects.filter(object_type="monitoring", object_id=str(m.pk)).values_list("detail", flat=True)
    assert [d["move"] for d in moves] == ["end"]


def test_a_re_confirmed_contact_restarts_its_monitoring(scene):
    contact = confirmed_contact(scene)
    services.contact_decide(actor=scene["cdc"], contact_id=contact.pk, confirm=False, note="复核：不同时段")
    services.contact_decide(actor=scene["cdc"], contact_id=contact.pk, confirm=True, note="再次复核：同桌")
    m = Monitoring.objects.get(contact=contact)
    assert m.status == "active"
    moves = AuditLog.objects.filter(object_type="monitoring", object_id=str(m.pk)).order_by("pk")
    assert [a.detail["move"] for a in moves] == ["end", "restart"]



def test_the_api_closes_a_case_and_refuses_closing_it_again(scene, api_as):
    api = api_as("cdc")
    url = f"/api/v1/tracing/cases/{scene['case'].pk}/close"
    ok = api.post(url, json.dumps({"note": "治愈出院"}), content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"id": scene["case"].pk, "status": "recovered"}
    again = api.post(url, json.dumps({"note": ""}), content_type="application/json")
    assert again.status_code == 422 and "不能改为" in again.json()["msg_zh"]
    outside = api_as("grid_b").post(url, json.dumps({}), content_type="application/json")
    assert outside.status_code in (403, 404)


def test_the_api_ends_monitoring(scene, api_as):
    m = Monitoring.objects.get(contact=confirmed_contact(scene))
    res = api_as("cdc").post(f"/api/v1/tracing/monitoring/{m.pk}/end", json.dumps({"note": "期满解除"}),
                             content_type="application/json")
    assert res.status_code == 200 and res.json()["status"] == "ended"
    assert Monitoring.objects.get(pk=m.pk).task == "期满解除"
