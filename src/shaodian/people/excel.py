"""Residents to and from the Excel sheets communities already keep.

Import: every good row lands, every bad row is reported (row, column, reason), and importing
the same file again changes nothing — residents are matched by the keyed hash of their number.
Export (write-only, in chunks; large lists by the worker) is in people/export.py.
"""

import datetime as dt
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from shaodian.errors import ServiceError
from shaodian.fastinsert import insert_instances
from shaodian.people import idcard
from shaodian.people.import_places import ImportPlaces
from shaodian.people.models import DocumentType, HouseLink, ImportJob, LinkKind, Resident, Sex, SpecialGroup
from shaodian.people.selectors import id_hashes, phone_hashes, residents_for
from shaodian.people.services import validate_person
from shaodian.places.models import Household
from shaodian.security.audit import audit
from shaodian.security.crypto import mask_name, mask_phone
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as printed in the template (Chinese: what communities use)
    required: bool
    help: str
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("name", "姓名", True, "必填", ("name", "居民姓名")),
    Column("document_type", "证件类型", False, "居民身份证/护照/港澳居民证件/台湾居民证件/外国人永久居留证，默认居民身份证", ("document type",)),
    Column("id_number", "证件号码", True, "必填；身份证18位，末位可为X", ("身份证号", "身份证号码", "id number", "document number")),
    Column("phone", "手机号码", False, "11位手机号或带区号固话", ("手机号", "联系电话", "电话", "phone")),
    Column("sex", "性别", False, "男/女；身份证可自动识别", ("sex",)),
    Column("birth_date", "出生日期", False, "非身份证时填写，格式2001-02-03", ("birth date",)),
    Column("grid_code", "网格编码", True, "必填；系统中的网格编码", ("网格代码", "grid code", "grid")),
    Column("building", "楼栋", True, "必填，如：3栋", ("楼号", "building")),
    Column("unit", "单元", True, "必填，如：2单元", ("unit",)),
    Column("room", "房号", True, "必填，如：501", ("门牌号", "室", "room")),
    Column("relation", "人房关系", False, "自住/租户/业主，默认自住", ("relation",)),
    Column("tags", "特殊群体", False, "多个用顿号或逗号分隔，如：独居老人、透析", ("special groups", "重点人群")),
    Column("new_building", "新建楼栋", False,
           "楼栋须与系统中已有楼栋一致（“1栋”可对应“海棠名苑1栋”）；系统中尚无此楼栋时填“是”，将新建", ("new building",)),
]
HEADER_INDEX = {alias.strip().lower(): c.key for c in COLUMNS for alias in (c.header, *c.aliases)}
HEADER_OF = {c.key: c.header for c in COLUMNS}

DOCUMENT_TYPES = {
    "居民身份证": DocumentType.RESIDENT_ID,
    "身份证": DocumentType.RESIDENT_ID,
    "护照": DocumentType.PASSPORT,
    "港澳居民证件": DocumentType.HK_MACAU_PERMIT,
    "港澳居民来往内地通行证": DocumentType.HK_MACAU_PERMIT,
    "台湾居民证件": DocumentType.TAIWAN_PERMIT,
    "台湾居民来往大陆通行证": DocumentType.TAIWAN_PERMIT,
    "外国人永久居留证": DocumentType.FOREIGNER_PR,
    **{v: v for v in DocumentType.values},
}
RELATIONS = {"自住": LinkKind.LIVES_HERE, "居住": LinkKind.LIVES_HERE, "租户": LinkKind.TENANT, "租住": LinkKind.TENANT,
             "业主": LinkKind.OWNER, **{v: v for v in LinkKind.values}}
