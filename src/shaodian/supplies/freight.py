"""Freight and distribution nodes (批发市场、配送中心、电商仓、中央厨房): open or closed, and the reopening
list (应开尽开) — closed nodes whose zone allows their type to open (see reopening.py)."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shaodian.errors import ServiceError
from shaodian.measures.selectors import in_force
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped
from shaodian.supplies import reopening
from shaodian.supplies.models_market import FreightKind, FreightNode, FreightStatus
from shaodian.supplies.partners import _place
from shaodian.supplies.services import _text


def freight_node_create(*, actor, name: str, kind: str, place_id, status: str = FreightStatus.OPEN,
                        latitude: float | None = None, longitude: float | None = None) -> FreightNode:
    if not actor.can(Perm.MANAGE_SUPPLIES):
        raise ServiceError.forbidden()
    name = _text(name, "name", 100)
    if len(name) < 2:
        raise ServiceError.one("name", "请填写名称", "Name the node", "missing")
    if kind not in FreightKind.values:
        raise ServiceError.one("kind", "未知的节点类型", "Unknown node type")
    if status not in FreightStatus.values:
        raise ServiceError.one("status", "未知的状态", "Unknown status")
    with transaction.atomic():
        node = FreightNode(name=name, kind=kind, status=status, latitude=latitude, longitude=longitude,
                           status_changed_at=timezone.now())
        node.locate_at(_place(actor, place_id))
        node.save()
        audit(actor, AuditAction.CREATE, "freight_node", node.pk)
    return node


def freight_node_set_status(*, actor, node_id, status: str, reason: str = "", now=None) -> FreightNode:
    """Open or close a node, with the reason (a closing must say why)."""
    if not actor.can(Perm.MANAGE_SUPPLIES):
        raise ServiceError.forbidden()
    if status not in FreightStatus.values:
        raise ServiceError.one("status", "未知的状态", "Unknown status")
    reason = _text(reason, "reason")
    if status == FreightStatus.CLOSED and len(reason) < 2:
        raise ServiceError.one("reason", "关停须说明理由", "A closing must state its reason", "missing")
    with transaction.atomic():
        node = get_scoped(FreightNode.objects.for_user(actor, Perm.MANAGE_SUPPLIES).select_for_update(), node_id)
        node.status, node.status_reason, node.status_changed_at = status, reason, now or timezone.now()
        node.save(update_fields=["status", "status_reason", "status_changed_at"])
        audit(actor, AuditAction.UPDATE, "freight_node", node.pk, detail={"status": status})
    return node


def freight_nodes_for(user) -> QuerySet:
    return FreightNode.objects.for_user(user, Perm.VIEW_SUPPLIES).select_related("place")


def zones_of(nodes, now=None) -> dict[int, str]:
    """node id → the strictest zone of the measures in force covering its place (a building measure covers none)."""
    measures = [(m.place_id, m.zone) for m, _ in in_force(now or timezone.now()) if m.building_id is None]
    out = {}
    for n in nodes:
        around = {n.place_id} | {i for i in (n.city_id, n.district_id, n.street_id, n.community_id, n.grid_id) if i}
        out[n.pk] = reopening.strictest([zone for place_id, zone in measures if place_id in around])
    return out


def freight_overview(user, now=None) -> tuple[list[dict], list[FreightNode]]:
    """Every node of the jurisdiction with its zone and whether it may open; and the reopening list."""
    nodes = list(freight_nodes_for(user))
    zones = zones_of(nodes, now)
    rows = [{"node": n, "zone": zones[n.pk], "may_open": reopening.may_open(zones[n.pk], n.kind)} for n in nodes]
    ids = set(reopening.to_reopen([(n.pk, n.kind, n.status, zones[n.pk]) for n in nodes]))
    return rows, [n for n in nodes if n.pk in ids]
