"""Catalogue items and warehouses for the supplies tests, on the fixture city's nodes."""

import itertools
from decimal import Decimal

from shaodian.places.models import Place
from shaodian.supplies.models import Category, Item, Warehouse, WarehouseLevel

_seq = itertools.count(1)


def make_item(name: str = "大米", *, category: str = Category.GRAIN, unit: str = "公斤", daily_need="0.5",
              **fields) -> Item:
    return Item.objects.create(code=f"T{next(_seq):05d}", name=name, category=category, unit=unit,
                               daily_need_per_person=Decimal(daily_need), **fields)


def make_warehouse(place: Place, name: str | None = None, *, level: str = WarehouseLevel.COUNTY,
                   **fields) -> Warehouse:
    wh = Warehouse(name=name or f"储备库{next(_seq)}", level=level, latitude=39.9, longitude=116.4, **fields)
    wh.locate_at(place)
    wh.save()
    return wh
