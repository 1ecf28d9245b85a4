"""Returnee lists: csv and xlsx, matched by keyed hash of the ID number or by phone, malformed numbers reported
and never guessed, unmatched rows matched by hand, arrivals from a risk area flagged."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shaodian.errors import ServiceError
from shaodian.monitoring import returnees
from shaodian.monitoring.models import ReturneeRow, RiskArea
from shaodian.testing.factories import id_number

pytestmark = pytest.mark.django_db
HEADING = ["姓名", "身份证号", "手机号", "来源地区", "抵达日期", "车牌号"]


def _csv(rows) -> bytes:
    lines = [",".join(HEADING)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _rows(person, yesterday):
    bad = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")  # wrong check character
    return [
        [person.name, person.id_number, "", "某省某市", yesterday, "沪A12345"],
        ["张电话", "", person.phone, "外省", yesterday, ""],
        ["赵坏号", bad, "", "外省", yesterday, ""],
        ["钱无名", id_number(777002), "", "风险区甲", yesterday, "京B 54321"],
        ["孙未来", id_number(777003), "", "外省", "2999-01-01", ""],
    ]


def test_a_csv_list_is_matched_checked_and_flagged(users, person):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    RiskArea.objects.create(name="风险区甲", level="high", valid_from=timezone.localdate() - dt.timedelta(days=3),
                            valid_to=timezone.localdate(), created_by=users["staff_a"])
    lst = returnees.returnee_import(actor=users["staff_a"], filename="来返.csv", content=_csv(_rows(person, yesterday)),
                                    follow_up_days=2)
    rows = {r.line: r for r in ReturneeRow.objects.filter(returnee_list=lst)}
    assert (rows[2].status, rows[2].resident_id) == ("matched", person.pk)  # by ID number
    assert (rows[3].status, rows[3].resident_id) == ("matched", person.pk)  # no ID number: by phone
    assert rows[4].status == "invalid" and "校验位" in rows[4].problem and rows[4].id_number == ""
    assert rows[5].status == "unmatched" and rows[5].risky and rows[5].plate == "京B54321"
    assert rows[6].status == "invalid" and "抵达日期" in rows[6].problem
    assert rows[2].follow_up_due == timezone.localdate() + dt.timedelta(days=2)
    assert not rows[2].risky


def test_an_xlsx_list_and_matching_by_hand(client_as, users, person):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADING)
    sheet.append(["周某", id_number(777010), "", "外省", dt.datetime(2026, 1, 5), "浙C11111"])
    sheet.append([person.name, person.id_number, None, "外省", dt.date.today(), None])
    data = io.BytesIO()
    book.save(data)
    c = client_as("staff_a")
    r = c.post("/monitoring/returnees/", {"file": SimpleUploadedFile("list.xlsx", data.getvalue()), "title": "一月名单",
                                          "follow_up_days": "1"})
    assert r.status_code == 302
    lst_url = r["Location"]
    page = c.get(lst_url).content.decode()
    assert "一月名单" in page and "周*" in page and "周某" not in page
    row = ReturneeRow.objects.get(line=2)
    assert row.status == "unmatched" and row.arrival_date == dt.date(2026, 1, 5)
    assert c.post(lst_url, {"row_id": row.pk, "resident_id": person.pk}).status_code == 302
    row.refresh_from_db()
    assert row.status == "matched" and row.resident_id == person.pk and row.follow_up_due
    again = c.post(lst_url, {"row_id": row.pk, "resident_id": person.pk})
    assert again.status_code == 422
    # grid_b's community staff cannot open grid_a's list, nor match a row of it.
    assert client_as("grid_b").get(lst_url).status_code == 404


def test_bad_files_are_refused_with_a_reason(users):
    with pytest.raises(ServiceError) as exc:
        returnees.returnee_import(actor=users["staff_a"], filename="x.txt", content=b"a,b")
    assert "xlsx" in str(exc.value.errors["file"][0])
    with pytest.raises(ServiceError) as exc:
        returnees.returnee_import(actor=users["staff_a"], filename="x.csv", content="姓名,手机号\n张三,1\n".encode())
    assert exc.value.errors["file"][0].code == "missing_columns"
    with pytest.raises(ServiceError):
        returnees.returnee_import(actor=users["staff_a"], filename="x.xlsx", content=b"not a workbook")
    with pytest.raises(ServiceError):
        returnees.returnee_import(actor=users["grid_a"], filename="x.csv", content=_csv([]))
    assert not ReturneeRow.objects.exists()


def test_each_matched_arrival_is_a_follow_up_task_with_a_deadline(users, person):
    from shaodian.tasks.models import Task

    today = timezone.localdate()
    lst = returnees.returnee_import(actor=users["staff_a"], filename="x.csv", follow_up_days=3,
                                    content=_csv([[person.name, person.id_number, "", "外省", today.isoformat(), ""]]))
    row = lst.rows.get()
    task = Task.objects.get(source="returnee_row", source_id=str(row.pk))
    assert row.task_id == task.pk and task.kind == "follow_up" and task.grid_id == person.grid_id
    assert timezone.localtime(task.due_at).date() == today + dt.timedelta(days=4)  # the end of the third day
