"""Concurrent issues never drive a stock below zero (run on SQLite and on PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from shaodian.errors import ServiceError
from shaodian.security.models import User
from shaodian.supplies import selectors, services
from shaodian.supplies.models import StockEntry
from shaodian.supplies.tests.factories import make_item, make_warehouse

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
ISSUES_EACH = 4


def test_concurrent_issues_never_take_the_stock_below_zero():
    from shaodian.testing import city

    if not User.objects.filter(username="supply").exists():  # transactional tests flush the session's city
        city.build()
    supply = User.objects.select_related("node").get(username="supply")
    item, wh = make_item("食用油", unit="升"), make_warehouse(supply.node, "区储备库")
    services.stock_receive(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity=20)
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def issuer():
        try:
            start.wait()
            for _ in range(ISSUES_EACH):
                try:
                    services.stock_issue(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity=1)
                    result = "issued"
                except ServiceError as exc:
                    result = exc.errors["quantity"][0].code
                with lock:
                    outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issuer) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == THREADS * ISSUES_EACH
    assert outcomes.count("issued") == 20, outcomes  # 32 attempts on 20 units: exactly 20 pass
    assert set(outcomes) == {"issued", "insufficient_stock"}
    assert selectors.stock_on_hand([wh.pk]) == {}
    assert selectors.stock_from_ledger([wh.pk]) == {}
    balances = list(StockEntry.objects.filter(warehouse=wh).order_by("pk").values_list("balance_after", flat=True))
    assert min(balances) == Decimal(0) and balances[-1] == 0
    connection.close()
