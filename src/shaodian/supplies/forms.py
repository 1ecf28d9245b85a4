"""Page input of the supplies pages: forms check each field's shape; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.core.forms import PageForm, QueryForm
from shaodian.supplies.models_market import FreightStatus

ID = {"min_value": 1, "max_value": 2_147_483_647}


class MoveForm(PageForm):
    """A ledger entry at one warehouse: receive, issue, transfer out to another, or a counted stocktake."""

    action = forms.ChoiceField(label=_("Entry"), choices=[("receive", _("Receipt")), ("issue", _("Issue")),
                                                          ("transfer", _("Transfer")), ("count", _("Stocktake"))])
    item = forms.TypedChoiceField(label=_("Item"), coerce=int)
    quantity = forms.CharField(label=_("Quantity (counted quantity for a stocktake)"), max_length=20)
    to_warehouse = forms.TypedChoiceField(label=_("Transfer to"), coerce=int, required=False, empty_value=None)
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, items=(), warehouses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, f"{i.name}（{i.unit}）") for i in items]
        self.fields["to_warehouse"].choices = [("", "—")] + [(w.pk, w.name) for w in warehouses]


class PriceForm(PageForm):
    item = forms.TypedChoiceField(label=_("Item"), coerce=int)
    freight_node = forms.TypedChoiceField(label=_("Market (freight node)"), coerce=int, required=False,
                                          empty_value=None)
    market = forms.CharField(label=_("or another market's name"), max_length=100, required=False)
    price = forms.CharField(label=_("Price (yuan per unit)"), max_length=20)

    def __init__(self, *args, items=(), nodes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, f"{i.name}（{i.unit}）") for i in items]
        self.fields["freight_node"].choices = [("", "—")] + [(n.pk, n.name) for n in nodes]


class ActivateForm(PageForm):
    node = forms.TypedChoiceField(label=_("Area"), coerce=int)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [(p.pk, p.name) for p in places]


class OrderForm(PageForm):
    order = forms.IntegerField(**ID)
    action = forms.ChoiceField(choices=[(a, a) for a in ("confirm", "ship", "receive", "cancel")])


class FreightStatusForm(PageForm):
    node = forms.IntegerField(**ID)
    status = forms.ChoiceField(choices=FreightStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DisinfectionForm(PageForm):
    vehicle = forms.IntegerField(**ID)
    trip = forms.CharField(label=_("Trip"), max_length=64)
    agent = forms.CharField(label=_("Disinfectant"), max_length=64)
    site = forms.CharField(label=_("Where"), max_length=100)


class DriverChangeForm(PageForm):
    vehicle = forms.IntegerField(**ID)
    driver = forms.TypedChoiceField(label=_("New driver"), coerce=int)

    def __init__(self, *args, drivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driver"].choices = [(d.pk, d.name) for d in drivers]


class HealthCheckForm(PageForm):
    driver = forms.IntegerField(**ID)
    negative = forms.BooleanField(label=_("Negative"), required=False)


class DriverForm(PageForm):
    """A new supply driver; the ID number (optional) only links them to the city's resident holding it."""

    name = forms.CharField(label=_("Name"), max_length=64)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    id_number = forms.CharField(label=_("Resident ID number (optional)"), max_length=32, required=False)
    whitelisted = forms.BooleanField(label=_("On the white list"), required=False)


class DriverLinkForm(PageForm):
    driver = forms.IntegerField(**ID)
    id_number = forms.CharField(label=_("Resident ID number (empty: unlink)"), max_length=32, required=False)


class WhitelistForm(PageForm):
    driver = forms.IntegerField(**ID)
    whitelisted = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class LedgerFilterForm(QueryForm):
    """The warehouse ledger of one item (`?item=`): anything but an id shows the whole ledger."""

    item = forms.IntegerField(required=False, **ID)


class ExportFormatForm(QueryForm):
    """`?format=xlsx` downloads the list as a workbook; anything else shows the page."""

    format = forms.ChoiceField(required=False, choices=[("", ""), ("xlsx", "xlsx")])
