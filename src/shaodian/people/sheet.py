"""The residents sheet as communities fill it in: its columns, the words accepted in each, the blank template,
the sheet of bad rows, reading the cells of an uploaded file, and making written cells safe.
"""

import datetime as dt
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from shaodian.errors import ServiceError
from shaodian.people import idcard
from shaodian.people.models import DocumentType, ImportJob, LinkKind, Sex, SpecialGroup


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

REQUIRED_MARK = re.compile(r"\s*(\*|（必填）|\(必填\)|\(required\))\s*$")


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


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def open_rows(path) -> Iterator[tuple]:
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


def parse_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise idcard.InvalidNumber("birth_date", "出生日期格式应为2001-02-03", "Use the date format 2001-02-03")


def split_tags(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").replace(";", ",").split(",") if p.strip()]
    out = []
    for p in parts:
        if p not in GROUP_NAMES:
            raise idcard.InvalidNumber("tags", f"未知的特殊群体：{p}", f"Unknown special group: {p}")
        out.append(GROUP_NAMES[p])
    return out


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
