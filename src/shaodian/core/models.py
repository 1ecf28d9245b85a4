"""The outbox (side effects as rows a worker runs), in-app notifications and files made by background exports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # waiting for its time (first try, or a retry after a failure)
    RUNNING = "running", _("Running")  # claimed by a worker until locked_until
    DONE = "done", _("Done")
    DEAD = "dead", _("Failed for good")  # out of attempts: an administrator looks and may retry


class OutboxItem(models.Model):
    """One side effect to run: written in the caller's transaction, run by `shaodian worker`."""

    event = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    key = models.CharField(max_length=200, unique=True)  # the same key twice is one item
    status = models.CharField(max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)  # claims so far; also the claim's fencing token
    max_attempts = models.PositiveIntegerField(default=8)
    run_after = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "run_after"], name="core_outbox_due")]

    def __str__(self):
        return f"{self.event} #{self.pk} ({self.status})"


class Notification(models.Model):
    """A message in a user's in-app inbox; the key makes a redelivery land once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text_zh = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notification_unread")]


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Deleted after the retention period")


class ExportFile(models.Model):
    """A file a background export writes under DATA_DIR for its owner alone, deleted after a set time."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_files")
    kind = models.CharField(max_length=50)  # which export handler writes it: "residents", …
    params = models.JSONField(default=dict)  # the filter the owner chose
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200)  # offered to the browser
    stored_name = models.CharField(max_length=100, unique=True)  # random: the path is never guessable
    size = models.BigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "-created_at"], name="core_export_owner")]

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
