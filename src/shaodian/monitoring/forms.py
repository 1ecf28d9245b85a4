"""Page input of the monitoring pages: forms check each field's shape; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from shaodian.core.forms import PageForm, QueryForm
from shaodian.monitoring.models import Symptom
from shaodian.monitoring.returnees import FOLLOW_UP_DAYS_MAX, MAX_BYTES
from shaodian.monitoring.services import DAYS_MAX, DAYS_MIN, NOTE_MAX
from shaodian.tracing.models import MonitoringReason, MonitoringStatus

REASONS = [(r.value, r.label) for r in (MonitoringReason.HOME_QUARANTINE, MonitoringReason.KEY_PERSON,
                                        MonitoringReason.CLOSE_CONTACT)]


class StartForm(PageForm):
    resident_id = forms.IntegerField(label=_("Person"), min_value=1, max_value=2**62)
    reason = forms.ChoiceField(label=_("Reason"), choices=REASONS)
    days = forms.IntegerField(label=_("Days"), min_value=DAYS_MIN, max_value=DAYS_MAX, initial=14)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


class ReportForm(PageForm):
    """A day's report, typed by the person on the link's page or by the grid worker."""

    client_id = forms.CharField(max_length=64, widget=forms.HiddenInput)
    temperature = forms.FloatField(label=_("Temperature (°C)"), min_value=34, max_value=43,
                                   widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal",
                                                                   "min": "34", "max": "43"}))
    symptoms = forms.MultipleChoiceField(label=pgettext_lazy("symptom list", "Symptoms"), choices=Symptom.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)


class ActionForm(PageForm):
    action = forms.ChoiceField(choices=[("report", "report"), ("call", "call"), ("link", "link"), ("revoke", "revoke"),
                                        ("show", "show"), ("stop", "stop")])


class CallForm(PageForm):
    reached = forms.ChoiceField(label=pgettext_lazy("call outcome", "Reached"), choices=[("yes", pgettext_lazy("call outcome", "Reached")), ("no", pgettext_lazy("call outcome", "Not reached"))],
                                widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


class StopForm(PageForm):
    note = forms.CharField(label=_("Why it ends early"), max_length=NOTE_MAX)


class AckForm(PageForm):
    alert_id = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


class RiskAreaForm(PageForm):
    name = forms.CharField(label=_("Area"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=[("high", _("High risk")), ("medium", _("Medium risk"))])
    valid_from = forms.DateField(label=_("Risky from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Risky until"), widget=forms.DateInput(attrs={"type": "date"}))


class ImportForm(PageForm):
    file = forms.FileField(label=_("List (xlsx or csv)"))
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    follow_up_days = forms.IntegerField(label=_("Follow up within (days)"), min_value=1, max_value=FOLLOW_UP_DAYS_MAX,
                                        initial=1)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("The file may not exceed 5 MB."), code="too_large")
        return f


class MatchForm(PageForm):
    row_id = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    resident_id = forms.IntegerField(label=_("Person"), min_value=1, max_value=2**62)


class ListFilterForm(QueryForm):
    """The list's filters in its address: an unknown status shows the active periods."""

    status = forms.ChoiceField(choices=MonitoringStatus.choices, required=False, initial=MonitoringStatus.ACTIVE)
    alerts = forms.BooleanField(required=False)


class AlertFilterForm(QueryForm):
    all = forms.BooleanField(required=False)
