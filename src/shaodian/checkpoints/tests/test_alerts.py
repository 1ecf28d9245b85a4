"""Scan alerts (issue 9, items 3 and 4): a case, a contact, a revoked pass or a fever scanned — even offline —
alerts the guard after upload and the staff of the checkpoint's jurisdiction until one of them acknowledges it."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from shaodian.checkpoints import selectors, services
from shaodian.checkpoints.models import AlertKind, Scan, ScanAlert
from shaodian.people.models import Resident
from shaodian.places.models import Place
from shaodian.security.models import AuditLog
from shaodian.tracing import services as tracing
from shaodian.tracing.models import Monitoring, MonitoringReason

pytestmark = pytest.mark.django_db

URL = "/api/v1/scans/batch"


@pytest.fixture(autouse=True)
def fresh_scope():
    services._scope_cache.clear()
    yield
    services._scope_cache.clear()


@pytest.fixture
def gate(users):
    community = Place.objects.get(pk=users["staff_a"].node_id)
    return services.checkpoint_create(actor=users["staff_a"], place=community, name="东门", kind="community_gate")


@pytest.fixture
def people(users):
    from shaodian.checkpoints.health import flags_for

    residents = list(Resident.objects.filter(community_id=users["staff_a"].node_id).order_by("pk")[:60])
    flagged = flags_for([r.pk for r in residents])
    return [r for r in residents if r.pk not in flagged][:4]


@pytest.fixture
def case(users, people):
    return tracing.case_register(actor=users["cdc"], resident_id=people[0].pk, kind="confirmed",
                                 test_date=timezone.localdate())


def upload(api, gate, *items):
    """Scans as the guard's phone queued them offline, minutes ago, now uploaded."""
    at = (timezone.now() - dt.timedelta(minutes=10)).isoformat()
    body = [{"client_id": f"q{i}", "checkpoint": gate.pk, "at": at, "direction": "in", **item}
            for i, item in enumerate(items)]
    res = api.post(URL, json.dumps({"scans": body}), content_type="application/json")
    assert res.status_code == 200, res.content
    return res.json()["results"]


def test_an_offline_scan_of_an_active_case_raises_an_alert_after_upload(api_as, users, gate, people, case):
    [result] = upload(api_as("guard_a"), gate, {"person": services.identity_token(people[0])})
    assert result["status"] == "accepted"
    assert result["alert"]["kinds"] == ["case"]
    assert result["alert"]["name"] == services.mask_name(people[0].name) and "*" in result["alert"]["name"]
    assert dt.datetime.fromisoformat(result["alert"]["at"]) < timezone.now() - dt.timedelta(minutes=9)
    alert = ScanAlert.objects.get(client_id="q0")
    assert (alert.kind, alert.resident_id, alert.checkpoint_id, alert.acknowledged_at) == (
        AlertKind.CASE, people[0].pk, gate.pk, None)
    assert list(selectors.alerts_open_for(users["staff_a"])) == [alert]


def test_a_contact_under_monitoring_raises_an_alert(api_as, users, gate, people, case):
    Monitoring.objects.create(resident=people[1], reason=MonitoringReason.SECONDARY_CONTACT,
                              starts_on=timezone.localdate(), ends_on=timezone.localdate() + dt.timedelta(days=7))
    tracing.health_flags_refresh([people[1].pk])  # written outside tracing's services: flags follow by hand
    [result] = upload(api_as("guard_a"), gate, {"person": services.identity_token(people[1])})
    assert result["alert"]["kinds"] == ["monitoring"]


def test_a_healthy_person_raises_nothing(api_as, gate, people):
    [result] = upload(api_as("guard_a"), gate, {"person": services.identity_token(people[2]), "temperature": 37.2})
    assert result["status"] == "accepted" and "alert" not in result
    assert not ScanAlert.objects.filter(client_id="q0").exists()


def test_a_fever_raises_an_alert_and_the_reading_is_recorded(api_as, gate, people):
    [result] = upload(api_as("guard_a"), gate, {"person": services.identity_token(people[2]), "temperature": 37.3})
    assert result["alert"]["kinds"] == ["fever"] and result["alert"]["temperature"] == 37.3
    assert Scan.objects.get(client_id="q0").temperature == 37.3
    assert ScanAlert.objects.get(client_id="q0").temperature == 37.3


def test_a_pass_revoked_before_the_offline_scan_raises_an_alert(api_as, users, gate, people):
    now = timezone.now()
    permit = services.pass_issue(actor=users["staff_a"], kind="medical", checkpoint_ids=[gate.pk], reason="复诊",
                                 valid_from=now - dt.timedelta(hours=2), valid_to=now + dt.timedelta(days=1),
                                 resident_id=people[3].pk)
    Pass = type(permit)
    Pass.objects.filter(pk=permit.pk).update(revoked_at=now - dt.timedelta(hours=1), revoked_reason="遗失")
    [result] = upload(api_as("guard_a"), gate, {"pass": services.pass_token(permit)})
    assert result["status"] == "rejected" and result["code"] == "revoked"
    assert result["alert"]["kinds"] == ["revoked_pass"]
    assert ScanAlert.objects.get(client_id="q0").resident_id == people[3].pk


def test_the_same_batch_sent_again_raises_nothing_twice_but_says_it_again(api_as, gate, people, case):
    api = api_as("guard_a")
    item = {"person": services.identity_token(people[0]), "temperature": 38.6}
    [first] = upload(api, gate, item)
    assert first["alert"]["kinds"] == ["case", "fever"]
    # The first answer was lost on the way back: the retry must still tell the guard.
    [again] = upload(api, gate, item)
    assert again["status"] == "duplicate" and again["alert"] == first["alert"]
    assert ScanAlert.objects.filter(client_id="q0").count() == 2
    assert AuditLog.objects.filter(object_type="scan_alert", action="create").count() == 1


