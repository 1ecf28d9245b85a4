"""The equipment gap list per community (seed 003): minimums per committee and per worker, against what the
community's own warehouses hold on the ledger; a page and an xlsx export."""

import io
from decimal import Decimal

from django.db.models import Count, Sum
from openpyxl import Workbook

from shaodian.places.models import Place, PlaceKind
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, RoleChoice, User
from shaodian.security.roles import Perm
from shaodian.supplies import gaps
from shaodian.supplies.models import Item, StockBalance

# Who wears the community's protective gear: its staff, grid workers, guards and volunteers.
WORKER_ROLES = (RoleChoice.COMMUNITY_STAFF, RoleChoice.GRID_WORKER, RoleChoice.CHECKPOINT_GUARD,
                RoleChoice.VOLUNTEER)


def equipment_items():
    return Item.objects.filter(active=True, is_equipment=True).order_by("category", "code")


def gap_list(user) -> list[dict]:
    """Every community of the user's jurisdiction with each equipment item short of its minimum."""
    communities = list(Place.objects.for_user(user, Perm.VIEW_SUPPLIES).filter(kind=PlaceKind.COMMUNITY)
                       .order_by("code"))
    if not communities:
        return []
    ids = [c.pk for c in communities]
    workers = dict.fromkeys(ids, 0)
    for row in (User.objects.filter(is_active=True, role__in=WORKER_ROLES, node__community_id__in=ids)
                .values("node__community_id").annotate(n=Count("pk")).order_by()):
        workers[row["node__community_id"]] = row["n"]
    items = {i.pk: i for i in equipment_items()}
    stock = {(r["warehouse__community_id"], r["item_id"]): r["q"] for r in
             StockBalance.objects.filter(warehouse__community_id__in=ids, item_id__in=list(items),
                                         warehouse__active=True)
             .values("warehouse__community_id", "item_id").annotate(q=Sum("quantity")).order_by()}
    needs = [gaps.Need(i.pk, i.min_per_community, i.min_per_worker_day) for i in items.values()]
    by_id = {c.pk: c for c in communities}
    rows = []
    for g in gaps.gaps(workers, needs, stock):
        rows.append({"community": by_id[g.community_id], "item": items[g.item_id], "workers": workers[g.community_id],
                     "required": g.required, "on_hand": g.on_hand, "missing": g.missing})
    rows.sort(key=lambda r: (r["community"].code, r["item"].code))
    return rows


def _n(d: Decimal) -> float | int:
    return int(d) if d == d.to_integral_value() else float(d)


def gap_list_xlsx(user) -> bytes:
    """The gap list as a workbook (what communities use); the export is audited."""
    rows = gap_list(user)
    wb = Workbook()
    ws = wb.active
    ws.title = "物资缺口"
    ws.append(["社区", "物资", "单位", "工作人员数", "应储备", "现有", "缺口"])
    for r in rows:
        ws.append([r["community"].name, r["item"].name, r["item"].unit, r["workers"], _n(r["required"]),
                   _n(r["on_hand"]), _n(r["missing"])])
    buf = io.BytesIO()
    wb.save(buf)
    audit(user, AuditAction.EXPORT, "equipment_gaps", detail={"rows": len(rows)}, count=len(rows))
    return buf.getvalue()
