"""Key persons and health monitoring: returnee lists (来返人员), risk areas, daily health reports, alerts, follow-up calls.

A monitoring period itself is tracing's `Monitoring` (a confirmed contact lands there); this app adds what
happens during it: the daily reports (self-reported through a personal link, or by the grid worker), the
follow-up calls, the alerts they raise, and the lists of arrivals that put people under watch.
"""

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from shaodian.places.models import Located
from shaodian.security.fields import EncryptedTextField


class Symptom(models.TextChoices):
    """The fixed list a report picks from (mirrors rules.SYMPTOMS)."""

    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    FATIGUE = "fatigue", _("Fatigue")
    SMELL_TASTE = "smell_taste", _("Loss of smell or taste")
    BREATHLESS = "breathless", _("Shortness of breath")
    MUSCLE_ACHE = "muscle_ache", _("Muscle aches")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")


class ReportSource(models.TextChoices):
    SELF = "self", _("Self-report")
    WORKER = "worker", _("Grid worker")


class HealthReport(models.Model):
    """One daily report: the day (Beijing time) it is for, the temperature and the symptoms ticked."""

    monitoring = models.ForeignKey("tracing.Monitoring", on_delete=models.CASCADE, related_name="reports")
    client_id = models.CharField(max_length=64, unique=True)
    day = models.DateField()
    at = models.DateTimeField()
    temperature = models.FloatField()
    symptoms = models.CharField(max_length=200, blank=True)  # comma-separated Symptom values
    source = models.CharField(max_length=8, choices=ReportSource.choices)
    reported_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, related_name="+")
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["monitoring", "day"], name="health_report_day")]

    @property
    def symptom_list(self) -> list[str]:
        return [s for s in self.symptoms.split(",") if s]

    @property
    def symptom_labels(self) -> list[str]:
        return [str(Symptom(s).label) for s in self.symptom_list if s in Symptom.values]


class FollowUpCall(models.Model):
    """The grid worker's call: reached or not, and a note."""

    monitoring = models.ForeignKey("tracing.Monitoring", on_delete=models.CASCADE, related_name="calls")
    reached = models.BooleanField()
    note = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]


class AlertKind(models.TextChoices):
    """Mirrors rules.FEVER, rules.SYMPTOM, rules.MISSED."""

    FEVER = "fever", _("Fever")
    SYMPTOM = "symptom", _("Symptom reported")
    MISSED = "missed", _("Report missing")


class HealthAlert(models.Model):
    """An alert raised once per person, kind and day; it shows upward until someone acknowledges it."""

    monitoring = models.ForeignKey("tracing.Monitoring", on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=8, choices=AlertKind.choices)
    day = models.DateField()
    temperature = models.FloatField(null=True)
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True)
    acknowledged_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    task_id = models.BigIntegerField(null=True)  # the grid worker's task in the tasks app

    class Meta:
        constraints = [models.UniqueConstraint(fields=["monitoring", "kind", "day"], name="health_alert_once")]
        indexes = [models.Index(fields=["acknowledged_at", "raised_at"], name="health_alert_open")]


class ReportLink(models.Model):
    """A person's self-report link. Found by the SHA-256 of its token; the token itself kept only encrypted,
    so staff can show its QR again (audited). Never carries the person's id."""

    monitoring = models.ForeignKey("tracing.Monitoring", on_delete=models.CASCADE, related_name="links")
    key_hash = models.CharField(max_length=64, unique=True)
    key_sealed = EncryptedTextField(blank=True, default="")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True)
    issued_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    @staticmethod
    def digest(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @staticmethod
    def new_raw() -> str:
        return secrets.token_urlsafe(18)


class RiskArea(models.Model):
    """A maintained list of risk areas (中高风险地区) with the dates each was risky."""

    name = models.CharField(_("area"), max_length=100)
    level = models.CharField(_("level"), max_length=8, choices=[("high", _("High risk")), ("medium", _("Medium risk"))])
    valid_from = models.DateField(_("risky from"))
    valid_to = models.DateField(_("risky until"))
    created_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_to", "name"]


class ReturneeList(Located):
    """A list of arrivals from upstream (来返人员名单), kept at the node of whoever imported it."""

    title = models.CharField(max_length=100)
    filename = models.CharField(max_length=200)
    follow_up_days = models.PositiveSmallIntegerField(default=1)
    imported_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()


class RowStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    UNMATCHED = "unmatched", _("Not matched")
    INVALID = "invalid", _("Invalid row")


class ReturneeRow(models.Model):
    """One arrival: as imported (personal fields encrypted, looked up by keyed hash), and whom it matched."""

    returnee_list = models.ForeignKey(ReturneeList, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    name = EncryptedTextField(blank=True)
    id_number = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    id_hash = models.CharField(max_length=64, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    from_area = models.CharField(max_length=100, blank=True)
    arrival_date = models.DateField(null=True)
    plate = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=10, choices=RowStatus.choices)
    problem = models.CharField(max_length=200, blank=True)  # why a row is invalid, bilingual
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, null=True, related_name="+")
    risky = models.BooleanField(default=False)  # from an area risky on the arrival date
    follow_up_due = models.DateField(null=True)
    task_id = models.BigIntegerField(null=True)

    class Meta:
        ordering = ["line"]
        indexes = [models.Index(fields=["returnee_list", "status"], name="returnee_row_status")]
