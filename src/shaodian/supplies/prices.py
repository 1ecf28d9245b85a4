"""Price observations (价格监测): recorded per item and market, absurd ones refused, spikes alerted."""

import datetime as dt
import decimal
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shaodian.core.notify import notify
from shaodian.errors import NotFound, ServiceError
from shaodian.places.models import Place
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped
from shaodian.supplies import pricing
from shaodian.supplies.minimums import _recipients
from shaodian.supplies.models import Item
from shaodian.supplies.models_market import FreightNode, PriceObservation

ABSURD_TEXT = {
    "not_positive": ("价格须大于零", "The price must be greater than zero"),
    "over_cap": (f"价格超过每单位 {pricing.PRICE_CAP} 元的上限，请核实", f"The price is above the cap of "
                 f"{pricing.PRICE_CAP} yuan per unit: check it"),
    "far_from_median": ("价格与近30天中位数相差十倍以上，请核实单位和小数点",
                        "The price is more than ten times off the 30-day median: check the unit and decimal point"),
}


def _price(value) -> Decimal:
    try:
        p = Decimal(str(value).strip())
    except (decimal.InvalidOperation, ValueError, TypeError):
        raise ServiceError.one("price", "价格须为数字", "The price must be a number", "float_parsing") from None
    if not p.is_finite():
        raise ServiceError.one("price", "价格须为有限的数字", "The price must be a finite number", "finite_number")
    if p != p.quantize(Decimal("0.01")):
        raise ServiceError.one("price", "价格最多两位小数（元、角、分）", "At most two decimals (yuan and fen)",
                               "decimal_places")
    return p.quantize(Decimal("0.01"))


def _prices(item_id, since, market: str | None = None) -> list[Decimal]:
    qs = PriceObservation.objects.filter(item_id=item_id, observed_at__gte=since)
    if market is not None:
        qs = qs.filter(market=market)
    return list(qs.values_list("price", flat=True))


def price_observe(*, actor, item_id, price, freight_node_id=None, market: str = "", place_id=None,
                  now=None) -> PriceObservation:
    """Record a price at a freight node, or at a named market in a place of the actor's jurisdiction."""
    if not actor.can(Perm.MANAGE_SUPPLIES):
        raise ServiceError.forbidden()
    value = _price(price)
    now = now or timezone.now()
    try:
        item = Item.objects.get(pk=int(item_id), active=True)
    except (Item.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ServiceError.one("item", "未找到该物资", "No such item", "not_found", status=404) from None
    market = " ".join(str(market or "").split())
    if freight_node_id:
        try:
            node = get_scoped(FreightNode.objects.for_user(actor, Perm.MANAGE_SUPPLIES), freight_node_id)
        except NotFound:
            raise ServiceError.one("freight_node", "未找到该市场，或不在您的管辖范围内",
                                   "No such market, or outside your jurisdiction", "not_found", status=404) from None
        place, market = node.place, node.name
    else:
        if not 2 <= len(market) <= 100:
            raise ServiceError.one("market", "请填写市场名称（2–100字）", "Name the market (2–100 characters)", "missing")
        try:
            place = get_scoped(Place.objects.for_user(actor, Perm.MANAGE_SUPPLIES), place_id or actor.node_id)
        except NotFound:
            raise ServiceError.one("place", "地点不在您的管辖范围内", "The place is outside your jurisdiction",
                                   "not_found", status=404) from None
        node = None
    why = pricing.absurd(value, _prices(item.pk, now - dt.timedelta(days=30)))
    if why:
        zh, en = ABSURD_TEXT[why]
        raise ServiceError.one("price", zh, en, "absurd_price")
    is_spike, median = pricing.spike(value, _prices(item.pk, now - dt.timedelta(days=7), market))
    with transaction.atomic():
        obs = PriceObservation(item=item, freight_node=node, market=market, price=value, observed_at=now,
                               observed_by=actor, median_7d=median, spike=is_spike)
        obs.locate_at(place)
        obs.save()
        audit(actor, AuditAction.CREATE, "price", obs.pk, detail={"item": item.pk, "price": str(value),
                                                                  "spike": is_spike})
        if is_spike:
            for user in _recipients(place):
                notify(recipient=user, key=f"supplies.price_spike:{obs.pk}:{user.pk}", link="/supplies/prices/",
                       zh=f"{market}{item.name}价格 {value} 元，高于近7天中位数 {median} 元的 20% 以上",
                       en=f"{item.name} at {market}: {value} yuan, over 20% above the 7-day median of {median}")
    return obs


def prices_for(user) -> QuerySet:
    return (PriceObservation.objects.for_user(user, Perm.VIEW_SUPPLIES)
            .select_related("item", "place").order_by("-observed_at", "-pk"))


def public_prices(now=None, days: int = 7) -> list[dict]:
    """Per item: the latest price at each market in the last `days` days, and the week's median (no people)."""
    now = now or timezone.now()
    rows = (PriceObservation.objects.filter(observed_at__gte=now - dt.timedelta(days=days))
            .select_related("item").order_by("item__category", "item__code", "market", "-observed_at"))
    out: dict[int, dict] = {}
    for r in rows:
        entry = out.setdefault(r.item_id, {"item": r.item, "markets": {}, "all": []})
        entry["all"].append(r.price)
        entry["markets"].setdefault(r.market, r)
    for entry in out.values():
        entry["median"] = pricing.median_of(entry.pop("all"))
        entry["markets"] = list(entry["markets"].values())
        entry["spike"] = any(m.spike for m in entry["markets"])
    return list(out.values())