def test_the_raising_is_audited_without_names(api_as, gate, people, case):
    upload(api_as("guard_a"), gate, {"person": services.identity_token(people[0])})
    row = AuditLog.objects.filter(object_type="scan_alert", action="create").latest("id")
    assert row.actor_name == "guard_a" and row.count == 1 and row.detail["kinds"] == ["case"]
    assert people[0].name not in json.dumps(row.detail, ensure_ascii=False)


# --- who sees them, who acknowledges them ---------------------------------------------------------------


@pytest.fixture
def alert(api_as, gate, people, case):
    upload(api_as("guard_a"), gate, {"person": services.identity_token(people[0])})
    return ScanAlert.objects.get(client_id="q0")


@pytest.mark.parametrize("username", ["staff_a", "guard_a", "street_a", "commander", "cdc", "admin"])
def test_the_checkpoints_jurisdiction_sees_the_alert(client_as, alert, username):
    page = client_as(username).get("/checkpoints/alerts/")
    assert page.status_code == 200
    assert f'id="alert-{alert.pk}"' in page.content.decode()


def test_grid_b_does_not_see_community_as_alert(client_as, users, alert):
    assert list(selectors.alerts_open_for(users["grid_b"])) == []
    assert f'id="alert-{alert.pk}"' not in client_as("grid_b").get("/checkpoints/alerts/").content.decode()


@pytest.mark.parametrize("username", ["supply", "legal", "volunteer_a", "supervisor"])
def test_roles_outside_the_response_see_no_alerts(client_as, users, alert, username):
    assert client_as(username).get("/checkpoints/alerts/").status_code == 403
    assert list(selectors.alerts_open_for(users[username])) == []


def test_the_list_shows_the_masked_name_and_the_time_in_shanghai(client_as, alert, people):
    page = client_as("staff_a").get("/checkpoints/alerts/").content.decode()
    assert services.mask_name(people[0].name) in page and people[0].name not in page
    assert timezone.localtime(alert.at).strftime("%Y-%m-%d %H:%M") in page


def test_staff_acknowledge_an_alert_with_a_note(client_as, users, alert):
    client = client_as("staff_a")
    res = client.post(f"/checkpoints/alerts/{alert.pk}/acknowledge/", {"note": "已电话联系，转运隔离"})
    assert res.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == users["staff_a"] and alert.acknowledged_at is not None
    assert alert.note == "已电话联系，转运隔离"
    assert list(selectors.alerts_open_for(users["staff_a"])) == []
    row = AuditLog.objects.filter(object_type="scan_alert", object_id=str(alert.pk), action="update").get()
    assert row.actor_name == "staff_a"
    page = client.get("/checkpoints/alerts/?show=all").content.decode()
    assert "staff_a" in page and "已电话联系" in page


@pytest.mark.parametrize("show", ["ALL", "yes", "all" * 2_000_000])
def test_the_list_shows_open_alerts_only_unless_asked_for_all(client_as, alert, show):
    client = client_as("staff_a")
    client.post(f"/checkpoints/alerts/{alert.pk}/acknowledge/", {"note": "已电话联系"})
    page = client.get("/checkpoints/alerts/", {"show": show})
    assert page.status_code == 200 and "没有待确认的预警。" in page.content.decode()
    assert "已电话联系" in client.get("/checkpoints/alerts/", {"show": "all"}).content.decode()


def test_an_alert_is_acknowledged_once(client_as, users, alert):
    client_as("staff_a").post(f"/checkpoints/alerts/{alert.pk}/acknowledge/", {"note": "先到"})
    client = client_as("commander")
    res = client.post(f"/checkpoints/alerts/{alert.pk}/acknowledge/", {"note": "后到"}, follow=True)
    assert "该预警已被确认" in res.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == users["staff_a"] and alert.note == "先到"


def test_a_guard_sees_but_cannot_acknowledge(client_as, alert):
    client = client_as("guard_a")
    assert 'name="note"' not in client.get("/checkpoints/alerts/").content.decode()
    assert client.post(f"/checkpoints/alerts/{alert.pk}/acknowledge/", {"note": "x"}).status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_staff_elsewhere_cannot_acknowledge_it(client_as, alert):
    assert client_as("grid_b").post(f"/checkpoints/alerts/{alert.pk}/acknowledge/", {"note": "x"}).status_code in (403, 404)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_the_home_page_links_open_alerts(client_as, alert):
    page = client_as("staff_a").get("/").content.decode()
    assert 'href="/checkpoints/alerts/"' in page and "home-alerts" in page
    client_as("staff_a").post(f"/checkpoints/alerts/{alert.pk}/acknowledge/", {"note": ""})
    assert "home-alerts" not in client_as("staff_a").get("/").content.decode()


def test_reading_the_list_is_audited(client_as, alert):
    client_as("staff_a").get("/checkpoints/alerts/")
    row = AuditLog.objects.filter(object_type="scan_alert", action="list").latest("id")
    assert row.actor_name == "staff_a" and row.detail["ids"] == [alert.pk]


def test_a_note_over_200_characters_is_a_message_and_no_acknowledgement(client_as, alert):
    res = client_as("staff_a").post(f"/checkpoints/alerts/{alert.pk}/acknowledge/", {"note": "长" * 201}, follow=True)
    assert "200" in res.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
