"""Prices, suppliers with their wartime memos and supply orders, and freight and distribution nodes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shaodian.places.models import Located
from shaodian.security.fields import EncryptedTextField
from shaodian.supplies.models import QTY, Category

PRICE = {"max_digits": 10, "decimal_places": 2}


class FreightKind(models.TextChoices):
    WHOLESALE_MARKET = "wholesale_market", _("Wholesale market")
    DISTRIBUTION_CENTRE = "distribution_centre", _("Distribution centre")
    ECOMMERCE_WAREHOUSE = "ecommerce_warehouse", _("E-commerce warehouse")
    CENTRAL_KITCHEN = "central_kitchen", _("Central kitchen")


class FreightStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FreightNode(Located):
    """A wholesale market, distribution centre, e-commerce warehouse or central kitchen, open or closed."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=24, choices=FreightKind.choices)
    status = models.CharField(_("status"), max_length=8, choices=FreightStatus.choices, default=FreightStatus.OPEN)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class PriceObservation(Located):
    """One price seen for an item at a market (a freight node, or a named market), yuan per unit."""

    item = models.ForeignKey("supplies.Item", on_delete=models.PROTECT, related_name="prices")
    freight_node = models.ForeignKey(FreightNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    market = models.CharField(_("market"), max_length=100)  # the node's name, or the market's own
    price = models.DecimalField(_("price (yuan per unit)"), **PRICE)
    observed_at = models.DateTimeField(_("observed at"), db_index=True)
    observed_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, related_name="+")
    median_7d = models.DecimalField(null=True, blank=True, **PRICE)  # the reference a spike is measured against
    spike = models.BooleanField(_("price spike"), default=False)

    class Meta:
        ordering = ["-observed_at", "-pk"]
        indexes = [models.Index(fields=["item", "market", "observed_at"], name="price_item_market")]


class Supplier(Located):
    """保供企业 — an enterprise that can supply an area, where it is registered, with its daily capacity."""

    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    daily_capacity = models.DecimalField(_("daily capacity"), **QTY)
    capacity_unit = models.CharField(_("unit"), max_length=16, default="吨")
    sites = models.CharField(_("sites"), max_length=300, blank=True)  # production and storage sites
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SupplierContact(models.Model):
    """A contact of a supplier; the phone is encrypted at rest and found by keyed hash."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("contact"), max_length=64)
    role = models.CharField(_("position"), max_length=64, blank=True)
    phone = EncryptedTextField(_("phone"))
    phone_hash = models.CharField(max_length=64, db_index=True)


class MemoTrigger(models.TextChoices):
    MANUAL = "manual", _("Activated by the commander")
    SEALED_ZONE = "sealed_zone", _("A sealed zone in the area")
    STOCK_BELOW_MINIMUM = "stock_below_minimum", _("Stock under its minimum")


class WartimeMemo(Located):
    """战时合作备忘录 — a supplier's wartime quota and price cap for an item in an area (the memo's place)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="memos")
    item = models.ForeignKey("supplies.Item", on_delete=models.PROTECT, related_name="+")
    quota_per_day = models.DecimalField(_("wartime quota per day"), **QTY)
    price_cap = models.DecimalField(_("price cap (yuan per unit)"), **PRICE)
    trigger = models.CharField(_("activation trigger"), max_length=24, choices=MemoTrigger.choices,
                               default=MemoTrigger.MANUAL)
    destination = models.ForeignKey("supplies.Warehouse", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("destination warehouse"))
    signed_on = models.DateField(_("signed on"))
    active = models.BooleanField(_("in wartime"), default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["supplier__name", "pk"]


class OrderStatus(models.TextChoices):
    """Mirrors orders.Status."""

    RAISED = "raised", _("Raised")
    CONFIRMED = "confirmed", _("Confirmed by the supplier")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received into stock")
    CANCELLED = "cancelled", _("Cancelled")


class SupplyOrder(Located):
    """A supply order a wartime activation raised on a memo (located at its destination warehouse)."""

    memo = models.ForeignKey(WartimeMemo, on_delete=models.PROTECT, null=True, blank=True, related_name="orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    item = models.ForeignKey("supplies.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    price_cap = models.DecimalField(_("price cap (yuan per unit)"), **PRICE)
    destination = models.ForeignKey("supplies.Warehouse", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.RAISED)
    activation_key = models.CharField(max_length=64)  # the activation that raised it: once per memo and day
    raised_at = models.DateTimeField(_("raised at"))
    updated_at = models.DateTimeField()
    received_entry = models.ForeignKey("supplies.StockEntry", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["memo", "activation_key"], name="supply_order_once")]
