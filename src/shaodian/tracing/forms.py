"""The tracing pages' inputs: a case to register, a contact search, which contacts to list, and decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.core.forms import LocalMomentField, PageForm, QueryForm, SchemaField
from shaodian.schema_types import Day, Minutes, ParamId
from shaodian.tracing.decisions import BULK_MAX, NOTE_MAX
from shaodian.tracing.models import CaseKind, ContactStatus

MAX_SCORE = 28 * 24 * 60  # minutes in the longest search window


class ContactFilterForm(QueryForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *ContactStatus.choices])
    degree = forms.ChoiceField(label=_("Degree"), required=False,
                               choices=[("", _("Close and secondary")), ("1", _("close contact")),
                                        ("2", _("secondary contact"))])
    min_score = forms.FloatField(label=_("Exposure at least (minutes)"), required=False, min_value=0, max_value=MAX_SCORE,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    place = forms.TypedChoiceField(label=_("Venue"), required=False, coerce=int, empty_value=None)
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=[
        ("score", _("Longest exposure first")), ("score_asc", _("Shortest exposure first")),
        ("recent", _("Latest exposure first"))])

    def __init__(self, *args, places=(), **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")  # the bulk form beside it has a min_score too (id_min_score)
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("All places")), *places]

    def filters(self) -> dict:
        """The valid filters only: a wrong value is shown as an error and ignored."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data[k] for k in self.fields if k in data and data[k] not in (None, "")}


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return sorted({int(v) for v in value or []})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Select contacts from the list")) from None


class ContactBulkForm(PageForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))])
    which = forms.ChoiceField(label=_("Which contacts"), initial="selected", widget=forms.RadioSelect, choices=[
        ("selected", _("The contacts ticked below")), ("top", _("The top proposals by exposure"))])
    contacts = IdListField(required=False)
    top = forms.IntegerField(label=_("How many"), required=False, min_value=1, max_value=BULK_MAX,
                             widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    min_score = forms.FloatField(label=_("Exposure at least (minutes)"), required=False, min_value=0, max_value=MAX_SCORE,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = forms.CharField(label=_("Reason"), max_length=NOTE_MAX)
    back = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("which") == "selected" and not data.get("contacts"):
            self.add_error("contacts", _("Tick at least one contact"))
        if data.get("which") == "top" and not data.get("top"):
            self.add_error("top", _("Say how many people"))
        return data


class CaseRegisterForm(PageForm):
    resident_id = SchemaField(ParamId, label=_("Resident number in the system"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    test_date = SchemaField(Day, label=_("Test date"), required=False)
    onset_date = SchemaField(Day, label=_("Onset date (confirmed cases)"), required=False)


class ContactSearchForm(PageForm):
    """The window to search a case's contacts in (local times), the tolerances, and whether to go one step further."""

    window_minutes = SchemaField(Minutes, label=_("Time tolerance (minutes)"), required=False)
    min_overlap_minutes = SchemaField(Minutes, label=_("Minimum overlap (minutes)"), required=False)
    second_degree = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the fields are named as the page and the API name them.
        self.fields["from"] = LocalMomentField(label=_("From"), required=False)
        self.fields["to"] = LocalMomentField(label=_("To"), required=False)


class ContactDecisionForm(PageForm):
    """One contact confirmed or dismissed from its row on the case page."""

    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))])
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)
    case = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    back = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
