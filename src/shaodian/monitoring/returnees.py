"""Returnee lists (来返人员): an upstream list imported from xlsx or csv, matched to residents by the keyed
hash of the ID number or, failing that, of the phone; the rest listed for matching by hand.

A malformed ID number is reported on its row, never guessed. Each matched person gets a follow-up task
for their grid worker with a deadline; an arrival from an area risky on its arrival date is flagged.
A vehicle plate is recorded for screening, which never means refusing it passage.
"""

import csv
import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from shaodian.errors import NotFound, ServiceError
from shaodian.monitoring.alerts import SHANGHAI, task_maker
from shaodian.monitoring.models import ReturneeList, ReturneeRow, RiskArea, RowStatus
from shaodian.monitoring.services import risky_on
from shaodian.people import idcard
from shaodian.people.selectors import id_hashes, phone_hashes, residents_for
from shaodian.places.models import Place
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
FOLLOW_UP_DAYS_MAX = 14
# Column headings as lists arrive (Chinese first); any of each set names the column.
HEADINGS = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "证件号码", "id number", "id_number"),
    "phone": ("手机号", "手机号码", "联系电话", "电话", "phone"),
    "from_area": ("来源地区", "来自地区", "出发地", "来源地", "from area", "from_area"),
    "arrival_date": ("抵达日期", "到达日期", "抵达时间", "arrival date", "arrival_date"),
    "plate": ("车牌号", "车牌", "车牌号码", "vehicle plate", "plate"),
}


def lists_for(user):
    return ReturneeList.objects.for_user(user, (Perm.RUN_CAMPAIGNS, Perm.VIEW_SCREENING))


def list_get(user, pk) -> ReturneeList:
    return get_scoped(lists_for(user), pk)


