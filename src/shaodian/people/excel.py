"""Residents to and from the Excel sheets communities already keep.

Import: every good row lands, every bad row is reported (row, column, reason), and importing
the same file again changes nothing — residents are matched by the keyed hash of their number.
The sheet's layout, template and cells are in people/sheet.py; export (write-only, in chunks; large lists by the worker) is in people/export.py.
"""

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from shaodian.errors import ServiceError
from shaodian.fastinsert import insert_instances
from shaodian.people import idcard
from shaodian.people.import_places import ImportPlaces
from shaodian.people.models import DocumentType, HouseLink, ImportJob, Resident
from shaodian.people.moves import residents_moved
from shaodian.people.selectors import id_hashes, phone_hashes, residents_for
from shaodian.people.services import validate_person
from shaodian.people.sheet import (
    COLUMNS,
    DOC_LABEL_ZH,
    DOCUMENT_TYPES,
    EXAMPLE_NUMBERS,
    EXAMPLE_ROW,
    GROUP_LABEL_ZH,
    GROUP_NAMES,
    HEADER_INDEX,
    HEADER_OF,
    NUMBER_AS_NUMERIC,
    RELATION_LABEL_ZH,
    RELATIONS,
    REQUIRED_MARK,
    SEX_LABEL_ZH,
    SEXES,
    YES,
    Column,
    cell_text,
    error_workbook,
    open_rows,
    parse_date,
    safe_cell,
    split_tags,
    template_workbook,
)
from shaodian.places.models import Household
from shaodian.security.audit import audit
from shaodian.security.crypto import mask_name, mask_phone
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm

# The sheet's names stay importable from here, where callers have always found them.
__all__ = [
    "BATCH", "COLUMNS", "DOC_LABEL_ZH", "DOCUMENT_TYPES", "EXAMPLE_NUMBERS", "EXAMPLE_ROW", "GROUP_LABEL_ZH",
    "GROUP_NAMES", "HEADER_INDEX", "HEADER_OF", "MAX_ROWS", "NUMBER_AS_NUMERIC", "RELATION_LABEL_ZH", "RELATIONS",
    "SEX_LABEL_ZH", "SEXES", "YES", "Column", "ImportResult", "RowError", "error_workbook", "residents_import",
    "safe_cell", "template_workbook",
]

MAX_ROWS = 1_000_000
BATCH = 2000


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


# ----------------------------------------------------------------------------- import


def _row_values(raw: tuple, positions: dict[str, int]) -> dict[str, str]:
    return {key: cell_text(raw[i]) if i < len(raw) else "" for key, i in positions.items()}


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
            birth = parse_date(values["birth_date"])
        except idcard.InvalidNumber as exc:
            problems.append(("birth_date", exc.zh, exc.en))
    tags: list[str] = []
    try:
        tags = split_tags(values.get("tags", ""))
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
    rows = open_rows(path)
    header = next(rows, None)
    if header is None:
        raise ServiceError.one("file", "表格是空的", "The sheet is empty", "empty")
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        key = HEADER_INDEX.get(REQUIRED_MARK.sub("", cell_text(h)).strip().lower())
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
            if raw is None or all(v is None or cell_text(v) == "" for v in raw):
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
                    errors.append(RowError(rownum, HEADER_OF.get(column, column), zh, en, [cell_text(v) for v in raw]))
                continue
            batch.append((rownum, values, person, [cell_text(v) for v in raw]))
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
    moved: list[tuple[Resident, Household, str, int | None]] = []
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
            moved.append((current, household, person["relation"], current.household_id))
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
    for r, household, kind, _old in moved:
        HouseLink.objects.filter(resident=r, is_current=True).update(is_current=False)
        HouseLink.objects.update_or_create(resident=r, household=household, defaults={"kind": kind, "is_current": True})
    # Passes for the old place's gates and the like follow through the outbox (people.moves).
    residents_moved([(r.pk, old, household.pk) for r, household, _kind, old in moved], at=timezone.now())
    counts["created"] += len(new)
    counts["updated"] += len(changed)
