"""Page input of the screening pages: each form checks shapes; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.core.forms import BoundedDateTimeField, IdField, PageForm, QueryForm
from shaodian.screening.models import OUTCOMES, Result, TestKind, VisitStatus

PLACE_ERRORS = {"invalid": _("Choose a place in your jurisdiction."),
                "max_value": _("Choose a place in your jurisdiction.")}


class CampaignForm(PageForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), max_length=500)
    questions = forms.CharField(label=_("Questions (one a line)"), max_length=2000, required=False)
    place = IdField(label=_("Area"), error_messages=PLACE_ERRORS)
    deadline = BoundedDateTimeField(label=_("Deadline"), error_messages={"required": _("Enter a date and time.")})


class VisitForm(PageForm):
    """One knock, as the field page posts it when its script is off (the script sends the same to the API)."""

    client_id = forms.CharField(max_length=64)
    task = IdField()
    outcome = forms.ChoiceField(choices=[(o.value, o.label) for o in OUTCOMES])
    people_present = forms.IntegerField(min_value=0, max_value=99, required=False)
    symptomatic = forms.BooleanField(required=False)
    notes = forms.CharField(max_length=500, required=False)


class SiteForm(PageForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    place = IdField(label=_("Area"), error_messages=PLACE_ERRORS)
    opens = forms.TimeField(label=_("Opens"))
    closes = forms.TimeField(label=_("Closes"))


class RoundForm(PageForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Test"), choices=TestKind.choices)
    place = IdField(label=_("Area"), error_messages=PLACE_ERRORS)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    every_days = forms.IntegerField(label=_("Every N days"), min_value=1, max_value=90)
    parent = IdField(label=_("Ordered above"), required=False)


class SampleForm(PageForm):
    code = forms.CharField(label=_("Personal code or ID number"), max_length=2000)
    site = IdField(label=_("Sampling site"), required=False)


class ResultForm(PageForm):
    sample = IdField()
    result = forms.ChoiceField(choices=[(Result.NEGATIVE.value, Result.NEGATIVE.label),
                                        (Result.POSITIVE.value, Result.POSITIVE.label)])


class ImportForm(PageForm):
    file = forms.FileField(label=_("Results sheet (xlsx or csv: ID number, result)"))


class GridForm(PageForm):
    grid = IdField(required=False)


class WhichForm(PageForm):
    """Which of the two forms of the rounds page was sent."""

    what = forms.ChoiceField(choices=[("round", "round"), ("site", "site")], required=False)


class TaskFilterForm(QueryForm):
    """A campaign's door list by visit status (`?status=`): an unknown status lists every door."""

    status = forms.ChoiceField(required=False, choices=[("", ""), *VisitStatus.choices])
