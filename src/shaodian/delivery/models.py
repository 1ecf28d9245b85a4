"""Supplies to the door: household demand and group orders, resident request links, delivery rounds of the last
100 metres with their door lists and taps."""

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shaodian.places.models import Jurisdictional, Located


class NeedKind(models.TextChoices):
    RICE = "rice", _("Rice")
    FLOUR = "flour", _("Flour and noodles")
    OIL = "oil", _("Cooking oil")
    VEGETABLES = "vegetables", _("Vegetables")
    MEAT = "meat", _("Meat")
    EGGS = "eggs", _("Eggs")
    MILK = "milk", _("Milk")
    BABY_FORMULA = "baby_formula", _("Baby formula")
    MEDICINE = "medicine", _("Medicine")
    INSULIN = "insulin", _("Insulin")
    OTHER = "other", _("Other necessities")


# Needs that are special-group needs by their nature: flagged and served first whoever asks.
SPECIAL_KINDS = frozenset({NeedKind.BABY_FORMULA, NeedKind.MEDICINE, NeedKind.INSULIN})


class DemandChannel(models.TextChoices):
    LINK = "link", _("Resident's link")
    WORKER = "worker", _("Grid worker")
    GROUP = "group", _("Building group order")


class Demand(Jurisdictional):
    """One need of one household (or a building's group order, 团购) for one day."""

    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=12, choices=DemandChannel.choices)
    kind = models.CharField(_("need"), max_length=16, choices=NeedKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    households = models.PositiveIntegerField(_("households"), default=1)  # a group order counts its households
    note = models.CharField(_("note"), max_length=200, blank=True)
    special = models.BooleanField(_("special-group need"), default=False)
    # Why it is special: the need itself or the household's special groups (codes, never names).
    special_reason = models.CharField(max_length=200, blank=True)
    day = models.DateField(_("day"), db_index=True)  # the local (Asia/Shanghai) day it is for
    created_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["community", "day"], name="demand_community_day")]


class DemandLink(Jurisdictional):
    """A household's request link: no account; found by the SHA-256 of a random token, never by an id."""

    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=255)  # the address the resident sees
    special_tags = models.CharField(max_length=255, blank=True)  # the household's special groups when issued
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    @staticmethod
    def digest(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @staticmethod
    def new_raw() -> str:
        return secrets.token_urlsafe(24)


class RoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("delivery round", "Under way")
    CLOSED = "closed", pgettext_lazy("delivery round", "Finished")


class StopStatus(models.TextChoices):
    PENDING = "pending", _("Not yet")
    DELIVERED = "delivered", _("Delivered")
    UNREACHED = "unreached", _("Not reached")


class DeliveryRound(Jurisdictional):
    """A round of one building from its drop point, by a volunteer or a resident group (最后一百米)."""

    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("building"), max_length=200)
    day = models.DateField(_("day"), db_index=True)
    volunteer = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="delivery_rounds",
                                  verbose_name=_("volunteer"))
    drop_point = models.CharField(_("drop point"), max_length=200, blank=True)
    goods = models.CharField(_("what is delivered"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-day", "label", "pk"]


class DeliveryStop(Jurisdictional):
    """One door of a round: the household, masked, flagged when someone inside belongs to a special group."""

    round = models.ForeignKey(DeliveryRound, on_delete=models.CASCADE, related_name="stops")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("door"), max_length=255)
    masked = models.CharField(_("who"), max_length=200, blank=True)  # masked names of special-group members
    special_tags = models.CharField(_("special groups"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=StopStatus.choices, default=StopStatus.PENDING)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["label", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="stop_one_per_household")]

    @property
    def special(self) -> bool:
        return bool(self.special_tags)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.special_tags.split(",") if t]


class DeliveryTap(models.Model):
    """One tap on a door, kept by the phone's client id: a retried tap changes nothing."""

    stop = models.ForeignKey(DeliveryStop, on_delete=models.CASCADE, related_name="taps")
    client_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=StopStatus.choices)
    reason = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISCARDED = "discarded", _("Discarded")


class Plan(Located):
    """An allocation plan (调配方案) for an area and a day: computed, explained, then confirmed by a person."""

    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    cost = models.FloatField(_("transport cost"), default=0)
    # [{item, item_name, community, community_name, asked, given, special_asked, special_given, why, zh, en}]
    shortages = models.JSONField(default=list)
    # [{item, item_name, community, community_name, special, ordinary, special_asked, ordinary_asked}]
    served = models.JSONField(default=list)
    unmatched = models.JSONField(default=list)  # needs no catalogue item covers: [{kind, quantity}]
    created_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    confirmed_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class PlanLine(models.Model):
    """One shipment of the plan: so much of an item from a warehouse to a community."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines")
    warehouse = models.ForeignKey("supplies.Warehouse", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("supplies.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["community__code", "item__code", "warehouse_id"]


class DeliveryOrder(Located):
    """What a confirmed plan sends to one community from one warehouse (the stock is already issued)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="orders")
    warehouse = models.ForeignKey("supplies.Warehouse", on_delete=models.PROTECT, related_name="+")
    load_kg = models.PositiveIntegerField(_("load (kg)"))
    lines = models.JSONField(default=list)  # [{item, item_name, unit, quantity}]
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["plan_id", "warehouse_id", "place__code"]


class RouteRun(Located):
    """Vehicle routes from one warehouse or transfer station to the community drop points of a plan's orders."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="route_runs")
    warehouse = models.ForeignKey("supplies.Warehouse", on_delete=models.PROTECT, related_name="+")
    vehicles = models.PositiveIntegerField(_("vehicles"))
    capacity_kg = models.PositiveIntegerField(_("capacity per vehicle (kg)"))
    distance_km = models.FloatField(default=0)
    vehicles_used = models.PositiveIntegerField(default=0)
    unserved = models.JSONField(default=list)  # [{order, community_name, why, zh, en}]
    created_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]


class RouteStop(models.Model):
    """One stop of one vehicle's route, in order; minutes count from the depot's opening."""

    run = models.ForeignKey(RouteRun, on_delete=models.CASCADE, related_name="stops")
    route_no = models.PositiveIntegerField()
    vehicle = models.CharField(max_length=64)
    seq = models.PositiveIntegerField()
    order = models.ForeignKey(DeliveryOrder, on_delete=models.PROTECT, related_name="+")
    load_kg = models.PositiveIntegerField(default=0)  # an order heavier than a vehicle is carried in parts
    arrival_min = models.FloatField()

    class Meta:
        ordering = ["route_no", "seq"]
