"""An import never reaches residents outside the importer's jurisdiction, never erases, and audits each change."""

import io
import json

import pytest
from openpyxl import Workbook

from shaodian.people import excel, services
from shaodian.people.idcard import check_char
from shaodian.people.models import HouseLink, Resident
from shaodian.places.models import Building, Household, Place
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def _number(seq: int) -> str:
    first17 = f"11010519800101{seq:03d}"
    return first17 + check_char(first17)


def _sheet(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in excel.COLUMNS])
    for r in rows:
        ws.append([r.get(c.key, "") for c in excel.COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(actor, data, tmp_path):
    path = tmp_path / "takeover.xlsx"
    path.write_bytes(data)
    return excel.residents_import(actor=actor, path=path, filename="takeover.xlsx")


def _grid_a_row(users, **values) -> dict:
    grid_a = Place.objects.get(pk=users["grid_a"].node_id)
    building = Building.objects.filter(grid=grid_a).order_by("id").first()
    return {"grid_code": grid_a.code, "building": building.name, "unit": "1单元", "room": "9901", **values}


def test_import_row_of_another_jurisdictions_resident_changes_nothing(users, tmp_path):
    grid_b = users["grid_b"]
    household = Household.objects.filter(grid_id=grid_b.node_id).first()
    victim = services.resident_create(actor=grid_b, name="乙网格居民", id_number=_number(1), phone="13955550001",
                                      household_id=household.pk)
    before = Resident.objects.filter(pk=victim.pk).values().get()
    result = _import(users["staff_a"], _sheet([_grid_a_row(users, name="冒名顶替", id_number=_number(1))]), tmp_path)
    assert (result.job.created, result.job.updated, result.job.failed) == (0, 0, 1)
    assert Resident.objects.filter(pk=victim.pk).values().get() == before
    assert HouseLink.objects.filter(resident=victim, is_current=True).get().household_id == household.pk
    [error] = result.errors
    assert error.column == "证件号码" and "其他辖区" in error.reason_zh and "迁入申请" in error.reason_zh
    assert "transfer" in error.reason_en
    # Nothing about the person or where they are is told.
    for secret in ("乙网格居民", "13955550001", household.address, Place.objects.get(pk=grid_b.node_id).name):
        assert secret not in error.reason_zh + error.reason_en
    # grid_b still has its resident.
    assert Resident.objects.filter(pk=victim.pk, grid_id=grid_b.node_id).exists()


def test_import_empty_cell_never_erases_a_stored_value(users, tmp_path):
    staff = users["staff_a"]
    row = _grid_a_row(users, name="留值", id_number=_number(2), phone="13955550002", tags="透析")
    _import(staff, _sheet([row]), tmp_path)
    again = _import(staff, _sheet([{**row, "phone": "", "tags": ""}]), tmp_path)
    r = Resident.objects.get(name="留值")
    assert r.phone == "13955550002" and r.tag_list == ["dialysis"]
    assert (again.job.updated, again.job.unchanged) == (0, 1)


def test_import_audit_keeps_masked_changed_fields_per_resident(users, tmp_path):
    staff = users["staff_a"]
    row = _grid_a_row(users, name="审计变更", id_number=_number(3), phone="13955550003")
    _import(staff, _sheet([row]), tmp_path)
    _import(staff, _sheet([{**row, "phone": "13955550033", "tags": "独居老人"}]), tmp_path)
    r = Resident.objects.get(name="审计变更")
    assert r.phone == "13955550033"
    entry = AuditLog.objects.filter(action="update", object_type="resident", object_id=str(r.pk)).latest("id")
    assert set(entry.detail["fields"]) == {"phone", "tags"}
    text = json.dumps(entry.detail, ensure_ascii=False)
    assert "139****0033" in text and "139****0003" in text
    for plain in ("13955550033", "13955550003", _number(3)):
        assert plain not in text


def test_import_rows_registered_elsewhere_become_transfer_requests_in_one_click(client_as, users, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shaodian.people import transfers
    from shaodian.people.models import TransferRequest

    grid_b = users["grid_b"]
    held = services.resident_create(actor=grid_b, name="迁入导入", id_number=_number(4),
                                    household_id=Household.objects.filter(grid_id=grid_b.node_id).first().pk)
    client = client_as("staff_a")
    page = client.post("/residents/import/", {"file": SimpleUploadedFile(
        "t.xlsx", _sheet([_grid_a_row(users, name="迁入导入", id_number=_number(4))]))})
    assert 'id="import-transfers"' in page.content.decode()
    job = result_job = page.context["job"]
    r = client.post(f"/residents/import/{result_job.pk}/transfers/")
    assert r.status_code == 302 and r["Location"] == "/residents/transfers/"
    t = TransferRequest.objects.get(resident=held)
    assert t.to_household.grid_id == users["grid_a"].node_id and t.status == "pending"
    # The holder accepts: the person moves into the row's household.
    transfers.transfer_request_decide(actor=grid_b, transfer_id=t.pk, accept=True)
    held.refresh_from_db()
    assert held.grid_id == users["grid_a"].node_id and held.household.room == "9901"
    # Nobody else's import can be turned into requests.
    assert client_as("grid_a").post(f"/residents/import/{job.pk}/transfers/").status_code == 403
