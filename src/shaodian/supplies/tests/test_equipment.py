"""The equipment gap list (seed 003): 20 isolation barriers and 10 emergency lights per committee, protective
gear for 30 days per worker; the page's xlsx export."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from shaodian.security.models import AuditLog, RoleChoice, User
from shaodian.supplies import equipment, services
from shaodian.supplies.tests.factories import make_item, make_warehouse


def test_gaps_count_committee_minimums_and_gear_per_worker(users):
    supply = users["supply"]
    community_a = users["staff_a"].node
    barrier = make_item("隔离围挡", category="equipment", unit="个", daily_need="0", is_equipment=True,
                        min_per_community=20)
    masks = make_item("医用口罩", category="protective_gear", unit="只", daily_need="0", is_equipment=True,
                      min_per_worker_day=2)
    store = make_warehouse(community_a, "名苑社区应急物资点", level="community")
    services.stock_receive(actor=supply, warehouse_id=store.pk, item_id=barrier.pk, quantity=25)
    services.stock_receive(actor=supply, warehouse_id=store.pk, item_id=masks.pk, quantity=100)
    workers = User.objects.filter(is_active=True, role__in=equipment.WORKER_ROLES,
                                  node__community_id=community_a.pk).count()
    assert workers >= 3  # staff_a, grid_a, guard_a, volunteer_a …
    rows = equipment.gap_list(supply)
    mine = {(r["community"].pk, r["item"].pk): r for r in rows}
    assert (community_a.pk, barrier.pk) not in mine  # 25 ≥ 20
    gear = mine[(community_a.pk, masks.pk)]
    assert gear["required"] == Decimal(2 * 30 * workers) and gear["missing"] == 2 * 30 * workers - 100
    other = users["grid_b"].node.parent
    assert mine[(other.pk, barrier.pk)]["missing"] == 20  # nothing stored there
    # The street commander of 海棠街道 sees only its own communities; a grid worker sees none.
    assert {r["community"].street_id for r in equipment.gap_list(users["street_a"])} == {users["street_a"].node_id}
    assert equipment.gap_list(users["grid_a"]) == []
    book = load_workbook(io.BytesIO(equipment.gap_list_xlsx(supply)))
    sheet = list(book.active.values)
    assert sheet[0][:3] == ("社区", "物资", "单位") and len(sheet) == len(rows) + 1
    assert AuditLog.objects.filter(object_type="equipment_gaps", actor=supply).exists()
    assert RoleChoice.VOLUNTEER in equipment.WORKER_ROLES
