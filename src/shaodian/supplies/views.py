"""Staff pages of stock: the overview of warehouses, a warehouse's stock with its ledger and entry forms,
the catalogue and the minimum-stock alerts."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from shaodian.core.shortcuts import need
from shaodian.errors import NotFound, ServiceError
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.supplies import selectors, services
from shaodian.supplies.days import days_of_demand
from shaodian.supplies.forms import LedgerFilterForm, MoveForm
from shaodian.supplies.minimums import minimum_alerts_for, population
from shaodian.supplies.models import StockBalance, WarehouseLevel

LIST_LIMIT = 200
LEDGER_LIMIT = 100
LEVEL_ORDER = {level: i for i, level in enumerate(WarehouseLevel.values)}


@login_required
def supplies_home(request):
    user = request.user
    need(user, Perm.VIEW_SUPPLIES)
    warehouses = list(selectors.warehouses_for(user).filter(active=True)
                      .annotate(items=Count("balances", filter=Q(balances__quantity__gt=0)))
                      .order_by("name")[:LIST_LIMIT])
    warehouses.sort(key=lambda w: LEVEL_ORDER.get(w.level, 9))  # national first, community last
    return render(request, "supplies/home.html", {
        "warehouses": warehouses, "alerts": minimum_alerts_for(user).count(), "section": "supplies"})


@login_required
def catalogue(request):
    need(request.user, Perm.VIEW_SUPPLIES)
    return render(request, "supplies/catalogue.html", {"items": selectors.items_active(), "section": "supplies"})


def _move(user, wh, d) -> None:
    common = {"actor": user, "item_id": d["item"]}
    if d["action"] == "receive":
        services.stock_receive(**common, warehouse_id=wh.pk, quantity=d["quantity"], reference=d["reference"],
                               note=d["note"])
    elif d["action"] == "issue":
        services.stock_issue(**common, warehouse_id=wh.pk, quantity=d["quantity"], reference=d["reference"],
                             note=d["note"])
    elif d["action"] == "transfer":
        if not d["to_warehouse"]:
            raise ServiceError.one("to_warehouse", "请选择调入仓库", "Choose the warehouse to transfer to", "missing")
        services.stock_transfer(**common, from_warehouse_id=wh.pk, to_warehouse_id=d["to_warehouse"],
                                quantity=d["quantity"], reference=d["reference"], note=d["note"])
    else:
        services.stock_count(**common, warehouse_id=wh.pk, counted=d["quantity"], note=d["note"])


@login_required
def warehouse_detail(request, warehouse_id):
    """A warehouse's stock with days of demand, the ledger (of one item if chosen) and the entry form."""
    user = request.user
    need(user, Perm.VIEW_SUPPLIES)
    wh = selectors.warehouse_get(user, warehouse_id)
    items = list(selectors.items_active())
    can_post = user.can(Perm.MANAGE_SUPPLIES) and services.writable_warehouses(user).filter(pk=wh.pk).exists()
    others = list(services.writable_warehouses(user).exclude(pk=wh.pk).order_by("level", "name")[:LIST_LIMIT])
    form = MoveForm(request.POST or None, items=items, warehouses=others)
    status = 200
    if request.method == "POST":
        need(user, Perm.MANAGE_SUPPLIES)
        if form.is_valid():
            try:
                _move(user, wh, form.cleaned_data)
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
            else:
                return redirect("supplies_warehouse", warehouse_id=wh.pk)
        else:
            status = 422
    people = population(wh.place)
    balances = {b.item_id: b.quantity for b in StockBalance.objects.filter(warehouse=wh)}
    stock = [{"item": i, "quantity": balances.get(i.pk, 0),
              "days": None if i.is_equipment else days_of_demand(balances.get(i.pk, 0), people,
                                                                 i.daily_need_per_person)}
             for i in items if i.pk in balances]
    item_id = LedgerFilterForm(request.GET).filters()["item"]
    try:
        ledger = list(selectors.ledger_for(user, wh.pk, item_id)[:LEDGER_LIMIT])
    except NotFound:  # a malformed item filter shows the whole ledger
        item_id, ledger = None, list(selectors.ledger_for(user, wh.pk)[:LEDGER_LIMIT])
    audit(user, AuditAction.READ, "warehouse", wh.pk)
    return render(request, "supplies/warehouse.html", {
        "wh": wh, "stock": stock, "population": people, "ledger": ledger, "form": form, "can_post": can_post,
        "errors": form.errors_by_field() if form.is_bound else {}, "values": form.values() if form.is_bound else {},
        "item_filter": str(item_id or ""), "items": items, "section": "supplies"}, status=status)


@login_required
def alerts(request):
    user = request.user
    need(user, Perm.VIEW_SUPPLIES)
    rows = list(minimum_alerts_for(user)[:LIST_LIMIT])
    return render(request, "supplies/alerts.html", {"rows": rows, "section": "supplies"})
