"""保供稳价信息 — the public page without login: stock sufficiency in days of demand per item across the city's
reserves, and recent prices per item and market. Totals only: no warehouse addresses, no people."""

from decimal import Decimal

from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from shaodian.people.selectors import population_of
from shaodian.supplies import prices
from shaodian.supplies.days import days_of_demand
from shaodian.supplies.models import Item, StockBalance


def sufficiency() -> list[dict]:
    """Per necessity: total stock in every reserve and the days it covers the whole population."""
    people = population_of()
    totals = {r["item_id"]: r["q"] for r in StockBalance.objects.filter(warehouse__active=True)
              .values("item_id").annotate(q=Sum("quantity")).order_by()}
    out = []
    for item in Item.objects.filter(active=True, is_equipment=False, daily_need_per_person__gt=0):
        stock = totals.get(item.pk, Decimal(0))
        out.append({"item": item, "stock": stock, "days": days_of_demand(stock, people, item.daily_need_per_person)})
    return out


@cache_control(max_age=300, public=True)
def public_supplies(request):
    return render(request, "supplies/public.html", {"rows": sufficiency(), "prices": prices.public_prices(),
                                                    "now": timezone.now()})
