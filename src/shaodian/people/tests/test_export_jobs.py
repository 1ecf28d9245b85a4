"""A large export is a background job: offered, queued, written by the worker with progress, downloaded by its owner alone."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from shaodian.core import exports, outbox
from shaodian.core.models import ExportFile, ExportStatus, Notification, OutboxItem
from shaodian.people import selectors
from shaodian.security.models import AuditAction, AuditLog


@pytest.fixture
def small_limit(settings, tmp_path):
    settings.EXPORT_SYNC_MAX_ROWS = 3  # below any grid of the fixture city (twelve people each)
    settings.DATA_DIR = tmp_path
    return settings


def _start(client, **query) -> ExportFile:
    r = client.post("/residents/exports/", {"q": "", "grid": "", "tag": "", **query})
    assert r.status_code == 302
    job = ExportFile.objects.get(pk=int(re.search(r"/exports/(\d+)/", r["Location"]).group(1)))
    assert r["Location"] == f"/residents/exports/{job.pk}/"
    return job


def test_a_small_list_still_downloads_at_once(client_as, small_limit, users):
    small_limit.EXPORT_SYNC_MAX_ROWS = 100_000
    r = client_as("grid_a").get("/residents/export.xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert not ExportFile.objects.exists()


def test_a_large_list_is_offered_as_a_background_job(client_as, small_limit, users):
    r = client_as("grid_a").get("/residents/export.xlsx?tag=")
    html = r.content.decode()
    assert r.status_code == 200 and "Content-Disposition" not in r
    n = selectors.resident_filter(users["grid_a"]).count()
    assert f"{n:,}" in html and 'action="/residents/exports/"' in html
    assert not ExportFile.objects.exists(), "a GET queues nothing"


def test_the_worker_writes_the_file_with_progress_and_the_owner_downloads_it(client_as, small_limit, users):
    client = client_as("grid_a")
    job = _start(client)
    expected = selectors.resident_filter(users["grid_a"]).count()
    assert job.rows_total == expected and job.status == ExportStatus.QUEUED
    assert OutboxItem.objects.filter(key=f"export:{job.pk}", event="export.residents").exists()

    polling = client.get(f"/residents/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in polling and "<progress" in polling

    assert outbox.work(worker="test") >= 1
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_done == expected
    page = client.get(f"/residents/exports/{job.pk}/").content.decode()
    assert f"/residents/exports/{job.pk}/download/" in page and 'hx-trigger="every 1s"' not in page

    r = client.get(f"/residents/exports/{job.pk}/download/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == expected + 1
    assert all("*" in (row[2] or "*") for row in rows[1:]), "numbers stay masked"

    made = AuditLog.objects.filter(actor=users["grid_a"], action=AuditAction.EXPORT, object_type="resident",
                                   detail__export=job.pk)
    assert made.count() == 1 and made.get().count == expected and made.get().channel == "worker"
    downloads = AuditLog.objects.filter(actor=users["grid_a"], object_type="resident_export_file", object_id=str(job.pk))
    assert downloads.count() == 1
    client.get(f"/residents/exports/{job.pk}/download/")
    assert downloads.count() == 2, "every download is audited"
    note = Notification.objects.get(recipient=users["grid_a"], link=f"/residents/exports/{job.pk}/")
    assert str(expected) in note.text_zh


def test_a_rerun_of_a_finished_job_changes_nothing(client_as, small_limit, users):
    job = _start(client_as("grid_a"))
    outbox.work(worker="test")
    job.refresh_from_db()
    finished, size = job.finished_at, job.size
    from shaodian.people.export import residents_export_run

    residents_export_run({"job": job.pk}, outbox.Claim(0, 0, "test", dt.timedelta(seconds=1)))
    job.refresh_from_db()
    assert (job.finished_at, job.size) == (finished, size)
    assert AuditLog.objects.filter(object_type="resident", detail__export=job.pk).count() == 1


def test_nobody_else_sees_or_downloads_an_export(client_as, small_limit, users):
    job = _start(client_as("grid_a"))
    outbox.work(worker="test")
    for other in ("grid_b", "staff_a", "admin"):
        client = client_as(other)
        assert client.get(f"/residents/exports/{job.pk}/").status_code == 404
        assert client.get(f"/residents/exports/{job.pk}/download/").status_code == 404
        assert f"exports/{job.pk}/" not in client.get("/residents/exports/").content.decode()
    assert client_as("guard_a").get("/residents/exports/").status_code == 403


def test_the_file_is_stored_under_a_random_name_outside_served_places(client_as, small_limit, users):
    job = _start(client_as("grid_a"))
    outbox.work(worker="test")
    job.refresh_from_db()
    path = exports.path_of(job)
    assert path.parent == small_limit.DATA_DIR / "exports" and path.exists()
    assert re.fullmatch(r"[0-9a-f]{32}\.bin", path.name)
    assert job.stored_name not in client_as("grid_a").get(f"/residents/exports/{job.pk}/").content.decode()


def test_the_search_text_is_stored_encrypted(client_as, small_limit, users):
    job = _start(client_as("grid_a"), q="海棠")
    assert "海棠" not in str(ExportFile.objects.filter(pk=job.pk).values_list("params", flat=True)[0])
    assert "海棠" not in str(OutboxItem.objects.get(key=f"export:{job.pk}").payload)


def test_the_file_is_deleted_after_its_time_by_a_periodic_job(client_as, small_limit, users):
    small_limit.EXPORT_KEEP_HOURS = 2
    client = client_as("grid_a")
    job = _start(client)
    outbox.work(worker="test")
    job.refresh_from_db()
    path = exports.path_of(job)
    assert path.exists() and job.expires_at - job.finished_at == dt.timedelta(hours=2)
    with freeze_time(timezone.now() + dt.timedelta(hours=2, minutes=1)):
        assert client.get(f"/residents/exports/{job.pk}/download/").status_code == 404  # past its time, even before purge
        outbox.schedule_periodic()
        outbox.work(worker="test")
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not path.exists()
    assert "删除" in client.get("/residents/exports/").content.decode()


def test_an_export_queued_by_someone_who_lost_the_right_fails_without_a_file(client_as, small_limit, users):
    job = _start(client_as("grid_a"))
    user = users["grid_a"]
    user.role = "volunteer"
    user.save(update_fields=["role"])
    outbox.work(worker="test")
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and not exports.path_of(job).exists()


def test_an_export_that_keeps_failing_tells_its_owner(client_as, small_limit, users, monkeypatch):
    from shaodian.people import export

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export, "write_workbook", broken)
    small_limit.OUTBOX_RETRY_BASE_SECONDS = 0
    job = _start(client_as("grid_a"))
    for _ in range(3):
        outbox.work(worker="test")
    job.refresh_from_db()
    item = OutboxItem.objects.get(key=f"export:{job.pk}")
    assert (item.status, item.attempts, job.status) == ("dead", 3, ExportStatus.FAILED)
    assert "导出出错" in client_as("grid_a").get(f"/residents/exports/{job.pk}/").content.decode()
