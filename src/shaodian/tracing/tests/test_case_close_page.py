"""Closing a case from its page: a reason, a confirmation step, the closed case with who and when; refusals."""

import datetime as dt
import json
import re
from html import unescape

import pytest

from shaodian.security.models import AuditLog
from shaodian.tracing import services
from shaodian.tracing.models import Case
from shaodian.tracing.tests.support import NOW

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _close_url(case) -> str:
    return f"/tracing/cases/{case.pk}/close/"


def _moves(case):
    return AuditLog.objects.filter(object_type="case", object_id=str(case.pk), action="update")


def test_it_shows_the_close_button_only_to_whoever_may_close_a_case(scene, client_as):
    case = scene["case"]
    page = client_as("cdc").get(f"/tracing/cases/{case.pk}/").content.decode()
    assert f'action="{_close_url(case)}"' in page and "结案原因" in page
    for username in ("staff_a", "grid_a", "street_a", "commander"):  # they see cases, they do not close them
        page = client_as(username).get(f"/tracing/cases/{case.pk}/")
        assert page.status_code == 200, username
        assert _close_url(case) not in page.content.decode(), username


def test_the_close_form_shares_no_id_with_the_other_forms_of_the_case_page(scene, client_as):
    case = scene["case"]
    services.contacts_find(actor=scene["cdc"], case_id=case.pk, t_from=NOW - dt.timedelta(days=1), t_to=NOW)
    page = client_as("cdc").get(f"/tracing/cases/{case.pk}/").content.decode()
    assert 'id="bulk"' in page and f'action="{_close_url(case)}"' in page  # both forms with a note are there
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


@pytest.mark.parametrize("username", ["staff_a", "grid_a", "commander", "volunteer_a"])
def test_a_forged_post_without_the_permission_is_refused(scene, client_as, username):
    case = scene["case"]
    r = client_as(username).post(_close_url(case), {"reason": "discharged", "confirmed": "1"})
    assert r.status_code == 403
    assert Case.objects.get(pk=case.pk).status == "active" and not _moves(case).exists()


def test_the_first_post_asks_to_confirm_and_closes_nothing(scene, client_as):
    case = scene["case"]
    r = client_as("cdc").post(_close_url(case), {"reason": "discharged", "note": "复查阴性"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "确认结案" in _text(html) and "治愈出院" in _text(html) and "复查阴性" in _text(html)
    assert 'name="confirmed" value="1"' in html and 'name="reason" value="discharged"' in html
    assert Case.objects.get(pk=case.pk).status == "active" and not _moves(case).exists()


@pytest.mark.parametrize("data,message", [
    ({"confirmed": "1"}, "请选择结案原因"),
    ({"reason": "", "confirmed": "1"}, "请选择结案原因"),
    ({"reason": "cured-by-magic", "confirmed": "1"}, "请选择结案原因"),
    ({"reason": "other", "note": "  ", "confirmed": "1"}, "请在备注中写明结案原因"),
    ({"reason": "discharged", "note": "长" * 201, "confirmed": "1"}, "200"),
])
def test_a_reason_is_required_and_checked(scene, client_as, data, message):
    case = scene["case"]
    r = client_as("cdc").post(_close_url(case), data)
    assert r.status_code == 422
    html = r.content.decode()
    errors = " ".join(re.findall(r'<ul class="errorlist">(.*?)</ul>', html))
    assert message in errors
    assert 'name="confirmed" value="1"' not in html  # back to the form, not to the confirmation
    assert Case.objects.get(pk=case.pk).status == "active" and not _moves(case).exists()


def test_confirming_closes_the_case_and_the_page_shows_who_closed_it_and_when(scene, client_as):
    case = scene["case"]
    client = client_as("cdc")
    r = client.post(_close_url(case), {"reason": "other", "note": "订正诊断", "confirmed": "1"})
    assert r.status_code == 302 and r["Location"] == f"/tracing/cases/{case.pk}/"
    closed = Case.objects.get(pk=case.pk)
    assert (closed.status, closed.close_reason, closed.close_note) == ("recovered", "other", "订正诊断")
    assert closed.closed_by == scene["cdc"] and closed.closed_at is not None

    page = client.get(r["Location"]).content.decode()
    text = _text(page[page.index('id="closed"'):])
    assert "已结案" in text and "区疾控中心" in text and "订正诊断" in text
    assert closed.closed_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") in text  # Beijing time
    assert _close_url(case) not in page  # a closed case shows no button
    # Audited as the API path audits it: one move, the note and the reason, from the page.
    [row] = _moves(case)
    assert (row.actor, row.channel) == (scene["cdc"], "web")
    assert row.detail == {"from": "active", "to": "recovered", "move": "close", "resident": case.resident_id,
                          "note": "订正诊断", "reason": "other"}


def test_a_second_close_is_refused_with_a_clear_message(scene, client_as):
    case = scene["case"]
    services.case_close(actor=scene["cdc"], case_id=case.pk, reason="discharged")
    r = client_as("cdc").post(_close_url(case), {"reason": "discharged", "confirmed": "1"}, follow=True)
    text = _text(r.content.decode())
    closed = Case.objects.get(pk=case.pk)
    when = closed.closed_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    assert f"该病例已于 {when} 由 区疾控中心 结案，不能再次结案" in text
    assert _moves(case).count() == 1


def test_a_case_closed_meanwhile_is_refused_with_the_same_message(scene, client_as, monkeypatch):
    """Two tabs: the case was active when the view read it, and is closed by the time the service locks it."""
    case = scene["case"]
    real = services.case_close

    def other_tab_first(**kw):
        real(actor=scene["cdc"], case_id=case.pk, reason="isolation_ended")
        return real(**kw)

    monkeypatch.setattr(services, "case_close", other_tab_first)
    r = client_as("cdc").post(_close_url(case), {"reason": "discharged", "confirmed": "1"}, follow=True)
    assert "不能再次结案" in _text(r.content.decode())
    assert Case.objects.get(pk=case.pk).close_reason == "isolation_ended" and _moves(case).count() == 1


def test_the_api_takes_the_same_reasons(scene, api_as):
    case = scene["case"]
    api = api_as("cdc")
    bad = api.post(f"/api/v1/tracing/cases/{case.pk}/close", json.dumps({"reason": "other"}),
                   content_type="application/json")
    assert bad.status_code == 422 and Case.objects.get(pk=case.pk).status == "active"
    ok = api.post(f"/api/v1/tracing/cases/{case.pk}/close", json.dumps({"reason": "isolation_ended"}),
                  content_type="application/json")
    assert ok.status_code == 200
    closed = Case.objects.get(pk=case.pk)
    assert (closed.close_reason, closed.closed_by) == ("isolation_ended", scene["cdc"])
    assert _moves(case).get().channel == "api"


def test_cases_closed_before_get_who_and_when_from_their_audit_row(scene):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shaodian.tracing.migrations.0005_case_closed_by_and_reason")
    case = scene["case"]
    services.case_close(actor=scene["cdc"], case_id=case.pk, note="治愈出院")
    Case.objects.filter(pk=case.pk).update(closed_at=None, closed_by=None, close_note="")  # as closed before
    audited = _moves(case).get()

    migration.from_audit(apps, None)

    closed = Case.objects.get(pk=case.pk)
    assert (closed.closed_at, closed.closed_by_id, closed.close_note) == (audited.at, scene["cdc"].pk, "治愈出院")
    assert closed.close_reason == ""  # not known: the page shows a dash
