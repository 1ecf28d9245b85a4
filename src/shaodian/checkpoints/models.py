"""Checkpoints and venues (卡口/场所), their scans (扫码记录), and passes (通行证)."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from shaodian.places.models import Located
from shaodian.security.fields import EncryptedTextField


class CheckpointKind(models.TextChoices):
    COMMUNITY_GATE = "community_gate", _("Community gate")
    MARKET = "market", _("Market")
    SUPERMARKET = "supermarket", _("Supermarket")
    HOSPITAL = "hospital", _("Hospital")
    STATION = "station", _("Station")
    SCHOOL = "school", _("School")
    OFFICE = "office", _("Office building")
    RESTAURANT = "restaurant", _("Restaurant")
    ROAD = "road", _("Road checkpoint")
    OTHER = "other", _("Other venue")


def new_code() -> str:
    return secrets.token_hex(5)


def new_serial() -> str:
    return secrets.token_hex(8)


class Checkpoint(Located):
    """A gate or a venue where people scan in and out."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=CheckpointKind.choices)
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_code)
    # Set while a measure restricts movement here: only holders of a valid pass may pass.
    pass_required = models.BooleanField(_("pass required"), default=False)
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["community", "kind"], name="checkpoint_community")]

    def __str__(self):
        return self.name


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class Scan(models.Model):
    """One scan at a checkpoint. client_id makes retries from phones idempotent.

    The busiest table: every index and constraint here is paid on each of millions of inserts a day.
    - No single-column FK indexes: (resident, at) and (checkpoint, at) serve those lookups.
    - No FK constraints in the database (db_constraint=False): the ingest service resolves every
      resident, checkpoint and pass it stores in the same request, Django still cascades deletes,
      and PostgreSQL's per-row referential triggers cost more than all the indexes together. It
      also keeps the table ready for day partitions and for Citus, which refuse such references.
    - client_id's uniqueness is a named constraint, not unique=True, so that PostgreSQL gets no
      second, LIKE-only (varchar_pattern_ops) index on it.
    """

    client_id = models.CharField(max_length=64)
    # Null only for a vehicle pass scanned without its driver's code (换人不换车).
    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, null=True, related_name="scans",
                                 db_index=False, db_constraint=False)
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="scans", db_index=False,
                                   db_constraint=False)
    at = models.DateTimeField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    temperature = models.FloatField(null=True, blank=True)
    permit = models.ForeignKey("checkpoints.Pass", on_delete=models.SET_NULL, null=True, blank=True, related_name="uses",
                               db_index=False, db_constraint=False)
    received_at = models.DateTimeField(auto_now_add=True)
    device_user = models.ForeignKey("security.User", on_delete=models.SET_NULL, null=True, related_name="+",
                                    db_index=False, db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client_id"], name="scan_client_id_unique")]
        indexes = [
            models.Index(fields=["checkpoint", "at"], name="scan_checkpoint_at"),
            models.Index(fields=["resident", "at"], name="scan_resident_at"),
        ]


class PassKind(models.TextChoices):
    MEDICAL = "medical", _("Medical visit")
    DIALYSIS = "dialysis", _("Dialysis")
    WORK = "work", _("Work")
    ESSENTIAL = "essential", _("Essential worker")
    SUPPLY_VEHICLE = "supply_vehicle", _("Supply vehicle")


class PassStatus(models.TextChoices):
    """Where a pass stands: issued (valid, or not yet in force), revoked, or expired; see `pass_transition`."""

    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Pass(models.Model):
    """通行证 — who may pass which checkpoints when; its QR is signed, so guards verify it offline."""

    serial = models.CharField(max_length=24, unique=True, default=new_serial)
    kind = models.CharField(_("kind"), max_length=20, choices=PassKind.choices)
    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, null=True, blank=True, related_name="passes")
    plate = models.CharField(_("plate"), max_length=16, blank=True)
    driver_name = models.CharField(_("driver"), max_length=64, blank=True)
    driver_phone = EncryptedTextField(_("driver phone"), blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"))
    checkpoints = models.ManyToManyField(Checkpoint, related_name="passes", verbose_name=_("checkpoints"))
    issued_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    # A supply vehicle's latest disinfection (一车一消杀), written by supplies so the guard sees it with the pass.
    disinfected_at = models.DateTimeField(_("disinfected at"), null=True, blank=True)
    disinfection_note = models.CharField(_("disinfection"), max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["valid_to"], name="pass_valid_to")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.serial}"

    def status(self, now) -> str:
        """Derived from the stored times: revocation is written, expiry simply happens."""
        if self.revoked_at is not None and self.revoked_at <= now:
            return PassStatus.REVOKED
        if now > self.valid_to:
            return PassStatus.EXPIRED
        return PassStatus.ISSUED


# At or above this a reading is a fever (发热): never a green light at a gate.
FEVER_FROM = 37.3


class AlertKind(models.TextChoices):
    CASE = "case", _("Active case")
    CLOSE_CONTACT = "close_contact", _("Close contact")
    MONITORING = "monitoring", _("Contact under health monitoring")
    REVOKED_PASS = "revoked_pass", _("Revoked pass used")
    FEVER = "fever", _("Fever at the gate")


class ScanAlert(Located):
    """A scan staff must look at (a case, a contact, a revoked pass, a fever), until one of them acknowledges it.

    Located at the checkpoint: the staff answering for that gate see it. One per scan and kind, so a
    batch sent again raises nothing twice.
    """

    client_id = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, null=True, related_name="+")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="alerts")
    at = models.DateTimeField(_("scanned at"))
    temperature = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey("security.User", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client_id", "kind"], name="scan_alert_once")]
        indexes = [models.Index(fields=["acknowledged_at", "-at"], name="scan_alert_open")]
