"""The import creates no bad data quietly: no example rows, no duplicate buildings, a clear word on numeric ID cells."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from shaodian.people import excel
from shaodian.people.idcard import check_char
from shaodian.people.models import Resident
from shaodian.places.models import Building, Place

pytestmark = pytest.mark.django_db


def _number(seq: int) -> str:
    first17 = f"11010519750505{seq:03d}"
    return first17 + check_char(first17)


def _row(grid: Place, name: str, idn, building: str, new_building: str = "", room: str = "101") -> list:
    values = {"name": name, "id_number": idn, "grid_code": grid.code, "building": building, "unit": "1单元",
              "room": room, "new_building": new_building}
    return [values.get(c.key, "") for c in excel.COLUMNS]


def _import(actor, rows, tmp_path, first_rows=None):
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in excel.COLUMNS])
    for r in first_rows or []:
        ws.append(r)
    for r in rows:
        ws.append(r)
    path = tmp_path / "quality.xlsx"
    wb.save(path)
    return excel.residents_import(actor=actor, path=path, filename="quality.xlsx")


@pytest.fixture
def grid_a(users):
    return Place.objects.get(pk=users["grid_a"].node_id)


def _building(grid: Place, name: str) -> Building:
    b = Building(name=name, address=f"{grid.name}{name}")
    b.place_in(grid)
    b.save()
    return b


def test_the_template_example_is_never_imported(client_as, users, tmp_path):
    data = client_as("staff_a").get("/residents/import/template.xlsx").content
    wb = load_workbook(io.BytesIO(data))
    filled = [r for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
    assert filled == []  # the sheet to fill holds the headers only
    assert any("示例" in ws.title for ws in wb.worksheets[1:])
    path = tmp_path / "template.xlsx"
    path.write_bytes(data)
    before = Resident.objects.count()
    job = excel.residents_import(actor=users["staff_a"], path=path, filename="template.xlsx").job
    assert (job.rows, job.created) == (0, 0) and Resident.objects.count() == before
    # An old template's example row on the first sheet is refused with its own message.
    result = _import(users["staff_a"], [list(excel.EXAMPLE_ROW)], tmp_path)
    assert result.job.created == 0 and "示例" in result.errors[0].reason_zh
    assert not Building.objects.filter(name="3栋").exists()


def test_a_short_building_name_lands_in_the_existing_building(users, grid_a, tmp_path):
    existing = _building(grid_a, "测试名苑88栋")
    before = Building.objects.count()
    result = _import(users["staff_a"], [_row(grid_a, "楼栋匹配", _number(1), "88栋")], tmp_path)
    assert result.job.created == 1, result.errors
    r = Resident.objects.get(name="楼栋匹配")
    assert r.household.unit.building_id == existing.pk and Building.objects.count() == before


def test_an_unknown_building_is_asked_about_unless_the_row_says_new(users, grid_a, tmp_path):
    result = _import(users["staff_a"], [_row(grid_a, "新楼甲", _number(2), "测试新苑99栋")], tmp_path)
    assert result.job.created == 0 and result.errors[0].column == "楼栋" and "新建楼栋" in result.errors[0].reason_zh
    assert not Building.objects.filter(name="测试新苑99栋").exists()
    result = _import(users["staff_a"], [_row(grid_a, "新楼甲", _number(2), "测试新苑99栋", new_building="是"),
                                        _row(grid_a, "新楼乙", _number(3), "测试新苑99栋", room="102")], tmp_path)
    assert result.job.created == 2, result.errors
    assert Building.objects.filter(name="测试新苑99栋", grid=grid_a).count() == 1


def test_an_ambiguous_building_name_is_not_guessed(users, grid_a, tmp_path):
    _building(grid_a, "甲苑77栋")
    _building(grid_a, "乙苑77栋")
    result = _import(users["staff_a"], [_row(grid_a, "楼栋歧义", _number(4), "77栋")], tmp_path)
    assert result.job.created == 0
    [error] = result.errors
    assert "甲苑77栋" in error.reason_zh and "乙苑77栋" in error.reason_zh


def test_an_id_number_stored_as_a_number_gets_its_own_message(users, grid_a, tmp_path):
    _building(grid_a, "测试名苑66栋")
    numeric = int(_number(5)[:-1] + "0") if _number(5)[-1] != "X" else int(_number(6)[:-1] + "0")
    result = _import(users["staff_a"], [_row(grid_a, "数字号码", numeric, "测试名苑66栋")], tmp_path)
    [error] = result.errors
    assert error.column == "证件号码" and "文本" in error.reason_zh and "Text" in error.reason_en
    assert "校验" not in error.reason_zh


def test_a_same_named_building_in_the_next_grid_does_not_split_this_grids_building(users, grid_a, tmp_path):
    """A sheet that creates 55栋 in one grid of the community, then means 测试名苑55栋 in the grid next door:
    the second row once saw the exact 55栋 next door, ignored its own grid's building and made a second
    one beside it, and a re-import then moved the people (the import was not idempotent)."""
    existing = _building(grid_a, "测试名苑55栋")
    sibling = Place.objects.filter(parent_id=grid_a.parent_id, kind=grid_a.kind).exclude(pk=grid_a.pk).first()
    rows = [_row(sibling, "隔壁网格", _number(11), "55栋", new_building="是"),
            _row(grid_a, "本网格", _number(12), "55栋", new_building="是")]
    result = _import(users["staff_a"], rows, tmp_path)
    assert result.job.created == 2, result.errors
    assert Resident.objects.get(name="本网格").household.unit.building_id == existing.pk
    assert Resident.objects.get(name="隔壁网格").household.unit.building.grid_id == sibling.pk
    assert not Building.objects.filter(grid=grid_a, name="55栋").exists()
    again = _import(users["staff_a"], rows, tmp_path).job
    assert (again.unchanged, again.updated, again.created) == (2, 0, 0)
