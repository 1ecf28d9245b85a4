"""Page input of the measures pages: the form checks the shape of each field; the services keep the rules."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.errors import ServiceError
from shaodian.measures.models import StaticLevelKey, ZoneLevel
from shaodian.measures.rules import Restriction

# What a datetime-local input sends (seconds appear when the browser adds them), and ISO for scripts.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
AREA_KINDS = {"place": "place_id", "building": "building_id", "unit": "unit_id"}


class BoundedDateTimeField(forms.DateTimeField):
    """A local date and time inside the window the platform works in (no year 1, no year 9999)."""

    default_error_messages = {"invalid": _("Enter a date and time, e.g. 2024-03-01 08:00."),
                              "out_of_range": _("The date must be between 2000-01-01 and 2100-12-31.")}

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATETIME_FORMATS, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                         **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not EARLIEST <= value.date() <= LATEST:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return value


class ProposalForm(forms.Form):
    """A proposed measure as the list page posts it; zone, level, term and area are judged by measure_propose."""

    area = forms.ChoiceField(label=_("Area (choose the smallest that covers the evidence)"))
    zone = forms.ChoiceField(label=_("Zone"), choices=ZoneLevel.choices)
    static_level = forms.ChoiceField(label=_("Static-management level"), choices=StaticLevelKey.choices)
    restrictions = forms.MultipleChoiceField(label=_("Restrictions"), required=False,
                                             choices=[(r.value, r.value) for r in Restriction])
    starts_at = BoundedDateTimeField(label=_("Starts at"))
    ends_at = BoundedDateTimeField(label=_("Ends at"))
    reason = forms.CharField(label=_("Reason"), max_length=2000)
    supply_plan = forms.CharField(label=_("Supply plan for everyone inside"), max_length=300, required=False)
    emergency_reason = forms.CharField(label=_("Emergency start: the reason (leave empty otherwise)"), max_length=500,
                                       required=False)

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas

    def service_kwargs(self) -> dict:
        """The cleaned input as measure_propose's keywords."""
        data = dict(self.cleaned_data)
        kind, _sep, pk = data.pop("area").partition(":")
        return {**data, AREA_KINDS.get(kind, "place_id"): pk or None}

    def add_service_errors(self, exc: ServiceError) -> None:
        """Show the service's refusals next to the fields they concern."""
        for name, msgs in exc.errors.items():
            for msg in msgs:
                self.add_error(name if name in self.fields else None, str(msg))

    def errors_by_field(self) -> dict[str, list[str]]:
        """The errors keyed as the templates expect: non-field errors under "general"."""
        return {("general" if k == "__all__" else k): list(v) for k, v in self.errors.items()}
