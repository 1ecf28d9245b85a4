"""Complaints to .xlsx for the jurisdiction's staff: one sheet, reporter's name and phone masked, an anonymous
reporter never in it (not even for the role that may reveal one on the page), every export audited."""

import io

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from shaodian.complaints import selectors
from shaodian.complaints.models import Category, Channel, Status
from shaodian.errors import ServiceError
from shaodian.people.excel import safe_cell
from shaodian.security.audit import audit
from shaodian.security.crypto import mask_name, mask_phone
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm

MAX_ROWS = 20_000
HEADERS = ["受理编号", "受理时间", "渠道", "类别", "状态", "社区", "网格", "地址", "诉求内容", "责任单位",
           "答复", "办结时间", "群众评价", "重新打开次数", "举报人（脱敏）", "电话（脱敏）"]
ANONYMOUS = "匿名"
FIELDS = ("number", "filed_at", "channel", "category", "status", "community__name", "grid__name", "address",
          "text", "body", "answer", "closed_at", "satisfied", "reopen_count", "anonymous", "reporter_name",
          "reporter_phone")


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def rows(user, *, status: str = "", category: str = ""):
    """The sheet's rows (newest first); Chinese labels; the reporter masked, or only "匿名"."""
    qs = selectors.complaints_for(user)
    if status in Status.values:
        qs = qs.filter(status=status)
    if category in Category.values:
        qs = qs.filter(category=category)
    with translation.override("zh-hans"):  # the sheet speaks Chinese whatever the page's language
        labels = {k: str(v) for k, v in (*Channel.choices, *Category.choices, *Status.choices)}
    satisfied = {True: "满意", False: "不满意", None: ""}
    found = list(qs.order_by("-filed_at", "-pk").values_list(*FIELDS)[:MAX_ROWS + 1])
    if len(found) > MAX_ROWS:
        raise ServiceError.one("general", f"超过 {MAX_ROWS} 条，请按状态或类别缩小范围后再导出",
                               f"More than {MAX_ROWS} complaints: narrow by status or category first",
                               "too_many", status=400)
    for (number, filed, channel, cat, st, community, grid, address, text, body, answer, closed, sat, reopened,
         anonymous, name, phone) in found:
        reporter = (ANONYMOUS, "") if anonymous else (mask_name(name or ""), mask_phone(phone or ""))
        yield [number, _local(filed), labels.get(channel, channel), labels.get(cat, cat), labels.get(st, st), community or "", grid or "", address, text, body, answer, _local(closed),
               satisfied[sat], reopened, *reporter]


def complaints_export(*, user, status: str = "", category: str = "") -> tuple[bytes, int]:
    """The workbook's bytes and its number of complaints; refused without the export right."""
    if not (user.can(Perm.VIEW_COMPLAINTS) and user.can(Perm.EXPORT)):
        raise ServiceError.forbidden()
    found = list(rows(user, status=status, category=category))  # refused before any sheet is begun
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("诉求")
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in found:
        ws.append([safe_cell(v) for v in row])
    n = len(found)
    out = io.BytesIO()
    wb.save(out)
    audit(user, AuditAction.EXPORT, "complaint", "", count=n,
          detail={"status": status if status in Status.values else "",
                  "category": category if category in Category.values else ""})
    return out.getvalue(), n
