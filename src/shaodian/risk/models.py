"""Risk confirmations: a person confirms or changes the level the risk matrix suggests for a building (SEC-3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CHANGED = "changed", _("Changed by the reviewer")


class RiskConfirmation(models.Model):
    """A person confirms (or changes) the system's risk level for a building, with the explanation seen (SEC-3)."""

    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    suggested_level = models.CharField(max_length=8)
    level = models.CharField(max_length=8)
    decision = models.CharField(max_length=10, choices=RiskDecision.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    explanation = models.JSONField()  # rows of indicators.assess_buildings: value, score, contribution, source
    confirmed_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField()

    class Meta:
        # Created by the measures app before risk was an app of its own; the table kept its name.
        db_table = "measures_riskconfirmation"
