"""Page input of the complaint pages: forms check each field's shape; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.complaints.models import Category, ReviewOutcome, Status
from shaodian.core.forms import QueryForm
from shaodian.core.photos import MAX_UPLOAD
from shaodian.errors import Msg
from shaodian.places.models import PlaceKind

TEXT_MAX = 2000


class PhotoField(forms.FileField):
    def clean(self, data, initial=None):
        f = super().clean(data, initial)
        if f and f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The photo may not exceed 10 MB."), code="too_large")
        return f


class ReportForm(forms.Form):
    """The resident's report from a phone, without an account."""

    place = forms.TypedChoiceField(label=_("Community"), coerce=int)
    text = forms.CharField(label=_("What happened"), max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ChoiceField(label=_("Kind of problem"), required=False,
                                 choices=[("", _("Let the system suggest"))] + list(Category.choices))
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    photo = PhotoField(label=_("Photo"), required=False)
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Your phone"), max_length=20, required=False)
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("Choose"))] + [(p.pk, label) for p, label in places]


class HotlineForm(ReportForm):
    """The 12345 operator's form, or staff filing on a resident's behalf (with the reason)."""

    # "suggest": classify the text and show the form again with the suggestion; empty: file.
    step = forms.CharField(required=False, max_length=16)

    channel = forms.ChoiceField(label=_("Received by"), choices=[("hotline", _("12345 hotline")),
                                                                 ("staff", _("Filed by staff for a resident"))])
    on_behalf_reason = forms.CharField(label=_("Why you file on the resident's behalf"), max_length=200,
                                       required=False)


class RevealForm(forms.Form):
    """The designated role asks to see an anonymous reporter (the look is audited)."""

    reveal = forms.BooleanField(required=False)


class ActForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("assign", "start", "resolve", "close_unresolved")])
    note = forms.CharField(label=_("Answer to the reporter"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", "")] + list(Category.choices))


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Tracking number"), max_length=16)
    code = forms.CharField(label=_("Query code"), max_length=16)
    # Set when the reporter gives feedback or reopens (ReporterActForm then reads the rest).
    action = forms.CharField(required=False, max_length=16)


class ReporterActForm(TrackForm):
    action = forms.ChoiceField(choices=[("feedback", "feedback"), ("reopen", "reopen")])
    satisfied = forms.ChoiceField(required=False, choices=[("", ""), ("yes", "yes"), ("no", "no")])
    note = forms.CharField(max_length=1000, required=False)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


def form_errors(form) -> dict[str, list]:
    """A form's errors in the shape the services raise (field → messages)."""
    return {name: [Msg(str(e), str(e)) for e in errs] for name, errs in form.errors.items()}


class RoutingForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    level = forms.ChoiceField(label=_("Level"), choices=[(k, v) for k, v in PlaceKind.choices if k != "grid"])
    body = forms.CharField(label=_("Responsible body"), max_length=100)


class Open311RequestForm(forms.Form):
    """POST requests.json (GeoReport v2): the fields a client sends, bounded; the view checks their meaning."""

    api_key = forms.CharField(required=False, max_length=128)
    service_code = forms.CharField(required=False, max_length=64)
    lat = forms.CharField(required=False, max_length=32)
    long = forms.CharField(required=False, max_length=32)
    address_id = forms.CharField(required=False, max_length=64)
    address_string = forms.CharField(required=False, max_length=300)
    description = forms.CharField(required=False, max_length=4000, strip=False)
    first_name = forms.CharField(required=False, max_length=64)
    last_name = forms.CharField(required=False, max_length=64)
    phone = forms.CharField(required=False, max_length=32)
    device_id = forms.CharField(required=False, max_length=128)


class ListFilterForm(QueryForm):
    """The list's (and its export's) filters in the address: an unknown status or category filters nothing."""

    status = forms.ChoiceField(required=False, choices=[("", ""), *Status.choices])
    category = forms.ChoiceField(required=False, choices=[("", ""), *Category.choices])
    late = forms.BooleanField(required=False)


class KpiFilterForm(QueryForm):
    category = forms.ChoiceField(required=False, choices=[("", ""), *Category.choices])


class TrackLinkForm(QueryForm):
    """A link to the tracking page carries the report's number only (`?number=`), to fill in."""

    number = forms.CharField(required=False, max_length=16)
