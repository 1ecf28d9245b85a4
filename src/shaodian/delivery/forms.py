"""Page input of the delivery pages: each form checks shapes; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.core.forms import PageForm
from shaodian.delivery.models import NeedKind, StopStatus

KIND_CHOICES = [("", _("Choose"))] + list(NeedKind.choices)


class DemandForm(PageForm):
    """The grid worker enters one household's need."""

    household = forms.TypedChoiceField(label=_("Household"), coerce=int)
    kind = forms.ChoiceField(label=_("Need"), choices=KIND_CHOICES)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [("", _("Choose"))] + list(households)


class GroupOrderForm(PageForm):
    """A building's group order (团购)."""

    building = forms.TypedChoiceField(label=_("Building"), coerce=int)
    kind = forms.ChoiceField(label=_("Need"), choices=KIND_CHOICES)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99900)
    households = forms.IntegerField(label=_("Households"), min_value=1, max_value=5000)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", _("Choose"))] + list(buildings)


class LinkForm(PageForm):
    """Issue a household's request link."""

    household = forms.TypedChoiceField(label=_("Household"), coerce=int)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=30, initial=7)

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [("", _("Choose"))] + list(households)


class PublicDemandForm(PageForm):
    """A resident's request through their household's link: up to three lines."""

    kind1 = forms.ChoiceField(label=_("Need"), choices=KIND_CHOICES)
    quantity1 = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999)
    kind2 = forms.ChoiceField(label=_("Need"), choices=KIND_CHOICES, required=False)
    quantity2 = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, required=False)
    kind3 = forms.ChoiceField(label=_("Need"), choices=KIND_CHOICES, required=False)
    quantity3 = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def lines(self) -> list[tuple[str, int]]:
        d = self.cleaned_data
        return [(d[f"kind{i}"], d[f"quantity{i}"]) for i in (1, 2, 3) if d.get(f"kind{i}") or d.get(f"quantity{i}")]


class RoundForm(PageForm):
    building = forms.TypedChoiceField(label=_("Building"), coerce=int)
    volunteer = forms.TypedChoiceField(label=_("Volunteer"), coerce=int)
    drop_point = forms.CharField(label=_("Drop point"), max_length=200, required=False)
    goods = forms.CharField(label=_("What is delivered"), max_length=200, required=False)

    def __init__(self, *args, buildings=(), volunteers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", _("Choose"))] + list(buildings)
        self.fields["volunteer"].choices = [("", _("Choose"))] + list(volunteers)


class TapForm(PageForm):
    """One tap at a door; the client id was put in the page when it was drawn, so a resent form is the same tap."""

    stop = forms.IntegerField(min_value=1)
    status = forms.ChoiceField(choices=[(StopStatus.DELIVERED, _("Delivered")), (StopStatus.UNREACHED, _("Not reached"))])
    client_id = forms.CharField(max_length=64)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CloseForm(PageForm):
    """Close a round; the reasons for doors not reached come as reason_<stop id>."""

    confirm = forms.BooleanField()

    def __init__(self, *args, stops=(), **kwargs):
        super().__init__(*args, **kwargs)
        for stop in stops:
            self.fields[f"reason_{stop.pk}"] = forms.CharField(max_length=200, required=False)

    def reasons(self) -> dict[str, str]:
        return {k.removeprefix("reason_"): v for k, v in self.cleaned_data.items() if k.startswith("reason_") and v}


class PlanForm(PageForm):
    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    day = forms.DateField(label=_("Day"))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Choose"))] + list(areas)


class RouteForm(PageForm):
    warehouse = forms.TypedChoiceField(label=_("From warehouse or transfer station"), coerce=int)
    vehicles = forms.IntegerField(label=_("Vehicles"), min_value=1, max_value=200)
    capacity_kg = forms.IntegerField(label=_("Capacity per vehicle (kg)"), min_value=1, max_value=50000)

    def __init__(self, *args, warehouses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = list(warehouses)


class WhichForm(PageForm):
    """Which of the demand page's three forms was sent."""

    form = forms.ChoiceField(choices=[("demand", "demand"), ("group", "group"), ("link", "link")])


class BuildingPickForm(PageForm):
    """The building chosen on the round form, read first: its volunteers are the volunteer field's choices."""

    building = forms.IntegerField(min_value=1)


class DecideForm(PageForm):
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm the plan")), ("discard", _("Discard"))])
