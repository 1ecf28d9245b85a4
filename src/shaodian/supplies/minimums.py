"""Minimum stock in days of demand: the population a warehouse serves × each item's daily need.

Checked in the transaction of every entry that lowers or raises a stock: under the minimum opens one alert
(and notifies, through the outbox, the supply officers and commanders who answer for the warehouse); a
receipt that lifts the stock back clears it.
"""

from decimal import Decimal

from django.utils import timezone

from shaodian.core.notify import notify
from shaodian.people.selectors import population_of
from shaodian.places.models import Place
from shaodian.security.models import RoleChoice, User
from shaodian.supplies.days import days_of_demand, under_minimum
from shaodian.supplies.models import Item, MinimumAlert, StockBalance, Warehouse

ALERTED_ROLES = (RoleChoice.SUPPLY_OFFICER, RoleChoice.DISTRICT_COMMANDER, RoleChoice.STREET_COMMANDER)


def population(place: Place) -> int:
    """Residents living at or below a node of the tree."""
    return population_of(place)


def _recipients(place: Place):
    ancestors = [i for i in place.ancestor_ids().values() if i] + [place.pk]
    return User.objects.filter(is_active=True, role__in=ALERTED_ROLES, node_id__in=set(ancestors))


def minimum_check(*, warehouse: Warehouse, item: Item, pop: int | None = None, now=None) -> MinimumAlert | None:
    """Open or clear the minimum alert of (warehouse, item) after its stock changed; call inside the write."""
    if item.is_equipment or item.daily_need_per_person <= 0:
        return None
    now = now or timezone.now()
    stock = StockBalance.objects.filter(warehouse=warehouse, item=item).values_list("quantity", flat=True).first()
    stock = stock if stock is not None else Decimal(0)
    pop = population(warehouse.place) if pop is None else pop
    open_alert = MinimumAlert.objects.filter(warehouse=warehouse, item=item, cleared_at=None).first()
    if not under_minimum(stock, pop, item.daily_need_per_person, warehouse.min_days):
        if open_alert:
            open_alert.cleared_at = now
            open_alert.save(update_fields=["cleared_at"])
        return None
    days = days_of_demand(stock, pop, item.daily_need_per_person)
    if open_alert:
        open_alert.days_left = days
        open_alert.save(update_fields=["days_left"])
        return open_alert
    alert = MinimumAlert.objects.create(warehouse=warehouse, item=item, days_left=days,
                                        min_days=warehouse.min_days, raised_at=now)
    for user in _recipients(warehouse.place):
        notify(recipient=user, key=f"supplies.minimum:{alert.pk}:{user.pk}", link="/supplies/alerts/",
               zh=f"{warehouse.name}的{item.name}只够 {days} 天，低于最低 {warehouse.min_days} 天储备",
               en=f"{item.name} at {warehouse.name} lasts {days} days, under the {warehouse.min_days}-day minimum")
    return alert


def minimum_alerts_for(user):
    """Open alerts of the warehouses in the user's jurisdiction."""
    from shaodian.supplies.selectors import warehouses_for

    return (MinimumAlert.objects.filter(cleared_at=None, warehouse__in=warehouses_for(user))
            .select_related("warehouse", "item").order_by("days_left"))

