"""Notifications: one call, delivered through the outbox by each channel's adapter.

    notify(recipient=user, zh="导出已完成", en="Your export is ready", link="/residents/exports/7/",
           key="export:7:done")

Each channel is an adapter with one method, `send(delivery)`. In-app writes a Notification row (the
inbox every user has); SMS and WeChat have no gateway yet and only log that a message would go out —
with the recipient's user id and the text's length, never the text or a phone number. A delivery
is retried like any outbox row, and the key makes a redelivery land once.
Texts carry no personal data beyond what the recipient may see (masked names only).
"""

import dataclasses
import logging
from typing import Protocol

from shaodian.core import outbox
from shaodian.core.models import Notification

log = logging.getLogger("shaodian.notify")
EVENT = "core.notify"
TEXT_CHARS = 300


@dataclasses.dataclass(frozen=True)
class Delivery:
    recipient_id: int
    zh: str
    en: str
    link: str
    key: str


class Channel(Protocol):
    name: str

    def send(self, delivery: Delivery) -> None: ...


class InAppChannel:
    name = "inapp"

    def send(self, delivery: Delivery) -> None:
        Notification.objects.get_or_create(key=delivery.key, defaults={
            "recipient_id": delivery.recipient_id, "text_zh": delivery.zh, "text_en": delivery.en,
            "link": delivery.link})


class LogOnlyChannel:
    """A channel without a gateway yet: it records that it would send, with no personal data."""

    def __init__(self, name: str):
        self.name = name

    def send(self, delivery: Delivery) -> None:
        log.info("%s: would send %d characters to user #%s (%s)", self.name, len(delivery.zh), delivery.recipient_id,
                 delivery.key)


CHANNELS: dict[str, Channel] = {c.name: c for c in (InAppChannel(), LogOnlyChannel("sms"), LogOnlyChannel("wechat"))}


def safe_link(link: str) -> str:
    """Only a path on this site: a notification never sends anyone elsewhere."""
    return link if link.startswith("/") and not link.startswith("//") and "\\" not in link else ""


def notify(*, recipient, zh: str, en: str, key: str, link: str = "", channels: tuple[str, ...] = ("inapp",)) -> None:
    """Queue one message to a user on each channel; call it inside the caller's transaction."""
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels: {sorted(unknown)}")
    recipient_id = getattr(recipient, "pk", recipient)
    for name in channels:
        outbox.enqueue(EVENT, {"channel": name, "recipient": recipient_id, "zh": zh[:TEXT_CHARS], "en": en[:TEXT_CHARS],
                               "link": safe_link(link)}, key=f"notify:{key}:{name}"[:200])


@outbox.handler(EVENT)
def _deliver(payload: dict, claim: outbox.Claim) -> None:
    delivery = Delivery(payload["recipient"], payload["zh"], payload["en"], payload["link"],
                        key=f"outbox:{claim.pk}")
    CHANNELS[payload["channel"]].send(delivery)
