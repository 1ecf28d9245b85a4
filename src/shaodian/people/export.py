"""Residents to .xlsx: small lists at once, large ones by the worker with progress and a download that expires.

The workbook is openpyxl's write-only kind (what Excel, WPS and LibreOffice open), fed in chunks of
residents read by primary key, so neither side holds more than one chunk. On SQLite the export's
connection reads without mmap: pages read through mmap count in the process's resident memory, and
a district's export would touch most of the file.
"""

import contextlib
import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from shaodian.core import exports, notify, outbox
from shaodian.core.models import ExportFile, ExportStatus
from shaodian.errors import ServiceError
from shaodian.people import selectors
from shaodian.people.excel import DOC_LABEL_ZH, GROUP_LABEL_ZH, SEX_LABEL_ZH, safe_cell
from shaodian.places.models import Place, PlaceKind
from shaodian.security import crypto
from shaodian.security.audit import audit
from shaodian.security.crypto import mask_id_number, mask_phone
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm

KIND = "residents"
EVENT = f"export.{KIND}"
CHUNK = 5000
EXPORT_HEADERS = ["姓名", "证件类型", "证件号码（脱敏）", "手机号码（脱敏）", "性别", "出生日期", "网格", "住址", "特殊群体"]
FIELDS = ("pk", "name", "document_type", "id_number", "phone", "sex", "birth_date", "grid_id", "household__address", "tags")


def export_rows(queryset: QuerySet, *, chunk: int = CHUNK) -> Iterator[list]:
    """The rows of the sheet, read `chunk` residents at a time in id order (each read a statement of its own)."""
    grid_names = dict(Place.objects.filter(kind=PlaceKind.GRID).values_list("pk", "name"))
    queryset = queryset.order_by("pk")
    last = 0
    while True:
        # values_list() runs from_db_value too: the numbers arrive decrypted, and are masked here.
        batch = list(queryset.filter(pk__gt=last).values_list(*FIELDS)[:chunk])
        for _pk, name, doc, idn, phone, sex, birth, grid_id, address, tags in batch:
            yield [
                name, DOC_LABEL_ZH.get(doc, doc), mask_id_number(idn or ""), mask_phone(phone or ""),
                SEX_LABEL_ZH.get(sex, ""), birth, grid_names.get(grid_id, ""), address,
                "、".join(GROUP_LABEL_ZH.get(t, t) for t in tags.split(",") if t),
            ]
        if len(batch) < chunk:
            return
        last = batch[-1][0]


@contextlib.contextmanager
def _reads_without_mmap():
    """SQLite only: this connection reads through its page cache while the export runs, then as before."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={int(before)}")


def write_workbook(queryset: QuerySet, out, *, progress: Callable[[int], None] | None = None) -> int:
    """Write the residents of `queryset` as a sheet to `out` (a path or a binary file); the number of rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民")
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["C"].width = 22
    ws.column_dimensions["H"].width = 40
    bold = Font(bold=True)
    header = []
    for h in EXPORT_HEADERS:
        c = WriteOnlyCell(ws, value=h)
        c.font = bold
        header.append(c)
    ws.append(header)
    n = 0
    with _reads_without_mmap():
        for row in export_rows(queryset):
            ws.append([safe_cell(v) for v in row])
            n += 1
            if progress is not None and n % exports.PROGRESS_EVERY == 0:
                progress(n)
    wb.save(out)
    return n


def _query_detail(query: dict) -> dict:
    return {k: v for k, v in query.items() if v}


def residents_export(*, actor, queryset: QuerySet, query: dict):
    """Write the user's visible residents to a temporary .xlsx and return the open file and the row count."""
    if not actor.can(Perm.EXPORT):
        raise ServiceError.forbidden()
    out = tempfile.TemporaryFile(dir=settings.DATA_DIR if settings.DATA_DIR.exists() else None)
    n = write_workbook(queryset, out)
    out.seek(0)
    audit(actor, AuditAction.EXPORT, "resident", detail={"query": _query_detail(query)}, count=n)
    return out, n


def residents_export_queue(*, actor, query: dict, rows_total: int) -> ExportFile:
    """Hand a large export to the worker; the search text is stored encrypted, as resident numbers are."""
    if not actor.can(Perm.EXPORT):
        raise ServiceError.forbidden()
    params = {"q": crypto.encrypt(settings.FIELD_KEY, query.get("q") or ""), "grid": query.get("grid"),
              "tag": query.get("tag")}
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    job = exports.export_start(owner=actor, kind=KIND, params=params, filename=f"residents-{stamp}.xlsx",
                               rows_total=rows_total)
    return job


def _job_query(job: ExportFile) -> dict:
    return {"q": crypto.decrypt(settings.FIELD_KEY, job.params.get("q") or "") if job.params.get("q") else "",
            "grid": job.params.get("grid"), "tag": job.params.get("tag")}


@outbox.handler(EVENT, atomic=False, max_attempts=3)
def residents_export_run(payload: dict, claim: outbox.Claim) -> None:
    """Write one queued export (idempotent: a finished job is left alone, a rerun starts the file again)."""
    job = ExportFile.objects.select_related("owner__node").filter(pk=payload["job"]).first()
    if job is None or job.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING, ExportStatus.FAILED):
        return
    actor = job.owner
    if not actor.can(Perm.EXPORT):
        exports.mark_failed(job, "您的角色已无权导出")
        return
    query = _job_query(job)
    try:
        qs = selectors.resident_filter(actor, q=query["q"], grid=int(query["grid"]) if query["grid"] else None,
                                       tag=query["tag"])
    except (ServiceError, ValueError):
        exports.mark_failed(job, "导出条件无效")
        return
    exports.mark_running(job)
    part = exports.part_of(job)
    try:
        n = write_workbook(qs, part, progress=lambda done: exports.mark_progress(job, done, claim))
    except outbox.LeaseLost:
        raise
    except Exception:
        if claim.is_last:  # the outbox gives up after this: the owner's page must not wait forever
            exports.mark_failed(job, "导出出错，请重新导出；如仍失败请联系管理员")
        raise
    if not claim.extend():
        Path(part).unlink(missing_ok=True)
        raise outbox.LeaseLost
    with transaction.atomic():
        if exports.mark_done(job, part, n):
            audit(actor, AuditAction.EXPORT, "resident", detail={"query": _query_detail(query), "export": job.pk}, count=n, channel="worker")
            notify.notify(recipient=actor, zh=f"居民名单导出已完成（{n}行），可下载至{_local(job)}",
                          en=f"Your export of {n} residents is ready to download", key=f"export:{job.pk}:done",
                          link=f"/residents/exports/{job.pk}/")


def _local(job: ExportFile) -> str:
    job.refresh_from_db(fields=["expires_at"])
    return timezone.localtime(job.expires_at or timezone.now() + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
                              ).strftime("%m-%d %H:%M")


def export_download(*, actor, job_id) -> tuple[ExportFile, Path] | None:
    """The owner's ready file, audited; None when it is not theirs, not ready or already deleted."""
    job = exports.export_get(actor, job_id)
    if job is None or not actor.can(Perm.EXPORT) or not exports.downloadable(job):
        return None
    audit(actor, AuditAction.EXPORT, "resident_export_file", job.pk, detail={"download": job.pk}, count=job.rows_done)
    return job, exports.path_of(job)
