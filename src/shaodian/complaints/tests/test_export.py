"""Complaint exports: masked reporters, anonymous ones never in the sheet, the jurisdiction only, audited."""

import io

import pytest
from openpyxl import load_workbook

from shaodian.complaints import export, intake
from shaodian.complaints.tests.factories import make_town, make_user
from shaodian.errors import ServiceError
from shaodian.security.models import AuditLog


@pytest.fixture
def town(db):
    return make_town()


def _file(town, *, anonymous=False, grid=None, text="侧门被锁，出不去"):
    c, _ = intake.complaint_file(channel="web", text=text, place_id=(grid or town.east_grid).pk,
                                 category="over_blocking", reporter_name="王小明", reporter_phone="13912345678",
                                 anonymous=anonymous)
    return c


def _sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def test_the_sheet_masks_a_named_reporter_and_leaves_an_anonymous_one_out(town):
    named, hidden = _file(town), _file(town, anonymous=True)
    user = town.users["district"]  # the district commander may reveal an anonymous reporter on the page
    data, n = export.complaints_export(user=user)
    rows = _sheet(data)
    assert n == 2 and rows[0][0] == "受理编号"
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number[named.number][-2:] == ("王*明", "139****5678")
    assert by_number[hidden.number][-2:] in (("匿名", None), ("匿名", ""))
    blob = data.decode("latin-1")
    text = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "王小明" not in text and "13912345678" not in text and "王小明".encode().decode("latin-1") not in blob
    assert by_number[named.number][2:5] == ("群众网上反映", "过度封堵 / 堵门", "新")  # Chinese, whatever the page's
    log = AuditLog.objects.filter(action="export", object_type="complaint").latest("pk")
    assert log.count == 2


def test_another_street_sees_none_of_it_and_roles_without_export_are_refused(client, town):
    _file(town)
    other = make_town()
    data, n = export.complaints_export(user=other.users["street"])
    assert n == 0 and len(_sheet(data)) == 1
    with pytest.raises(ServiceError) as refused:
        export.complaints_export(user=make_user("volunteer", town.east))
    assert refused.value.status == 403
    client.force_login(make_user("volunteer", town.east))
    assert client.get("/complaints/export.xlsx").status_code in (403, 404)


def test_the_page_link_downloads_the_filtered_sheet(client, town):
    _file(town)
    resolved_free = _file(town, text="小区物资买不到")
    client.force_login(town.users["street"])
    page = client.get("/complaints/").content.decode()
    assert "/complaints/export.xlsx" in page
    r = client.get("/complaints/export.xlsx", {"status": "new", "category": "over_blocking"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    numbers = [row[0] for row in _sheet(r.content)[1:]]
    assert resolved_free.number in numbers and len(numbers) == 2


def test_too_many_rows_is_a_clear_message_not_a_half_sheet(client, town, monkeypatch):
    _file(town)
    _file(town)
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    with pytest.raises(ServiceError) as refused:
        export.complaints_export(user=town.users["street"])
    assert "缩小范围" in str(refused.value.errors["general"][0].zh)
    client.force_login(town.users["street"])
    r = client.get("/complaints/export.xlsx", follow=True)
    assert r.status_code == 200 and "缩小范围" in r.content.decode()
    assert not AuditLog.objects.filter(action="export", object_type="complaint").exists()
