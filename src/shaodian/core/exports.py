"""Files that background exports write: where they live, how a job starts, and their deletion after a set time.

A file lives under DATA_DIR/exports/ with a random name, outside every served directory: the only way
to it is the owner's download page, which checks the owner and writes an audit row. Each domain
registers the handler that writes its kind (`export.<kind>`) and offers the download itself.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shaodian.core import outbox
from shaodian.core.models import ExportFile, ExportStatus

PROGRESS_EVERY = 5000  # rows between two progress updates (and lease extensions)


def exports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def path_of(job: ExportFile) -> Path:
    return exports_dir() / job.stored_name


def part_of(job: ExportFile) -> Path:
    """Where the file is written until it is complete (a rerun after a crash starts it again)."""
    return path_of(job).with_suffix(".part")


def export_start(*, owner, kind: str, params: dict, filename: str, rows_total: int) -> ExportFile:
    """Record the job and queue its writing, in one transaction: either both exist or neither."""
    with transaction.atomic():
        job = ExportFile.objects.create(owner=owner, kind=kind, params=params, filename=filename, rows_total=rows_total,
                                        stored_name=f"{secrets.token_hex(16)}.bin")
        outbox.enqueue(f"export.{kind}", {"job": job.pk}, key=f"export:{job.pk}", max_attempts=3)
    return job


def exports_of(owner, *, limit: int = 20):
    return ExportFile.objects.filter(owner=owner).order_by("-created_at", "-pk")[:limit]


def export_get(owner, pk) -> ExportFile | None:
    """The owner's own job, or None: nobody else's export is ever found."""
    try:
        return ExportFile.objects.filter(owner=owner, pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def downloadable(job: ExportFile, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return job.status == ExportStatus.DONE and job.expires_at is not None and job.expires_at > now and path_of(job).exists()


def mark_running(job: ExportFile) -> None:
    ExportFile.objects.filter(pk=job.pk).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.RUNNING, rows_done=0, error="")


def mark_progress(job: ExportFile, rows_done: int, claim: outbox.Claim) -> None:
    """Shown on the owner's page; raises LeaseLost when another worker has taken the job over."""
    ExportFile.objects.filter(pk=job.pk).update(rows_done=rows_done)
    if not claim.extend():
        raise outbox.LeaseLost


def mark_done(job: ExportFile, part: Path, rows: int) -> bool:
    """Move the finished file into place and mark the job ready; False when it was already done."""
    now = timezone.now()
    os.replace(part, path_of(job))
    return ExportFile.objects.filter(pk=job.pk).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.DONE, rows_done=rows, rows_total=rows, size=path_of(job).stat().st_size, finished_at=now,
        expires_at=now + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)) == 1


def mark_failed(job: ExportFile, zh: str) -> None:
    ExportFile.objects.filter(pk=job.pk).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.FAILED, error=zh[:300], finished_at=timezone.now())


@outbox.periodic("core.exports_purge", every=dt.timedelta(minutes=10))
def _purge(payload: dict, claim: outbox.Claim) -> None:
    """Delete files past their time (and leftovers of failed jobs); the rows stay, marked expired."""
    now = timezone.now()
    for job in ExportFile.objects.filter(status=ExportStatus.DONE, expires_at__lte=now):
        path_of(job).unlink(missing_ok=True)
        ExportFile.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(status=ExportStatus.EXPIRED, size=0)
    for job in ExportFile.objects.filter(status=ExportStatus.FAILED, finished_at__lte=now - dt.timedelta(hours=1)):
        path_of(job).unlink(missing_ok=True)
        part_of(job).unlink(missing_ok=True)