def _table(filename: str, content: bytes) -> list[list[str]]:
    name = filename.lower()
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ServiceError.one("file", "无法识别文件编码", "The file's encoding is not recognised", "bad_file")
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any unreadable workbook is one clear refusal
            raise ServiceError.one("file", "无法读取该xlsx文件", "The xlsx file cannot be read", "bad_file") from None
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows.append(["" if v is None else (v.date().isoformat() if isinstance(v, dt.datetime) else str(v)).strip()
                         for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    raise ServiceError.one("file", "只接受xlsx或csv文件", "Only xlsx or csv files are accepted", "bad_type")


def _columns(heading: list[str]) -> dict[str, int]:
    found = {}
    lowered = [h.strip().lower() for h in heading]
    for field, names in HEADINGS.items():
        for i, h in enumerate(lowered):
            if h in names:
                found[field] = i
                break
    missing = [HEADINGS[f][0] for f in ("name", "id_number", "arrival_date") if f not in found]
    if missing:
        raise ServiceError.one("file", f"缺少列：{'、'.join(missing)}", f"Missing columns: {', '.join(missing)}",
                               "missing_columns")
    return found


def _date(raw: str) -> dt.date:
    raw = raw.strip().replace("/", "-").replace(".", "-")
    raw = raw.split(" ")[0].split("T")[0]
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        parts = raw.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
    raise ValueError(raw)


def returnee_import(*, actor, filename: str, content: bytes, title: str = "", follow_up_days: int = 1,
                    now: dt.datetime | None = None) -> ReturneeList:
    """Read the list, check every row, match what can be matched and give each match a follow-up task."""
    if not actor.can(Perm.RUN_CAMPAIGNS) or actor.node_id is None:
        raise ServiceError.forbidden()
    if len(content) > MAX_BYTES:
        raise ServiceError.one("file", "文件不能超过5MB", "The file may not exceed 5 MB", "too_large")
    if isinstance(follow_up_days, bool) or not isinstance(follow_up_days, int) or not 1 <= follow_up_days <= FOLLOW_UP_DAYS_MAX:
        raise ServiceError.one("follow_up_days", f"随访期限应在1–{FOLLOW_UP_DAYS_MAX}天之间",
                               f"The follow-up deadline is 1 to {FOLLOW_UP_DAYS_MAX} days", "bad_days")
    table = [r for r in _table(filename, content) if any(r)]
    if len(table) < 2:
        raise ServiceError.one("file", "文件中没有数据行", "The file has no data rows", "empty")
    if len(table) > MAX_ROWS + 1:
        raise ServiceError.one("file", f"每次最多导入{MAX_ROWS}行", f"At most {MAX_ROWS} rows per list", "too_many")
    cols = _columns(table[0])
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = []
    for line, raw in enumerate(table[1:], start=2):
        def cell(field, raw=raw):
            i = cols.get(field)
            return raw[i].strip() if i is not None and i < len(raw) else ""
        row = ReturneeRow(line=line, name=cell("name")[:64], from_area=cell("from_area")[:100],
                          plate=cell("plate").upper().replace(" ", "")[:16], status=RowStatus.UNMATCHED)
        problems = []
        try:
            if cell("id_number") or not cell("phone"):  # without an ID number a row is matched by its phone
                row.id_number = idcard.validate_resident_id(cell("id_number"), today=today)
                row.id_hash = id_hashes(row.id_number)["id_hash"]
        except idcard.InvalidNumber as exc:
            row.id_number = ""  # a malformed number is not kept, nor guessed
            problems.append(f"{exc.zh} / {exc.en}")
        try:
            row.phone = idcard.validate_phone(cell("phone"))
            row.phone_hash = phone_hashes(row.phone)["phone_hash"] if row.phone else ""
        except idcard.InvalidNumber as exc:
            problems.append(f"{exc.zh} / {exc.en}")
        try:
            row.arrival_date = _date(cell("arrival_date"))
            if row.arrival_date > today:
                raise ValueError
        except ValueError:
            problems.append("抵达日期无效或晚于今天 / The arrival date is invalid or in the future")
        if not row.name:
            problems.append("缺少姓名 / The name is missing")
        if problems:
            row.status, row.problem = RowStatus.INVALID, "；".join(problems)[:200]
        rows.append(row)
    _match(actor, rows)
    areas = list(RiskArea.objects.all())
    for row in rows:
        row.risky = risky_on(areas, row.from_area, row.arrival_date)
    with transaction.atomic():
        lst = ReturneeList(title=" ".join(str(title or "").split())[:100] or filename[:100], filename=filename[:200],
                           follow_up_days=follow_up_days, imported_by=actor, imported_at=now)
        lst.locate_at(actor.node)
        lst.save()
        for row in rows:
            row.returnee_list = lst
            if row.status == RowStatus.MATCHED:
                row.follow_up_due = today + dt.timedelta(days=follow_up_days)
        ReturneeRow.objects.bulk_create(rows, batch_size=1000)
        _tasks(actor, [r for r in rows if r.status == RowStatus.MATCHED])
        audit(actor, AuditAction.IMPORT, "returnee_list", lst.pk,
              detail={"rows": len(rows), "matched": sum(r.status == RowStatus.MATCHED for r in rows),
                      "invalid": sum(r.status == RowStatus.INVALID for r in rows)})
    return lst


def _match(actor, rows: list[ReturneeRow]) -> None:
    """By ID number's keyed hash first, then by phone's; only residents of the actor's jurisdiction."""
    people = residents_for(actor)
    by_id = dict(people.filter(id_hash__in={r.id_hash for r in rows if r.id_hash}).values_list("id_hash", "pk"))
    phones: dict[str, list[int]] = {}
    for h, pk in people.filter(phone_hash__in={r.phone_hash for r in rows if r.phone_hash and r.id_hash not in by_id}
                               ).values_list("phone_hash", "pk"):
        phones.setdefault(h, []).append(pk)
    for r in rows:
        if r.status == RowStatus.INVALID:
            continue
        pk = by_id.get(r.id_hash)
        if pk is None and len(phones.get(r.phone_hash, [])) == 1:  # a phone shared by a family matches nobody
            pk = phones[r.phone_hash][0]
        if pk is not None:
            r.resident_id, r.status = pk, RowStatus.MATCHED


def row_match(*, actor, list_id, row_id, resident_id) -> ReturneeRow:
    """Match an unmatched row by hand (the people picker), and give the person a follow-up task."""
    if not actor.can(Perm.RUN_CAMPAIGNS):
        raise ServiceError.forbidden()
    lst = list_get(actor, list_id)
    try:
        visible = lst.rows.get(pk=int(row_id))
    except (ReturneeRow.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None
    try:
        resident = get_scoped(residents_for(actor), resident_id)
    except NotFound:
        raise ServiceError.one("resident_id", "人员不存在或不在您的管辖范围内",
                               "Unknown person, or outside your jurisdiction", "unknown_person") from None
    with transaction.atomic():
        row = ReturneeRow.objects.select_for_update().get(pk=visible.pk)
        if row.status != RowStatus.UNMATCHED:
            raise ServiceError.one("row", "该行已匹配或无效", "This row is already matched or invalid", "not_unmatched")
        row.resident_id, row.status = resident.pk, RowStatus.MATCHED
        row.follow_up_due = timezone.localdate() + dt.timedelta(days=lst.follow_up_days)
        row.save(update_fields=["resident", "status", "follow_up_due"])
        _tasks(actor, [row])
        audit(actor, AuditAction.UPDATE, "returnee_row", row.pk, detail={"resident": resident.pk, "by_hand": True})
    return row


def _tasks(actor, rows: list[ReturneeRow]) -> None:
    """A follow-up task per matched arrival in the person's grid (its grid workers' pool), due at the end of its day."""
    if not rows:
        return
    make = task_maker()
    grid_ids = dict(residents_for(actor).filter(pk__in={r.resident_id for r in rows}).values_list("pk", "grid_id"))
    grids = Place.objects.in_bulk(set(grid_ids.values()))
    for r in rows:
        due = dt.datetime.combine(r.follow_up_due + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
        area = f"（{r.from_area}）" if r.from_area else ""
        task = make(kind="follow_up", node=grids[grid_ids[r.resident_id]], title=f"来返人员随访核查{area}",
                    detail=f"来返人员名单 {r.returnee_list_id}，第 {r.line} 行", due_at=due, source="returnee_row",
                    source_id=str(r.pk))
        r.task_id = task.pk
    ReturneeRow.objects.bulk_update(rows, ["task_id"])
