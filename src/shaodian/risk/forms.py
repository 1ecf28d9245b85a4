"""The risk page's one input: a person confirms a building's level, or changes it with a reason."""

from django import forms

from shaodian.core.forms import PageForm


class RiskConfirmForm(PageForm):
    building_id = forms.CharField(max_length=20, required=False)
    level = forms.CharField(max_length=32, required=False, strip=True)
    note = forms.CharField(max_length=500, required=False, strip=True)
