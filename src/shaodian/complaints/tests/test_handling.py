"""Filing, routing, handling, the reporter's feedback and reopen, scope, anonymity, escalation with frozen time."""

import datetime as dt

import pytest
from freezegun import freeze_time

from shaodian.complaints import intake, selectors, services
from shaodian.complaints.models import Complaint, IntakeRefusal
from shaodian.complaints.tests.factories import make_town
from shaodian.core.models import OutboxItem
from shaodian.errors import NotFound, ServiceError
from shaodian.security.models import AuditLog

T0 = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)  # 09:00 in Shanghai


@pytest.fixture
def town(db):
    return make_town()


def file(town, **kw):
    args = {"channel": "web", "text": "小区大门锁了，老人要去医院出不去", "place_id": town.east_grid.pk,
            "category": "medical_access", "reporter_name": "王芳", "reporter_phone": "13800001111", "now": T0}
    args.update(kw)
    return intake.complaint_file(**args)


def test_it_routes_by_category_to_the_body_and_level(town):
    c, code = file(town)
    assert c.body == "街道卫生健康办" and c.handling_node == town.street
    assert c.answer_by == T0 + dt.timedelta(hours=2) and len(code) == 8
    c2, _ = file(town, category="information", reporter_phone="")
    assert c2.handling_node == town.east and c2.answer_by == T0 + dt.timedelta(hours=24)
    assert c2.resolve_by == T0 + dt.timedelta(hours=72)


def test_it_suggests_a_category_when_none_is_given(town):
    c, _ = file(town, category="", text="消防通道被铁栅栏和水马堵死了，着火消防车进不来")
    assert c.suggested_category == "fire_lane" == c.category


def test_it_links_a_duplicate_both_ways(town):
    first, _ = file(town)
    second, _ = file(town, reporter_phone="13900002222", now=T0 + dt.timedelta(hours=3))
    assert second.duplicate_of == first and list(first.duplicates.all()) == [second]


def test_a_handler_walks_it_to_resolved_and_the_reporter_reopens(town):
    c, code = file(town)
    staff = town.users["street"]
    services.complaint_act(actor=staff, complaint_id=c.pk, action="assign", now=T0)
    services.complaint_act(actor=staff, complaint_id=c.pk, action="start", note="已联系社区开门", now=T0)
    c = services.complaint_act(actor=staff, complaint_id=c.pk, action="resolve", note="已送医", now=T0)
    assert c.status == "resolved" and c.answer == "已送医"
    c = services.complaint_reporter_act(number=c.number, code=code, action="feedback", satisfied=False,
                                           now=T0 + dt.timedelta(days=1))
    assert c.satisfied is False
    c = services.complaint_reporter_act(number=c.number, code=code.lower(), action="reopen",
                                           now=T0 + dt.timedelta(days=2))
    assert c.status == "assigned" and c.reopen_count == 1


def test_a_stranger_cannot_give_feedback_and_nothing_changes(town):
    c, code = file(town)
    staff = town.users["street"]
    services.complaint_act(actor=staff, complaint_id=c.pk, action="assign", now=T0)
    services.complaint_act(actor=staff, complaint_id=c.pk, action="close_unresolved", note="无法处理", now=T0)
    with pytest.raises(ServiceError) as e:
        services.complaint_reporter_act(number=c.number, code="WRONGCOD", action="feedback", satisfied=True)
    assert e.value.status == 403
    c.refresh_from_db()
    assert c.satisfied is None and c.status == "closed_unresolved"


def test_illegal_moves_are_refused_with_409(town):
    c, _ = file(town)
    with pytest.raises(ServiceError) as e:
        services.complaint_act(actor=town.users["street"], complaint_id=c.pk, action="resolve", note="x")
    assert e.value.status == 409


def test_answers_are_required(town):
    c, _ = file(town)
    services.complaint_act(actor=town.users["street"], complaint_id=c.pk, action="assign")
    with pytest.raises(ServiceError) as e:
        services.complaint_act(actor=town.users["street"], complaint_id=c.pk, action="start", note=" ")
    assert "note" in e.value.errors


