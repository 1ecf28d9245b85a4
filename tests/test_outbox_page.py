"""Administrators see stuck background jobs and retry one (audited); nobody else sees the page."""

from shaodian.core import outbox
from shaodian.core.models import OutboxItem, OutboxStatus
from shaodian.security.models import AuditLog


def _dead(event="notify.nowhere"):
    item = outbox.enqueue(event, {}, key=f"dead:{event}", max_attempts=1)
    outbox.work(worker="t")
    item.refresh_from_db()
    assert item.status == OutboxStatus.DEAD
    return item


def test_it_shows_a_dead_job_with_its_error_and_retries_it(client_as, users):
    item = _dead()
    client = client_as("admin")
    page = client.get("/system/outbox/").content.decode()
    assert "后台任务" in page and f'id="item-{item.pk}"' in page and "no handler registered" in page
    r = client.post(f"/system/outbox/{item.pk}/retry/")
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == OutboxStatus.PENDING and item.max_attempts == item.attempts + 3
    assert AuditLog.objects.filter(actor=users["admin"], object_type="outbox_item", object_id=str(item.pk)).count() == 1
    assert "该任务已重新排队" in client.get("/system/outbox/").content.decode()


def test_retrying_a_finished_job_is_refused_with_a_message(client_as, users):
    outbox.enqueue("core.notify", {"channel": "inapp", "recipient": users["admin"].pk, "zh": "x", "en": "x", "link": ""},
                   key="ok")
    outbox.work(worker="t")
    item = OutboxItem.objects.get(key="ok")
    client = client_as("admin")
    r = client.post(f"/system/outbox/{item.pk}/retry/", follow=True)
    assert "无需重试" in r.content.decode()
    item.refresh_from_db()
    assert item.status == OutboxStatus.DONE
    assert not AuditLog.objects.filter(object_type="outbox_item").exists()


def test_only_administrators_see_or_retry(client_as, users):
    item = _dead()
    for name in ("commander", "grid_a", "supervisor"):
        client = client_as(name)
        assert client.get("/system/outbox/").status_code == 403
        assert client.post(f"/system/outbox/{item.pk}/retry/").status_code == 403
    item.refresh_from_db()
    assert item.status == OutboxStatus.DEAD
