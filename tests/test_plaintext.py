"""The database never holds an ID number or phone number in plain text (file bytes / table contents)."""

import pytest
from django.db import connection

from shaodian.people import services
from shaodian.people.idcard import check_char
from shaodian.people.models import CareNote, Resident
from shaodian.places.models import Household

pytestmark = pytest.mark.django_db(transaction=True)


def all_text_in_database() -> str:
    """Every table's every row, as text (PostgreSQL), or the raw file bytes (SQLite)."""
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA wal_checkpoint(FULL)")
        name = connection.settings_dict["NAME"]
        with open(name, "rb") as f:
            data = f.read()
        for suffix in ("-wal", "-journal"):
            try:
                with open(str(name) + suffix, "rb") as f:
                    data += f.read()
            except FileNotFoundError:
                pass
        return data.decode("utf-8", "replace")
    with connection.cursor() as cur:
        cur.execute("select tablename from pg_tables where schemaname = 'public'")
        tables = [r[0] for r in cur.fetchall()]
        chunks = []
        for t in tables:
            cur.execute(f'select t::text from "{t}" t')
            chunks += [r[0] for r in cur.fetchall()]
    return "\n".join(chunks)


def test_no_plaintext_numbers_at_rest():
    from shaodian.testing import city

    if not Resident.objects.exists():  # transactional tests flush the session's city
        city.build()
    from shaodian.security.models import User

    staff = User.objects.get(username="staff_a")
    first17 = "11010519880808888"
    number = first17 + check_char(first17)
    phone = "13512349876"
    r = services.resident_create(actor=staff, name="明文检查", id_number=number, phone=phone,
                                 household_id=Household.objects.filter(community_id=staff.node.community_id).first().pk)
    services.care_note_save(actor=staff, resident_id=r.pk, group="insulin", carer_name="护工", carer_phone="13611112222")
    imported = _import_and_transfer(staff)
    text = all_text_in_database()
    assert "明文检查" in text  # the dump did reach the rows
    samples = [(x.id_number, x.phone) for x in Resident.objects.all()[:200]]
    for idn, ph in [(number, phone), *samples]:
        assert idn not in text
        if ph:
            assert ph not in text
    assert "13611112222" not in text
    for plain in imported:
        assert plain not in text
    assert CareNote.objects.get(resident=r).carer_phone == "13611112222"


