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


class CountField(forms.IntegerField):
    """A whole number of people, businesses or complaints; empty is 0."""

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, max_value=10**9, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return 0 if value is None else value


class AmountField(forms.FloatField):
    """An amount (people averted, yuan spent); empty is 0."""

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, max_value=1e12, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return 0.0 if value is None else value


def _text(max_length: int = 2000, **kwargs) -> forms.CharField:
    # Required or not, the services say what is missing, in the lifecycle's words.
    return forms.CharField(max_length=max_length, required=False, strip=False, **kwargs)


class NoInputForm(PageForm):
    """Actions that are the button alone (submit, approve, count the votes, check the gate, enter into force)."""


class EvaluateForm(PageForm):
    risk_evidence = _text(25000)
    businesses_affected = CountField()


class LegalApproveForm(PageForm):
    legal_basis = _text(25000)
    opinion = _text()


class ReasonsForm(PageForm):
    reasons = _text(10000)


class NoticeForm(PageForm):
    reason = _text()
    starts_at = BoundedDateTimeField(required=False)
    ends_at = BoundedDateTimeField(required=False)


class ExtendForm(PageForm):
    new_ends_at = BoundedDateTimeField(required=False)
    filed_with = _text(200)
    filing_ref = _text(100)
    reason = _text()


class ReasonForm(PageForm):
    reason = _text()


class TasksForm(PageForm):
    tasks = _text(10000)


class TaskForm(PageForm):
    task = _text(200)


class PostEvaluateForm(PageForm):
    infections_averted = AmountField()
    people_affected = CountField()
    businesses_affected = CountField()
    cost_yuan = AmountField()
    complaints = CountField()
    verdict = _text(32)
    summary = _text()


class GateForm(PageForm):
    """The gate page: check the gate again, or name a special-group person's carer and plans."""

    action = forms.ChoiceField(required=False, choices=[("check", "check"), ("care", "care")])
    resident_id = forms.CharField(max_length=20, required=False)
    carer_name = _text(64)
    supply_plan = _text(300)
    medical_plan = _text(300)


class ClosureForm(PageForm):
    """A closure recorded, or a place's negative-list flags set (`action=flags`); the rules are the service's."""

    action = forms.ChoiceField(required=False, choices=[("flags", "flags"), ("create", "create")])
    # The service counts lengths after folding spaces and keeps a refused attempt: it sees the texts whole.
    place = forms.CharField(max_length=20, required=False)
    description = _text()
    closure_type = _text(32)
    emergency_channel = _text()
    on_duty_contact = _text()
    ordered_by = forms.CharField(max_length=20, required=False)  # the service names a wrong choice
    ordered_by_name = _text()
    flags_place = forms.CharField(max_length=20, required=False)
    flags = forms.MultipleChoiceField(required=False, choices=[])

    def __init__(self, *args, flag_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flags"].choices = flag_choices


class PaperVoteForm(PageForm):
    """Staff issue links (`open`), show them again (`show`), or record a paper ballot."""

    action = forms.ChoiceField(required=False, choices=[("open", "open"), ("show", "show"), ("record", "record")])
    household_id = forms.CharField(max_length=20, required=False)
    choice = forms.ChoiceField(required=False, choices=[("approve", "approve"), ("reject", "reject")])


class BallotForm(PageForm):
    """A household's vote through its link."""

    choice = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")], error_messages={
        "required": _("Choose approve or reject"), "invalid_choice": _("Choose approve or reject")})


class ActionForm(PageForm):
    """Which lifecycle action a detail-page form asks for; an unknown one is refused on the page, not as a 500."""

    action = forms.ChoiceField(choices=[], error_messages={"required": _("Unknown action"),
                                                           "invalid_choice": _("Unknown action")})

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(name, name) for name in actions]

    def errors_by_field(self) -> dict[str, list[str]]:
        return {"general": [e for errors in self.errors.values() for e in errors]}
