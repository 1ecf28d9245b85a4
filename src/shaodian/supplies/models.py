"""Livelihood supplies: the catalogue, warehouses at every level and the stock ledger that is their only truth.

Stock is the sum of `StockEntry` rows, never an editable number. `StockBalance` caches that sum per
(warehouse, item) in the same transaction as each entry; it is also the row a write locks, so two issues
of the same item at the same warehouse are serialised and can never drive the stock below zero.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shaodian.places.models import Located

QTY = {"max_digits": 14, "decimal_places": 3}


class Category(models.TextChoices):
    GRAIN = "grain", _("Grain (rice, flour)")
    OIL = "oil", _("Cooking oil")
    VEGETABLES = "vegetables", _("Vegetables")
    FRUIT = "fruit", _("Fruit")
    MEAT = "meat", _("Meat")
    EGGS = "eggs", _("Eggs")
    MILK = "milk", _("Milk")
    AQUATIC = "aquatic", _("Aquatic products")
    BABY_FORMULA = "baby_formula", _("Baby formula")
    MEDICINE = "medicine", _("Common medicines")
    EQUIPMENT = "equipment", _("Emergency equipment")
    PROTECTIVE_GEAR = "protective_gear", _("Protective gear")
    DISINFECTANT = "disinfectant", _("Disinfectant")
    OTHER = "other", _("Other")


class Item(models.Model):
    """One line of the catalogue (大米, 口罩, 隔离围挡 …), with what a person needs of it per day."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("unit"), max_length=16)  # 公斤, 升, 盒, 个 …
    weight_kg = models.DecimalField(_("weight per unit (kg)"), default=1, **QTY)  # loads and vehicle capacity
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    # Units one resident uses per day: the days of demand a stock covers are stock / (population × this).
    daily_need_per_person = models.DecimalField(_("daily need per person"), default=0, **QTY)
    is_equipment = models.BooleanField(_("equipment or protective gear"), default=False)
    # Equipment minimums (seed 003): so many per community committee, and so many per worker per day.
    min_per_community = models.DecimalField(_("minimum per community"), default=0, **QTY)
    min_per_worker_day = models.DecimalField(_("minimum per worker per day"), default=0, **QTY)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "code"]

    def __str__(self):
        return self.name


class WarehouseLevel(models.TextChoices):
    NATIONAL = "national", _("National reserve")
    PROVINCIAL = "provincial", _("Provincial reserve")
    CITY = "city", _("City reserve")
    COUNTY = "county", _("County reserve")
    COMMUNITY = "community", _("Community reserve")


class WarehouseKind(models.TextChoices):
    RESERVE = "reserve", _("Reserve warehouse")
    TRANSFER_STATION = "transfer_station", _("Transfer station")  # 中转站
    DROP_POINT = "drop_point", _("Drop point")  # 接驳区


class Warehouse(Located):
    """A reserve warehouse, transfer station or drop point, at the node of the tree that answers for it."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=WarehouseLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=WarehouseKind.choices, default=WarehouseKind.RESERVE)
    capacity_tonnes = models.DecimalField(_("capacity (tonnes)"), default=0, **QTY)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # Minimum stock in days of demand of the population the warehouse serves (its node's residents).
    min_days = models.PositiveSmallIntegerField(_("minimum stock (days of demand)"), default=7)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["level", "name"]
        indexes = [models.Index(fields=["district", "level"], name="warehouse_district_level")]

    def __str__(self):
        return self.name


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    COUNT_ADJUSTMENT = "count_adjustment", _("Count adjustment")


class StockEntry(models.Model):
    """One line of the ledger: a signed quantity of an item at a warehouse. Append-only."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="entries")
    quantity = models.DecimalField(_("quantity"), **QTY)  # + in, − out
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    balance_after = models.DecimalField(_("balance after"), **QTY)
    reference = models.CharField(_("reference"), max_length=64, blank=True)  # delivery note, order, plan …
    counterpart = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"), db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["warehouse", "item", "at"], name="stock_entry_wh_item")]

    def __str__(self):
        return f"{self.kind} {self.quantity} {self.item_id}@{self.warehouse_id}"


class StockBalance(models.Model):
    """The ledger's sum per (warehouse, item), kept in the entry's transaction; the row a write locks."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    quantity = models.DecimalField(**QTY, default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "item"], name="stock_balance_once"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_balance_not_negative"),
        ]


class MinimumAlert(models.Model):
    """An item under its warehouse's minimum in days of demand; open until a receipt lifts it back."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="alerts")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    days_left = models.DecimalField(_("days of demand left"), max_digits=10, decimal_places=1)
    min_days = models.PositiveSmallIntegerField(_("minimum (days)"))
    raised_at = models.DateTimeField(_("raised at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "item"], condition=models.Q(cleared_at=None),
                                               name="minimum_alert_one_open")]


from shaodian.supplies.models_fleet import Disinfection, Driver, Vehicle  # noqa: E402,F401 - registered with the app
from shaodian.supplies.models_market import (  # noqa: E402,F401
    FreightNode, PriceObservation, Supplier, SupplierContact, SupplyOrder, WartimeMemo,
)