def test_searches_reveals_exports_and_imports_leave_no_plaintext_number(client, tmp_path):
    """A full number typed into a search, a purpose or an imported sheet is stored only masked or encrypted."""
    import io

    from openpyxl import Workbook

    from shaodian.testing import city
    from shaodian.people import excel
    from shaodian.places.models import Place
    from shaodian.security.models import AuditLog, User

    if not Resident.objects.exists():
        city.build()
    staff = User.objects.get(username="staff_a")
    client.force_login(staff)
    target = Resident.objects.filter(community_id=staff.node.community_id).exclude(phone="").first()
    searched = [target.id_number, target.phone, "11010519900101123X", "13900001234"]
    spaced = "139 0000 1234"
    for q in [*searched, spaced]:
        assert client.get("/residents/", {"q": q}).status_code == 200
        assert client.get("/api/v1/residents", {"q": q}).status_code == 200
        assert client.get("/residents/export.xlsx", {"q": q}).status_code == 200
    r = client.post(f"/residents/{target.pk}/reveal/", {"field": "phone", "purpose": f"回访 {target.phone} 本人"},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and target.phone in r.content.decode()  # shown once, on the page, not stored

    first17 = "11010519770707777"
    imported, imported_phone = first17 + check_char(first17), "13766665555"
    grid = Place.objects.filter(kind="grid", community_id=staff.node.community_id).order_by("code").first()
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in excel.COLUMNS])
    rows = [{"name": "导入检查", "id_number": imported, "phone": imported_phone, "grid_code": grid.code},
            {"name": "坏行检查", "id_number": "11010519770707778", "phone": "13766664444", "grid_code": "NO-SUCH-GRID"}]
    for room, row in enumerate(rows, start=101):
        # A building the community does not have yet: the row says to create it (新建楼栋 = 是).
        row |= {"building": "9栋", "unit": "1单元", "room": str(room), "new_building": "是"}
        ws.append([row.get(c.key, "") for c in excel.COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "residents.xlsx"
    r = client.post("/residents/import/", {"file": buf})
    assert r.status_code == 200, r.context["error"]
    assert Resident.objects.filter(name="导入检查").exists()

    text = all_text_in_database()
    assert "导入检查" in text
    for number in [*searched, spaced, imported, imported_phone, "11010519770707778", "13766664444"]:
        assert number not in text, number
    audited = " ".join(str(row) for row in AuditLog.objects.values_list("detail", "purpose", "object_id"))
    assert "***1234#" in audited  # the searches were audited, masked
def test_scans_and_verification_by_id_card_number_leave_no_plaintext():
    """A guard types the ID card number of someone without a phone: it is looked up by keyed hash and kept nowhere."""
    import datetime as dt

    from django.utils import timezone

    from shaodian.testing import city
    from shaodian.checkpoints import services as checkpoints
    from shaodian.checkpoints.scans import scan_batch_ingest
    from shaodian.security.models import User

    if not Resident.objects.exists():
        city.build()
    staff, guard = User.objects.get(username="staff_a"), User.objects.get(username="guard_a")
    checkpoints._scope_cache.clear()
    gate = checkpoints.checkpoint_create(actor=staff, place=staff.node, name="明文检查门", kind="community_gate")
    first17 = "11010519790909999"
    number = first17 + check_char(first17)
    r = services.resident_create(actor=staff, name="无手机者", id_number=number, phone="",
                                 household_id=Household.objects.filter(community_id=staff.node.community_id).first().pk)
    verdict = checkpoints.verify_at(actor=guard, checkpoint_id=gate.pk, code=number, temperature=38.6)
    assert verdict["result"] == "fever"
    [result] = scan_batch_ingest(actor=guard, items=[{
        "client_id": "plain-1", "person": number, "checkpoint": gate.pk, "direction": "in", "temperature": 38.6,
        "at": (timezone.now() - dt.timedelta(minutes=1)).isoformat()}])
    assert result["status"] == "accepted" and result["alert"]["kinds"] == ["fever"]
    text = all_text_in_database()
    assert "明文检查门" in text and "无手机者" in text  # the dump did reach the rows
    assert number not in text and number.lower() not in text
    assert r.id_number == number
def _import_and_transfer(staff) -> list[str]:
    """An import that creates, updates (audited per field) and rejects rows; a transfer request. Returns the numbers used."""
    import tempfile
    from pathlib import Path

    from openpyxl import Workbook

    from shaodian.people import excel, transfers
    from shaodian.places.models import Building

    building = Building.objects.filter(community_id=staff.node_id).first()
    grid_code = building.grid.code
    numbers = []
    for seq in (1, 2):
        first17 = f"1101051977030{seq}123"
        numbers.append(first17 + check_char(first17))

    def sheet(rows):
        wb = Workbook()
        wb.active.append([c.header for c in excel.COLUMNS])
        for name, idn, phone in rows:
            values = {"name": name, "id_number": idn, "phone": phone, "grid_code": grid_code, "building": building.name,
                      "unit": "1单元", "room": "707"}
            wb.active.append([values.get(c.key, "") for c in excel.COLUMNS])
        path = Path(tempfile.mkdtemp()) / "p.xlsx"
        wb.save(path)
        return path

    first = excel.residents_import(actor=staff, path=sheet([("导入明文", numbers[0], "13722223333")]), filename="p.xlsx")
    # An update (the audit keeps changed fields, masked) and a rejected row (the error report keeps the row).
    second = excel.residents_import(actor=staff, path=sheet([("导入明文", numbers[0], "13722224444"),
                                                             ("坏行", numbers[1][:-1], "13722225555")]), filename="p.xlsx")
    assert (first.job.created, second.job.updated, second.job.failed) == (1, 1, 1), first.errors + second.errors
    # A transfer request names someone of another community by number.
    other = Resident.objects.exclude(community_id=staff.node_id).first()
    home = Household.objects.filter(community_id=staff.node_id).first()
    transfers.transfer_request_create(actor=staff, id_number=other.id_number, name=other.name, household_id=home.pk)
    return [numbers[0], numbers[1][:-1], "13722223333", "13722224444", "13722225555", other.id_number]