SEXES = {"男": Sex.MALE, "女": Sex.FEMALE, "m": Sex.MALE, "f": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
GROUP_NAMES = {
    "独居老人": SpecialGroup.ELDERLY_ALONE, "高龄老人": SpecialGroup.ELDERLY, "老人": SpecialGroup.ELDERLY,
    "儿童": SpecialGroup.CHILD, "孕妇": SpecialGroup.PREGNANT, "孕产妇": SpecialGroup.PREGNANT,
    "透析": SpecialGroup.DIALYSIS, "透析患者": SpecialGroup.DIALYSIS, "胰岛素": SpecialGroup.INSULIN,
    "胰岛素依赖": SpecialGroup.INSULIN, "残疾人": SpecialGroup.DISABLED, "残疾": SpecialGroup.DISABLED,
    "慢性病": SpecialGroup.CHRONIC, "慢病": SpecialGroup.CHRONIC, "卧床": SpecialGroup.BEDRIDDEN,
    "严重精神障碍": SpecialGroup.MENTAL_HEALTH, "低保": SpecialGroup.LOW_INCOME, "低收入": SpecialGroup.LOW_INCOME,
    **{v: v for v in SpecialGroup.values},
}
GROUP_LABEL_ZH = {
    SpecialGroup.ELDERLY_ALONE: "独居老人", SpecialGroup.ELDERLY: "高龄老人", SpecialGroup.CHILD: "儿童",
    SpecialGroup.PREGNANT: "孕妇", SpecialGroup.DIALYSIS: "透析", SpecialGroup.INSULIN: "胰岛素依赖",
    SpecialGroup.DISABLED: "残疾人", SpecialGroup.CHRONIC: "慢性病", SpecialGroup.BEDRIDDEN: "卧床",
    SpecialGroup.MENTAL_HEALTH: "严重精神障碍", SpecialGroup.LOW_INCOME: "低保",
}
DOC_LABEL_ZH = {DocumentType.RESIDENT_ID: "居民身份证", DocumentType.PASSPORT: "护照",
                DocumentType.HK_MACAU_PERMIT: "港澳居民证件", DocumentType.TAIWAN_PERMIT: "台湾居民证件",
                DocumentType.FOREIGNER_PR: "外国人永久居留证"}
RELATION_LABEL_ZH = {LinkKind.LIVES_HERE: "自住", LinkKind.TENANT: "租户", LinkKind.OWNER: "业主"}
SEX_LABEL_ZH = {Sex.MALE: "男", Sex.FEMALE: "女", Sex.UNKNOWN: ""}

EXAMPLE_ROW = ("张三", "居民身份证", "11010519491231002X", "13800000000", "", "", "110105001001001", "3栋", "2单元", "501",
               "自住", "独居老人", "")
# Earlier templates carried this example on the first sheet: a row with its number is never imported.
EXAMPLE_NUMBERS = frozenset({"11010519491231002X"})
NUMBER_AS_NUMERIC = (
    "证件号码被Excel存成了数字，末几位可能已丢失。请将“证件号码”列设置为“文本”格式，重新输入号码后再导入",
    "Excel stored the document number as a number and may have lost its last digits. Format the column as Text, "
    "type the numbers again, then import",
)
YES = frozenset({"是", "y", "yes", "1", "新建", "true", "√"})

_REQUIRED_MARK = re.compile(r"\s*(\*|（必填）|\(必填\)|\(required\))\s*$")
MAX_ROWS = 1_000_000
BATCH = 2000


# ----------------------------------------------------------------------------- template


def template_workbook() -> Workbook:
    """The blank sheet to fill in: headers, one example row, and a sheet of instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = "居民"
    ws.append([c.header for c in COLUMNS])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FDE2E1")
    for cell, col in zip(ws[1], COLUMNS, strict=True):
        cell.font = bold
        if col.required:
            cell.fill = fill
    for letter, width in zip("ABCDEFGHIJKLM", (10, 12, 22, 14, 6, 12, 18, 8, 8, 8, 10, 18, 10), strict=True):
        ws.column_dimensions[letter].width = width
    # Numbers as text, so Excel does not turn an ID number into 1.10105E+17.
    for letter in "CDGJ":
        for row in range(2, 2000):
            ws[f"{letter}{row}"].number_format = "@"
    ws.freeze_panes = "A2"
    # The example lives on its own sheet: only the first sheet is imported, so it never becomes a resident.
    example = wb.create_sheet("填写示例（不导入）")
    example.append([c.header for c in COLUMNS])
    example.append(list(EXAMPLE_ROW))
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["列", "是否必填", "说明"])
    for c in COLUMNS:
        help_ws.append([c.header, "是" if c.required else "否", c.help])
    help_ws.append([])
    help_ws.append(["特殊群体可填", "、".join(GROUP_LABEL_ZH.values())])
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["C"].width = 60
    return wb


# ----------------------------------------------------------------------------- reading


@dataclass
class RowError:
    row: int
    column: str
    reason_zh: str
    reason_en: str
    values: list = field(default_factory=list)
    code: str = "invalid"
    # For a person registered elsewhere: what a transfer request for this row needs (stored encrypted, like values).
    transfer: dict | None = None


# Said of a row whose person is registered outside the importer's jurisdiction: that they exist
# somewhere, never where or what is stored; the way forward is a transfer request (人户迁移).
ELSEWHERE_ZH = "该人员已在其他辖区登记，本行未导入；如其已迁入本辖区，请发起迁入申请"
ELSEWHERE_EN = "This person is registered in another jurisdiction; the row was not imported. If they moved here, send a transfer request"


@dataclass
class ImportResult:
    job: ImportJob
    errors: list[RowError]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _open_rows(path) -> Iterator[tuple]:
    """Rows of the first sheet; raises ServiceError when the file is not a readable .xlsx.

    Reading uses calamine (Rust): a 100,000-row sheet in ~1.5 s, where openpyxl takes 20 s or more.
    """
    from python_calamine import CalamineWorkbook

    bad = ServiceError.one("file", "文件不是有效的Excel（.xlsx）文件", "The file is not a valid Excel (.xlsx) workbook", "file")
    if not zipfile.is_zipfile(path):
        raise bad
    # calamine raises its own errors for broken zips, XML or sheets, at open or while reading.
    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows()
    except Exception:
        raise bad from None
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception:
            raise bad from None
        yield tuple(row)


def _parse_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise idcard.InvalidNumber("birth_date", "出生日期格式应为2001-02-03", "Use the date format 2001-02-03")


def _split_tags(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").replace(";", ",").split(",") if p.strip()]
    out = []
    for p in parts:
        if p not in GROUP_NAMES:
            raise idcard.InvalidNumber("tags", f"未知的特殊群体：{p}", f"Unknown special group: {p}")
        out.append(GROUP_NAMES[p])
    return out


# ----------------------------------------------------------------------------- import


def _row_values(raw: tuple, positions: dict[str, int]) -> dict[str, str]:
    return {key: _text(raw[i]) if i < len(raw) else "" for key, i in positions.items()}


def _validate_row(values: dict[str, str], places: ImportPlaces, today: dt.date) -> tuple[dict, list[tuple[str, str, str]]]:
    """Normalised fields of one row, or the list of (column, zh, en) problems."""
    problems: list[tuple[str, str, str]] = []
    doc = DOCUMENT_TYPES.get(values.get("document_type") or "居民身份证")
    if doc is None:
        problems.append(("document_type", "未知的证件类型", "Unknown document type"))
        doc = DocumentType.RESIDENT_ID
    birth = None
    if values.get("birth_date"):
        try:
            birth = _parse_date(values["birth_date"])
        except idcard.InvalidNumber as exc:
            problems.append(("birth_date", exc.zh, exc.en))
    tags: list[str] = []
    try:
        tags = _split_tags(values.get("tags", ""))
    except idcard.InvalidNumber as exc:
        problems.append(("tags", exc.zh, exc.en))
    relation = RELATIONS.get(values.get("relation") or "自住")
    if relation is None:
        problems.append(("relation", "人房关系应为自住、租户或业主", "Relation must be 自住 (lives here), 租户 (tenant) or 业主 (owner)"))
    try:
        person = validate_person(
            name=values.get("name", ""), document_type=doc, id_number=values.get("id_number", ""),
            phone=values.get("phone", ""), birth_date=birth, sex=SEXES.get(values.get("sex", "").lower()),
            tags=tags, today=today,
        )
    except ServiceError as exc:
        for fieldname, msgs in exc.errors.items():
            for m in msgs:
                problems.append((fieldname, m.zh, m.en))
        person = {}
    grid = places.grids.get(values.get("grid_code", ""))
    if grid is None:
        problems.append(("grid_code", "网格编码不存在，或不在您的管辖范围内", "Unknown grid code, or outside your jurisdiction"))
    bad_place = False
    for key, zh in (("building", "楼栋"), ("unit", "单元"), ("room", "房号")):
        text = values.get(key, "")
        if not text:
            problems.append((key, f"{zh}不能为空", f"The {key} is required"))
            bad_place = True
        elif len(text) > 32 or any(c in text for c in "<>{}\\\"") :
            problems.append((key, f"{zh}过长或含有不允许的字符", f"The {key} is too long or has characters that are not allowed"))
            bad_place = True
    if grid is not None and not bad_place:
        building, problem = places.resolve_building(grid, values["building"], values.get("new_building", "").lower() in YES)
        if problem:
            problems.append(("building", *problem))
        else:
            values["building"] = building
    return {**person, "grid": grid, "relation": relation}, problems


def residents_import(*, actor, path, filename: str = "", today: dt.date | None = None) -> ImportResult:
    """Upsert residents from a sheet; the good rows land in one transaction, the bad are reported."""
    if not actor.can(Perm.IMPORT):
        raise ServiceError.forbidden()
    today = today or dt.date.today()
    rows = _open_rows(path)
    header = next(rows, None)
    if header is None:
        raise ServiceError.one("file", "表格是空的", "The sheet is empty", "empty")
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        key = HEADER_INDEX.get(_REQUIRED_MARK.sub("", _text(h)).strip().lower())
        if key and key not in positions:
            positions[key] = i
    missing = [HEADER_OF[c.key] for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise ServiceError.one(
            "file",
            f"缺少必填列：{'、'.join(missing)}。请使用导入模板。",
            f"Missing required columns: {', '.join(missing)}. Please use the import template.",
            "columns",
        )
    places = ImportPlaces(actor)
    errors: list[RowError] = []
    counts = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0}
    seen: dict[str, int] = {}  # id hash -> first row number, to catch duplicates inside the file
    changes: list[tuple[int, dict]] = []  # (resident id, {field: [old, new] masked}) of each updated resident
    batch: list[tuple[int, dict, dict]] = []
    with transaction.atomic():
        for rownum, raw in enumerate(rows, start=2):
            if raw is None or all(v is None or _text(v) == "" for v in raw):
                continue
            counts["rows"] += 1
            if counts["rows"] > MAX_ROWS:
                raise ServiceError.one("file", f"一次最多导入{MAX_ROWS}行", f"At most {MAX_ROWS} rows per file", "size")
            values = _row_values(raw, positions)
            person, problems = _validate_row(values, places, today)
            id_cell = raw[positions["id_number"]] if positions["id_number"] < len(raw) else None
            if isinstance(id_cell, (int, float)) and not isinstance(id_cell, bool) and abs(id_cell) >= 1e9:
                # Excel keeps 15 significant digits: the number's end is already lost, no check digit can say more.
                problems = [p for p in problems if p[0] != "id_number"] + [("id_number", *NUMBER_AS_NUMERIC)]
            elif values.get("id_number", "").upper() in EXAMPLE_NUMBERS:
                problems = [("id_number", "这是导入模板中的示例行，未导入；请删除示例行，填写真实信息",
                             "This is the template's example row and was not imported; delete it and fill in real rows")]
            if not problems:
                person["hashes"] = id_hashes(person["id_number"])
                h = person["hashes"]["id_hash"]
                if h in seen:
                    problems.append(("id_number", f"与第{seen[h]}行证件号码重复", f"Same document number as row {seen[h]}"))
                else:
                    seen[h] = rownum
            if problems:
                for column, zh, en in problems:
                    errors.append(RowError(rownum, HEADER_OF.get(column, column), zh, en, [_text(v) for v in raw]))
                continue
            batch.append((rownum, values, person, [_text(v) for v in raw]))
            if len(batch) >= BATCH:
                _flush(batch, places, counts, actor, errors, changes)
                batch = []
        if batch:
            _flush(batch, places, counts, actor, errors, changes)
        errors.sort(key=lambda e: e.row)  # rows of people registered elsewhere are found at the batch's end
        failed_rows = len({e.row for e in errors})
        job = ImportJob.objects.create(
            actor=actor, filename=filename[:255], rows=counts["rows"], created=counts["created"],
            updated=counts["updated"], unchanged=counts["unchanged"], failed=failed_rows,
            errors=json.dumps([e.__dict__ for e in errors], ensure_ascii=False) if errors else "",
        )
        audit(actor, AuditAction.IMPORT, "resident", job.pk, count=counts["created"] + counts["updated"],
              detail={k: v for k, v in counts.items()} | {"failed": failed_rows, "file": filename[:100]})
        for resident_id, diff in changes:
            audit(actor, AuditAction.UPDATE, "resident", resident_id, detail={"fields": diff, "import": job.pk})
    return ImportResult(job, errors)


# Cells that may be left empty on an update: an empty cell keeps what is stored (never erases it).
KEEP_WHEN_EMPTY = {"phone": "phone", "tags": "tags", "birth_date": "birth_date", "sex": "sex", "document_type": "document_type"}
PERSON_FIELDS = ("name", "document_type", "id_number", "phone", "sex", "birth_date", "tags")


def _masked(fieldname: str, value):
    """What the audit keeps of a changed value: numbers and names masked, dates not at all."""
    if fieldname == "phone":
        return mask_phone(value or "")
    if fieldname == "name":
        return mask_name(value or "")
    if fieldname == "tags":
        return [t for t in (value or "").split(",") if t]
    if fieldname in ("document_type", "household"):
        return value
    return None


def _flush(batch: list, places: ImportPlaces, counts: dict, actor, errors: list[RowError], changes: list) -> None:
    wanted = [p["hashes"]["id_hash"] for _n, _v, p, _raw in batch]
    existing = {r.id_hash: r for r in Resident.objects.filter(id_hash__in=wanted)}
    # The whole city is looked up (a number is unique city-wide), but only the actor's own residents
    # may be changed: a person held elsewhere moves only through a transfer request.
    mine = set(residents_for(actor).filter(id_hash__in=list(existing)).values_list("id_hash", flat=True))
    kept = []
    for rownum, values, person, raw in batch:
        if person["hashes"]["id_hash"] in existing and person["hashes"]["id_hash"] not in mine:
            transfer = {"name": person["name"], "document_type": person["document_type"], "id_number": person["id_number"],
                        "grid_code": values["grid_code"], "building": values["building"], "unit": values["unit"],
                        "room": values["room"], "link_kind": person["relation"]}
            errors.append(RowError(rownum, HEADER_OF["id_number"], ELSEWHERE_ZH, ELSEWHERE_EN, raw, code="elsewhere",
                                   transfer=transfer))
        else:
            kept.append((rownum, values, person))
    places.ensure([(p["grid"], v["building"], v["unit"], v["room"]) for _n, v, p in kept])
    new: list[Resident] = []
    new_links: list[tuple[Resident, Household, str]] = []
    changed: list[Resident] = []
    moved: list[tuple[Resident, Household, str]] = []
    for _rownum, values, person in kept:
        household = places.household(person["grid"], values["building"], values["unit"], values["room"])
        hashes = person["hashes"]
        fields = {k: person[k] for k in PERSON_FIELDS}
        current = existing.get(hashes["id_hash"])
        if current is None:
            r = Resident(**fields, **hashes, **phone_hashes(fields["phone"]), household=household)
            r.copy_scope_from(household)
            new.append(r)
            new_links.append((r, household, person["relation"]))
            continue
        for fieldname, column in KEEP_WHEN_EMPTY.items():
            if not values.get(column):
                fields[fieldname] = getattr(current, fieldname)
        diff = {k: [_masked(k, getattr(current, k)), _masked(k, v)] for k, v in fields.items() if getattr(current, k) != v}
        if current.household_id != household.pk:
            diff["household"] = [current.household_id, household.pk]
            moved.append((current, household, person["relation"]))
        if not diff:
            counts["unchanged"] += 1
            continue
        for k in diff:
            if k != "household":
                setattr(current, k, fields[k])
        if "phone" in diff:
            for k, v in phone_hashes(fields["phone"]).items():
                setattr(current, k, v)
        current.household = household
        current.copy_scope_from(household)
        changed.append(current)
        changes.append((current.pk, diff))
    insert_instances(Resident, new)
    ids = dict(Resident.objects.filter(id_hash__in=[r.id_hash for r in new]).values_list("id_hash", "id"))
    insert_instances(
        HouseLink,
        [HouseLink(resident_id=ids[r.id_hash], household=h, kind=kind, is_current=True) for r, h, kind in new_links],
    )
    if changed:
        Resident.objects.bulk_update(
            changed,
            ["name", "document_type", "id_number", "phone", "phone_hash", "phone_tail_hash", "sex", "birth_date",
             "tags", "household", "city", "district", "street", "community", "grid"],
            batch_size=500,
        )
    for r, household, kind in moved:
        HouseLink.objects.filter(resident=r, is_current=True).update(is_current=False)
        HouseLink.objects.update_or_create(resident=r, household=household, defaults={"kind": kind, "is_current": True})
    counts["created"] += len(new)
    counts["updated"] += len(changed)


def error_workbook(job: ImportJob) -> Workbook:
    """The bad rows with their row number, column and reason, beside the values as uploaded."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误行")
    ws.append(["行号 Row", "列 Column", "原因", "Reason", *[c.header for c in COLUMNS]])
    for e in json.loads(job.errors or "[]"):
        ws.append([e["row"], e["column"], e["reason_zh"], e["reason_en"], *[safe_cell(v) for v in e["values"]]])
    return wb


# ----------------------------------------------------------------------------- cells (every sheet we write)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