def test_scope_keeps_other_communities_out(town):
    c, _ = file(town)
    assert selectors.complaints_for(town.users["east_staff"]).filter(pk=c.pk).exists()
    assert not selectors.complaints_for(town.users["west_staff"]).filter(pk=c.pk).exists()
    assert not selectors.complaints_for(town.users["volunteer"]).exists()
    with pytest.raises(NotFound):
        services.complaint_act(actor=town.users["west_staff"], complaint_id=c.pk, action="assign")


def test_an_anonymous_reporter_is_hidden_except_from_the_designated_role(town):
    c, _ = file(town, anonymous=True)
    assert selectors.reporter_view(town.users["east_staff"], c) == {"hidden": True, "anonymous": True}
    assert "name" not in selectors.reporter_view(town.users["street"], c)
    shown = selectors.reporter_view(town.users["street"], c, reveal=True)
    assert shown["name"] == "王芳" and shown["phone"] == "13800001111"
    assert AuditLog.objects.filter(action="reveal", object_type="complaint_reporter", object_id=str(c.pk)).exists()
    assert selectors.reporter_view(town.users["east_staff"], c, reveal=True)["hidden"]


def test_a_named_reporter_shows_a_masked_phone(town):
    c, _ = file(town)
    assert selectors.reporter_view(town.users["east_staff"], c)["phone"] == "138****1111"


def test_the_reporter_is_stored_encrypted(town):
    c, _ = file(town)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT reporter_phone FROM complaints_complaint WHERE id = %s", [c.pk])
        assert "13800001111" not in cur.fetchone()[0]


def test_a_flood_from_one_phone_is_refused_and_recorded(town):
    for i in range(intake.FLOOD_LIMITS["phone"]):
        file(town, now=T0 + dt.timedelta(minutes=i), category="other")
    with pytest.raises(ServiceError) as e:
        file(town, now=T0 + dt.timedelta(minutes=9), category="other")
    assert e.value.status == 429
    assert IntakeRefusal.objects.filter(source_kind="phone").count() == 1
    assert Complaint.objects.filter(place=town.east_grid).count() == intake.FLOOD_LIMITS["phone"]


def test_bad_input_is_refused_before_anything_is_saved(town):
    before = Complaint.objects.count()
    for kw in ({"text": " "}, {"latitude": 120.0, "longitude": 30.0}, {"category": "nope"}, {"place_id": "x"},
               {"reporter_phone": "<script>"}, {"channel": "staff", "actor": town.users["street"]}):
        with pytest.raises(ServiceError):
            file(town, **kw)
    assert Complaint.objects.count() == before


def test_a_late_item_escalates_one_level_up_through_the_outbox(town):
    c, _ = file(town, category="information", reporter_phone="")  # community handles; answer within 24 h
    with freeze_time(T0 + dt.timedelta(hours=23)):
        assert services.complaints_escalate() == 0
    with freeze_time(T0 + dt.timedelta(hours=25)):
        assert services.complaints_escalate() == 1
        assert services.complaints_escalate() == 0  # once
    c.refresh_from_db()
    assert c.escalated_to == town.street
    notes = OutboxItem.objects.filter(event="core.notify", key__contains=f"complaint:{c.pk}:escalated")
    assert {n.payload["recipient"] for n in notes} == {town.users["street"].pk}


def test_an_answered_item_escalates_when_its_resolve_deadline_passes(town):
    c, _ = file(town, category="information", reporter_phone="")
    services.complaint_act(actor=town.users["east_staff"], complaint_id=c.pk, action="assign", now=T0)
    services.complaint_act(actor=town.users["east_staff"], complaint_id=c.pk, action="start", note="收到", now=T0)
    assert services.complaints_escalate(now=T0 + dt.timedelta(hours=71)) == 0
    assert services.complaints_escalate(now=T0 + dt.timedelta(hours=73)) == 1


def test_the_routing_table_overrides_the_defaults(town):
    with pytest.raises(ServiceError):
        services.routing_rule_set(actor=town.users["street"], category="rumour", level="community", body="社区居委会")
    services.routing_rule_set(actor=town.users["district"], category="rumour", level="community", body="社区网格站")
    c, _ = file(town, category="rumour", reporter_phone="")
    assert c.body == "社区网格站" and c.handling_node == town.east
