"""Cases (病例), close and secondary contacts (密接/次密接) and the monitoring that follows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed case")
    ASYMPTOMATIC = "asymptomatic", _("Asymptomatic infection")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RECOVERED = "recovered", _("Recovered")


class CaseCloseReason(models.TextChoices):
    """Why a case is closed: each ends isolation and treatment (the one closed status is "recovered")."""

    DISCHARGED = "discharged", _("Cured and discharged from hospital")
    ISOLATION_ENDED = "isolation_ended", _("Recovered: isolation ended after negative tests")
    OTHER = "other", _("Other reason (say which in the note)")


class Case(models.Model):
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    onset_date = models.DateField(_("onset date"), null=True, blank=True)
    test_date = models.DateField(_("test date"))
    # The contact record this case grew out of, if it was traced (the chain: case → contact → case).
    source = models.ForeignKey("tracing.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    registered_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    # Set once, when the case is closed; empty reason on cases closed through the API without one.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    close_reason = models.CharField(max_length=16, choices=CaseCloseReason.choices, blank=True)
    close_note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=models.Q(status="active"), name="case_one_active")
        ]


class ContactStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


# The moves a contact may make (from, to) → whether the move needs a written reason. Leaving a
# decision is a correction and says why; nothing goes back to a proposal.
CONTACT_MOVES: dict[tuple[str, str], bool] = {
    (ContactStatus.PROPOSED, ContactStatus.CONFIRMED): False,
    (ContactStatus.PROPOSED, ContactStatus.DISMISSED): False,
    (ContactStatus.CONFIRMED, ContactStatus.DISMISSED): True,
    (ContactStatus.DISMISSED, ContactStatus.CONFIRMED): True,
}


class ContactReason(models.TextChoices):
    COLOCATION = "colocation", _("Same place, same time")
    HOUSEHOLD = "household", _("Same household")
    MANUAL = "manual", _("Reported by a tracer")


class Contact(models.Model):
    """A person linked to a case. Proposed by the engine; a record only once a person confirms it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="contact_records")
    degree = models.PositiveSmallIntegerField(default=1)  # 1 密接, 2 次密接
    via = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="secondary")
    reason = models.CharField(max_length=16, choices=ContactReason.choices)
    minutes = models.FloatField(default=0)  # the score: total minutes of its exposures
    status = models.CharField(max_length=16, choices=ContactStatus.choices, default=ContactStatus.PROPOSED)
    decided_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "resident", "degree"], name="contact_unique")]
        indexes = [models.Index(fields=["case", "status", "minutes"], name="contact_case_status")]

    @property
    def degree_label(self) -> str:
        return _("secondary contact") if self.degree == 2 else _("close contact")


class ContactExposure(models.Model):
    """One meeting of a contact and the case: where, and from when to when (stored in UTC)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="exposures")
    checkpoint = models.ForeignKey("checkpoints.Checkpoint", on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    minutes = models.FloatField()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [models.UniqueConstraint(fields=["contact", "checkpoint", "start"], name="exposure_unique")]
        indexes = [models.Index(fields=["checkpoint", "start"], name="exposure_place_time")]


class MonitoringReason(models.TextChoices):
    CLOSE_CONTACT = "close_contact", _("Close contact")
    SECONDARY_CONTACT = "secondary_contact", _("Secondary contact")
    HOME_QUARANTINE = "home_quarantine", _("Home quarantine")
    KEY_PERSON = "key_person", _("Key person")


class MonitoringStatus(models.TextChoices):
    ACTIVE = "active", _("Under monitoring")
    ENDED = "ended", _("Ended")


MONITORING_TASKS = {
    MonitoringReason.CLOSE_CONTACT: _("Grid worker calls twice a day for temperature; report symptoms at once"),
    MonitoringReason.SECONDARY_CONTACT: _("Daily health report"),
    MonitoringReason.HOME_QUARANTINE: _("Daily health report"),
    MonitoringReason.KEY_PERSON: _("Daily health report"),
}


class Exemption(models.TextChoices):
    """Why a person is never put under home or contact quarantine (tracing.exemptions asks the apps that know)."""

    WHITELISTED_DRIVER = "whitelisted_driver", _("White-listed supply driver")


# What an exempt person's monitoring asks instead (seed 000: no quarantine for the drivers of a closed area's
# supply trucks, on condition of strict health monitoring and nucleic acid tests).
EXEMPTION_TASKS = {
    Exemption.WHITELISTED_DRIVER: _("Closed-loop work and point-to-point transport, no home quarantine: "
                                    "daily health report and nucleic acid tests"),
}


class Monitoring(models.Model):
    """健康监测 — a confirmed contact's monitoring period, with the grid worker's follow-up task."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="monitoring")
    reason = models.CharField(max_length=20, choices=MonitoringReason.choices)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, related_name="monitoring")
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=16, choices=MonitoringStatus.choices, default=MonitoringStatus.ACTIVE)
    task = models.CharField(max_length=200, blank=True)
    # Set when a quarantine reason was replaced because the person is exempt (a white-listed driver confirmed
    # as a close contact is followed as a key person): the tracer and the grid see why.
    exemption = models.CharField(max_length=24, choices=Exemption.choices, blank=True, default="")

    @property
    def task_label(self) -> str:
        """The follow-up task in the reader's language (rows written before kept bilingual text)."""
        if self.status != MonitoringStatus.ACTIVE:
            return self.task
        return str(EXEMPTION_TASKS.get(self.exemption) or MONITORING_TASKS.get(self.reason, self.task))

    class Meta:
        indexes = [models.Index(fields=["resident", "status"], name="monitoring_resident")]
