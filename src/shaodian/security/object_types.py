"""What each audited object type is called on the audit page (the codes stay in the database)."""

from django.utils.translation import gettext_lazy as _, pgettext_lazy

OBJECT_TYPES = {
    "resident": _("Resident"),
    "household": pgettext_lazy("object type", "Household"),
    "place": _("Place"),
    "place_flags": _("Place flags (negative list)"),
    "care_note": _("Care note"),
    "care_assignment": _("Special-group care arrangement"),
    "case": _("Case"),
    "contact": _("Close contact"),
    "contacts": _("Close-contact list"),
    "checkpoint": _("Checkpoint"),
    "pass": _("Pass"),
    "verify": _("Code check at a checkpoint"),
    "closure": _("Closure"),
    "measure": _("Measure"),
    "risk_confirmation": _("Risk confirmation"),
    "vote": _("Ballot"),
    "vote_tokens": _("Voting links"),
}


def object_type_label(code: str) -> str:
    """The translated name; an unknown code (a new type without a label) shows as itself."""
    label = OBJECT_TYPES.get(code)
    return str(label) if label is not None else code
