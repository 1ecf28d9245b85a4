"""Page input of the checkpoint pages: the form checks each field's shape; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.checkpoints.models import CheckpointKind, PassKind
from shaodian.core.forms import BoundedDateTimeField, IdField, IdListField, PageForm, QueryForm


class CheckpointForm(PageForm):
    """A new checkpoint or venue; where it may stand is the user's jurisdiction (checked by the service)."""

    name = forms.CharField(label=_("Checkpoint name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CheckpointKind.choices)
    place = IdField(label=_("Where"), error_messages={"invalid": _("Choose a place in your jurisdiction."),
                                                      "max_value": _("Choose a place in your jurisdiction.")})
    pass_required = forms.BooleanField(required=False)


class PassIssueForm(PageForm):
    """A pass as the passes page posts it; the kinds offered are those the user's role may issue."""

    kind = forms.ChoiceField(label=_("Kind"), error_messages={
        "invalid_choice": _("Choose a kind of pass your role may issue."),
        "required": _("Choose a kind of pass your role may issue.")})
    checkpoints = IdListField(label=_("Checkpoints"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=400, required=False)
    plate = forms.CharField(label=_("Plate"), max_length=32, required=False)
    driver_name = forms.CharField(label=_("Driver"), max_length=64, required=False)
    driver_phone = forms.CharField(label=_("Driver phone"), max_length=32, required=False)
    resident_id = IdField(label=_("Holder"), required=False, error_messages={
        "invalid": _("The resident number is digits only."),
        "max_value": _("Unknown resident, or outside your jurisdiction.")})
    valid_from = BoundedDateTimeField(label=_("Valid from"), error_messages={"required": _("Enter a date and time.")})
    valid_to = BoundedDateTimeField(label=_("Valid until"), error_messages={"required": _("Enter a date and time.")})

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds

    def clean(self):
        data = super().clean()
        if data.get("kind") == PassKind.SUPPLY_VEHICLE and "resident_id" in self.errors:
            # A vehicle's pass names no person: what was typed in that field is not read.
            del self.errors["resident_id"]
            data["resident_id"] = None
        return data


class PassRevokeForm(PageForm):
    reason = forms.CharField(label=_("Reason"), max_length=400, required=False)

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < 2:
            raise forms.ValidationError(_("State why the pass is revoked."))
        return reason


class AlertAcknowledgeForm(PageForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AlertFilterForm(QueryForm):
    """`?show=all` lists acknowledged alerts too; anything else, the open ones."""

    show = forms.ChoiceField(required=False, choices=[("", ""), ("all", "all")])
