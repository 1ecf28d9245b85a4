"""Complaints (诉求), their history, the routing table, intake refusals, Open311 keys and over-blocking reviews."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shaodian.places.models import Located, PlaceKind
from shaodian.security.fields import EncryptedTextField


class Category(models.TextChoices):
    MEDICAL_ACCESS = "medical_access", _("Cannot reach medical care")
    SUPPLY_SHORTAGE = "supply_shortage", _("Supply shortage")
    OVER_BLOCKING = "over_blocking", _("Over-blocking / blocked door")
    FIRE_LANE = "fire_lane", _("Fire lane or emergency exit blocked")
    SOFT_RESTRICTION = "soft_restriction", _("Soft restriction")
    QUARANTINE = "quarantine", _("Quarantine conditions")
    STAFF_CONDUCT = "staff_conduct", _("Staff conduct")
    INFORMATION = "information", _("Information request")
    RUMOUR = "rumour", _("Rumour")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """Mirrors states.Status."""

    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED_UNRESOLVED = "closed_unresolved", _("Closed, not resolved")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12345 hotline")
    WEB = "web", _("Resident's web form")
    STAFF = "staff", _("Filed by staff for a resident")
    OPEN311 = "open311", _("Open311")


class Complaint(Located):
    """One report: where, what, who (encrypted, maybe anonymous), its state and deadlines."""

    number = models.CharField(_("tracking number"), max_length=16, unique=True)
    access_hash = models.CharField(max_length=64)  # the reporter's secret code, hashed: feedback and reopen
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    suggested_category = models.CharField(max_length=24, choices=Category.choices, blank=True)
    text = models.TextField(_("what happened"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name = EncryptedTextField(_("reporter"), blank=True)
    reporter_phone = EncryptedTextField(_("reporter's phone"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    source_hash = models.CharField(max_length=64, blank=True, db_index=True)  # address or Open311 key: floods
    filed_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    on_behalf_reason = models.CharField(_("reason for filing on behalf"), max_length=200, blank=True)
    photo = models.BinaryField(null=True, blank=True)  # JPEG, resized, without EXIF
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    body = models.CharField(_("responsible body"), max_length=100)
    handling_node = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    escalated_to = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer_by = models.DateTimeField(_("answer by"))
    resolve_by = models.DateTimeField(_("resolve by"))
    responded_at = models.DateTimeField(null=True, blank=True)
    # Kept beside the times so the KPI aggregates are plain column sums on both databases.
    answered_in_24h = models.BooleanField(default=False)
    filed_day = models.DateField(db_index=True)  # the local (Asia/Shanghai) day, for the daily trend
    closed_at = models.DateTimeField(null=True, blank=True)
    satisfied = models.BooleanField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    answer = models.TextField(_("answer to the reporter"), blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="duplicates")
    external_id = models.CharField(max_length=64, blank=True)  # an Open311 client's own id
    filed_at = models.DateTimeField(_("filed at"), db_index=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["community", "category", "filed_at"], name="complaint_community_cat"),
            models.Index(fields=["district", "filed_at"], name="complaint_district"),
            models.Index(fields=["status", "resolve_by"], name="complaint_open_due"),
            # open, not yet escalated, past due: the live part of "late" on the KPI page, and the escalation job
            models.Index(fields=["escalated_at", "closed_at", "resolve_by"], name="complaint_late"),
        ]

    def __str__(self):
        return self.number


class ComplaintEvent(models.Model):
    """The history a reporter and the handlers both see (the reporter never sees who acted)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)
    status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by_reporter = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]


class RoutingRule(models.Model):
    """Which body handles a category, and at which level of the tree (the configurable routing table)."""

    category = models.CharField(_("category"), max_length=24, choices=Category.choices, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=PlaceKind.choices)
    body = models.CharField(_("responsible body"), max_length=100)


class IntakeRefusal(models.Model):
    """A report refused as a flood (one phone, address or key too often): staff see these."""

    source_kind = models.CharField(max_length=16)  # phone / ip / key
    source_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)


class Open311Key(models.Model):
    """An Open311 client allowed to POST reports, known by the hash of its api_key."""

    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ReviewRule(models.TextChoices):
    MEDICAL_DAYS = "medical_days", _("Cannot reach medical care on consecutive days")
    FIRE_LANE = "fire_lane", _("Fire lane blocked")
    SUPPLY_CLUSTER = "supply_cluster", _("Cluster of supply shortages")


class ReviewOutcome(models.TextChoices):
    CORRECTED = "corrected", _("Measure corrected")
    LIFTED = "lifted", _("Measure lifted")
    KEPT = "kept", _("Measure kept")


class Review(Located):
    """An over-blocking review (过度封堵核查) of the measures and closures in force where complaints gathered."""

    rule = models.CharField(_("rule"), max_length=20, choices=ReviewRule.choices)
    key = models.CharField(max_length=100, unique=True)  # rule, place and window: a trigger opens one review
    evidence = models.JSONField(default=dict)  # complaint ids and numbers, counts per day, measures and closures
    assigned_to = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    body = models.CharField(_("responsible unit"), max_length=100, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=ReviewOutcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]


class ComplaintDay(Located):
    """The daily summary the KPI page reads: per filed day (Asia/Shanghai), place, body and category, how many
    complaints filed that day are now in each condition (tally.COUNTERS). Kept by the complaint services in the
    same transaction as each write (summary.py); `summary.rebuild()` recounts it from the complaints."""

    day = models.DateField()
    body = models.CharField(max_length=100)
    category = models.CharField(max_length=24, choices=Category.choices)
    filed = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    closed_unresolved = models.IntegerField(default=0)
    feedback = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    responded_24h = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    escalated = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "place", "body", "category"], name="complaint_day_key")]
        indexes = [models.Index(fields=["district", "day"], name="complaint_day_district"),
                   models.Index(fields=["street", "day"], name="complaint_day_street"),
                   models.Index(fields=["community", "day"], name="complaint_day_community")]
