"""Page input of the measures pages: the form checks the shape of each field; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.core.forms import BoundedDateTimeField, PageForm
from shaodian.measures.models import StaticLevelKey, ZoneLevel
from shaodian.measures.rules import Restriction

AREA_KINDS = {"place": "place_id", "building": "building_id", "unit": "unit_id"}


class ProposalForm(PageForm):
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
