"""What the risk page calls each level, translated through Django i18n (pages show labels, never codes)."""

from django.utils.translation import gettext_lazy as _

from shaodian.risk.matrix import RiskLevel

RISK_LABELS = {RiskLevel.LOW.value: _("Low risk"), RiskLevel.MEDIUM.value: _("Medium risk"),
               RiskLevel.HIGH.value: _("High risk")}


def label(value) -> str:
    """The label of a level; an unknown code is shown as it is rather than hidden."""
    return str(RISK_LABELS.get(value, value))
