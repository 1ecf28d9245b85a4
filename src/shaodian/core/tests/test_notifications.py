"""Notifications go through the outbox: in-app lands once in the recipient's inbox; SMS and WeChat only log, without personal data."""

import logging

import pytest

from shaodian.core import notify, outbox
from shaodian.core.models import Notification, OutboxItem


def test_an_in_app_notification_lands_once_in_the_inbox(client_as, users):
    notify.notify(recipient=users["staff_a"], zh="张*明 体温异常，请跟进", en="A fever reading needs follow-up",
                  key="fever:1", link="/residents/1/")
    notify.notify(recipient=users["staff_a"], zh="张*明 体温异常，请跟进", en="again", key="fever:1")  # same key
    assert Notification.objects.count() == 0, "nothing is delivered before the worker runs"
    assert outbox.work(worker="t") == 1
    assert outbox.work(worker="t") == 0
    n = Notification.objects.get(recipient=users["staff_a"])
    client = client_as("staff_a")
    page = client.get("/notifications/").content.decode()
    assert "张*明 体温异常，请跟进" in page and "全部标为已读" in page
    assert client.get("/notifications/badge/").content.decode() == '<span class="badge">1</span>'
    r = client.get(f"/notifications/{n.pk}/")
    assert r.status_code == 302 and r["Location"] == "/residents/1/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert client.get("/notifications/badge/").content == b""


def test_nobody_opens_another_users_notification(client_as, users):
    notify.notify(recipient=users["staff_a"], zh="内部", en="internal", key="x")
    outbox.work(worker="t")
    n = Notification.objects.get()
    client = client_as("grid_b")
    assert client.get(f"/notifications/{n.pk}/").status_code == 404
    assert "内部" not in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    n.refresh_from_db()
    assert n.read_at is None


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_a_notification_link_never_leaves_the_site(db, users, link):
    notify.notify(recipient=users["staff_a"], zh="x", en="x", key="l", link=link)
    assert OutboxItem.objects.get().payload["link"] == ""


def test_sms_and_wechat_only_log_without_personal_data(db, users, caplog):
    text = "居民王小明（13812345678）体温38.6℃"
    notify.notify(recipient=users["staff_a"], zh=text, en="fever", key="f", channels=("inapp", "sms", "wechat"))
    with caplog.at_level(logging.INFO, logger="shaodian.notify"):
        assert outbox.work(worker="t") == 3
    logged = caplog.text
    assert "sms" in logged and "wechat" in logged and f"user #{users['staff_a'].pk}" in logged
    assert "王小明" not in logged and "13812345678" not in logged and "38.6" not in logged
    assert Notification.objects.filter(recipient=users["staff_a"]).count() == 1


def test_an_unknown_channel_is_refused(db, users):
    with pytest.raises(ValueError):
        notify.notify(recipient=users["staff_a"], zh="x", en="x", key="k", channels=("fax",))
