"""Import from and export to .xlsx: good rows land, bad rows are reported, re-import changes nothing."""

import io

import pytest
from django.db import connection
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from shaodian.errors import ServiceError
from shaodian.people import excel, selectors, services
from shaodian.people.idcard import check_char
from shaodian.people.models import HouseLink, Resident
from shaodian.places.models import Household, Place
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def number(seq: int, birth="19850315") -> str:
    first17 = f"110105{birth}{seq:03d}"
    return first17 + check_char(first17)


def sheet(rows, header=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header or [c.header for c in excel.COLUMNS])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(name, idn, phone, grid_code, building="9栋", unit="1单元", room="101", tags="", doc="居民身份证", relation="自住",
        new_building="是"):
    return [name, doc, idn, phone, "", "", grid_code, building, unit, room, relation, tags, new_building]


@pytest.fixture
def staff(users):
    return users["staff_a"]


@pytest.fixture
def codes(staff, users):
    mine = Place.objects.filter(kind="grid", community_id=staff.node_id).order_by("code").first().code
    other = Place.objects.filter(kind="grid", pk=users["grid_b"].node_id).get().code
    return mine, other


def run_import(staff, data: bytes, tmp_path, name="residents.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return excel.residents_import(actor=staff, path=path, filename=name)


def test_mixed_good_and_bad_rows(staff, codes, tmp_path):
    mine, other = codes
    rows = [
        row("赵一", number(1), "13800000001", mine, tags="独居老人、透析"),
        row("钱二", number(2), "13800000002", mine, room="102"),
        row("孙三", number(3)[:-1] + ("0" if number(3)[-1] != "0" else "1"), "13800000003", mine),  # bad check digit
        row("李四", number(4), "1380000", mine),  # bad phone
        row("周五", number(5), "13800000005", other),  # another community's grid
        row("吴六", number(6), "13800000006", "999999"),  # unknown grid
        row("<b>郑七</b>", number(7), "13800000007", mine),  # markup in the name
        row("王八", number(1), "13800000008", mine),  # same number as row 2
        row("冯九", number(9), "13800000009", mine, building=""),  # no building
        row("陈十", "E1234567", "", mine, doc="护照", room="103"),
        row("褚十一", number(11), "", mine, tags="外星人"),
    ]
    before = Resident.objects.count()
    result = run_import(staff, sheet(rows), tmp_path)
    job = result.job
    assert (job.rows, job.created, job.updated, job.unchanged, job.failed) == (11, 3, 0, 0, 8)
    assert Resident.objects.count() == before + 3
    by_row = {e.row: e for e in result.errors}
    assert set(by_row) == {4, 5, 6, 7, 8, 9, 10, 12}
    assert by_row[4].column == "证件号码" and "校验" in by_row[4].reason_zh
    assert by_row[5].column == "手机号码"
    assert by_row[6].column == "网格编码" and by_row[7].column == "网格编码"
    assert by_row[9].column == "证件号码" and "第2行" in by_row[9].reason_zh
    assert by_row[10].column == "楼栋"
    zhao = Resident.objects.get(id_hash=selectors.id_hashes(number(1))["id_hash"])
    assert zhao.tag_list == ["dialysis", "elderly_alone"] and zhao.community_id == staff.node_id
    assert HouseLink.objects.filter(resident=zhao, is_current=True).count() == 1
    assert Resident.objects.filter(name="陈十", document_type="passport").exists()
    # The error report opens in a spreadsheet program and lists every bad row with its reason.
    wb = load_workbook(io.BytesIO(_save(excel.error_workbook(job))), read_only=True)
    report = list(wb.worksheets[0].iter_rows(values_only=True))
    assert report[0][:4] == ("行号 Row", "列 Column", "原因", "Reason")
    assert {r[0] for r in report[1:]} == {4, 5, 6, 7, 8, 9, 10, 12}
    # The error rows hold ID numbers: stored encrypted.
    with connection.cursor() as cur:
        cur.execute("select errors from people_importjob where id = %s", [job.pk])
        stored = cur.fetchone()[0]
    assert stored.startswith("v1:") and number(5) not in stored and "周五" not in stored
    assert AuditLog.objects.filter(action="import", object_id=str(job.pk)).exists()


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_reimporting_the_same_file_changes_nothing(staff, codes, tmp_path):
    mine, _ = codes
    data = sheet([row(f"测试{i}", number(100 + i), f"1390000{i:04d}", mine, room=f"{200 + i}") for i in range(30)])
    first = run_import(staff, data, tmp_path).job
    snapshot = sorted(Resident.objects.values_list("id", "name", "household_id", "tags", "phone_hash", "updated_at"))
    links = HouseLink.objects.count()
    again = run_import(staff, data, tmp_path).job
    assert (first.created, again.created, again.updated, again.unchanged) == (30, 0, 0, 30)
    assert sorted(Resident.objects.values_list("id", "name", "household_id", "tags", "phone_hash", "updated_at")) == snapshot
    assert HouseLink.objects.count() == links


def test_a_changed_row_updates_and_a_move_keeps_one_current_address(staff, codes, tmp_path):
    mine, _ = codes
    run_import(staff, sheet([row("搬家", number(300), "13700000300", mine, room="301")]), tmp_path)
    job = run_import(staff, sheet([row("搬家", number(300), "13700000399", mine, room="302")]), tmp_path).job
    assert (job.created, job.updated) == (0, 1)
    r = Resident.objects.get(id_hash=selectors.id_hashes(number(300))["id_hash"])
    assert r.phone == "13700000399" and r.household.room == "302"
    assert HouseLink.objects.filter(resident=r).count() == 2
    assert HouseLink.objects.get(resident=r, is_current=True).household == r.household


@pytest.mark.parametrize(
    "data, code",
    [
        (b"not a spreadsheet at all", "file"),
        (b"PK\x03\x04 broken zip", "file"),
        (b"name,id\n", "file"),
    ],
)
def test_non_xlsx_files_are_refused(staff, tmp_path, data, code):
    with pytest.raises(ServiceError) as exc:
        run_import(staff, data, tmp_path)
    assert exc.value.errors["file"][0].code == code


def test_a_sheet_without_the_required_columns_is_refused(staff, tmp_path):
    with pytest.raises(ServiceError) as exc:
        run_import(staff, sheet([["x"]], header=["名字", "号码"]), tmp_path)
    assert "证件号码" in exc.value.errors["file"][0].zh


def test_the_upload_page_handles_bad_files_and_oversize(client_as, settings, codes):
    client = client_as("staff_a")
    r = client.post("/residents/import/", {"file": SimpleUploadedFile("a.xlsx", b"garbage")})
    assert r.status_code == 422 and "xlsx" in r.content.decode()
    r = client.post("/residents/import/", {"file": SimpleUploadedFile("a.csv", b"a,b")})
    assert r.status_code == 422
    settings.IMPORT_MAX_BYTES = 100
    r = client.post("/residents/import/", {"file": SimpleUploadedFile("a.xlsx", b"x" * 200)})
    assert r.status_code == 422 and "过大" in r.content.decode()
    settings.IMPORT_MAX_BYTES = 50 * 1024 * 1024
    good = sheet([row("页面导入", number(400), "13600000400", codes[0], room="401")])
    r = client.post("/residents/import/", {"file": SimpleUploadedFile("ok.xlsx", good)})
    assert r.status_code == 200 and Resident.objects.filter(name="页面导入").exists()
    assert client_as("grid_a").get("/residents/import/").status_code == 403


def test_the_template_downloads_and_imports_back(client_as, tmp_path, staff):
    r = client_as("staff_a").get("/residents/import/template.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb.active[1]] == [c.header for c in excel.COLUMNS]


def test_export_is_a_real_workbook_with_formulas_escaped(client_as, users):
    grid_a = users["grid_a"]
    h = Household.objects.filter(grid_id=grid_a.node_id).first()
    services.resident_create(actor=grid_a, name="-甲(1-1)", id_number=number(500), household_id=h.pk)
    services.resident_create(actor=grid_a, name="-乙-3", id_number=number(501), household_id=h.pk)
    r = client_as("grid_a").get("/residents/export.xlsx")
    assert r.status_code == 200
    data = b"".join(r.streaming_content)
    rows = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))
    names = [x[0] for x in rows[1:]]
    assert len(rows) - 1 == Resident.objects.filter(grid_id=grid_a.node_id).count()
    assert "'-甲(1-1)" in names and "'-乙-3" in names
    assert all("********" in x[2] for x in rows[1:])


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\t=1"])
def test_safe_cell_escapes_formula_starts(value):
    assert excel.safe_cell(value) == "'" + value
    assert excel.safe_cell("正常") == "正常" and excel.safe_cell(5) == 5
