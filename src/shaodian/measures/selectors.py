"""Reads of measures and closures, scoped by the user; and the public register."""

import datetime as dt

from django.db.models import Q, QuerySet

from shaodian.measures import area, codec, labels, lifecycle
from shaodian.measures.models import Closure, Measure, MeasureStatus
from shaodian.measures.presenters import visible_names
from shaodian.measures.rules import RESTRICTION_LABELS, Restriction
from shaodian.places.models import scope_lookup
from shaodian.security.audit import audit_list
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped


def _covering(user) -> Q | None:
    """Measures inside the user's subtree, or placed on a node above it (a measure covering the user's area)."""
    lookup = scope_lookup(user)
    if lookup is None:
        return None
    node = user.node
    above = {node.city_id, node.district_id, node.street_id, node.community_id} - {None, node.pk}
    return Q(**lookup) | Q(place_id__in=above, building__isnull=True) if above else Q(**lookup)


def measures_for(user) -> QuerySet:
    q = _covering(user)
    if q is None or not user.can(Perm.VIEW_MEASURES):
        return Measure.objects.none()
    return Measure.objects.filter(q).select_related("place")


def public_measures_near(user, now: dt.datetime, limit: int) -> list[Measure]:
    """Announced and in-force measures covering the user's own area: public notices, narrowed to where they serve."""
    q = _covering(user)
    if q is None:
        return []
    public = (MeasureStatus.NOTICE_PUBLISHED, MeasureStatus.IN_FORCE)
    return list(Measure.objects.filter(q, status__in=public, ends_at__gt=now).order_by("starts_at", "pk")[:limit])


def measure_get(user, pk) -> Measure:
    return get_scoped(measures_for(user), pk)


def closures_for(user) -> QuerySet:
    return Closure.objects.for_user(user, Perm.VIEW_MEASURES).select_related("place", "measure")


def closure_get(user, pk) -> Closure:
    return get_scoped(closures_for(user), pk)


# --- the public register (no login, no personal data) ---------------------------------------


def in_force(now: dt.datetime) -> list[tuple[Measure, lifecycle.MeasureState]]:
    """Measures in force at `now` by the lifecycle's own reading: one past its end is already gone."""
    rows = Measure.objects.filter(status=MeasureStatus.IN_FORCE, starts_at__lte=now, ends_at__gt=now).order_by(
        "area_name", "pk")
    out = []
    for m in rows:
        state = codec.load(m.state)
        if lifecycle.is_in_force(state, now):
            out.append((m, state))
    return out


def _restriction_labels(codes) -> list[dict]:
    return [{"code": str(c), "zh": RESTRICTION_LABELS[Restriction(c)].zh, "en": RESTRICTION_LABELS[Restriction(c)].en}
            for c in codes]


def announced(now: dt.datetime) -> list[tuple[Measure, lifecycle.MeasureState]]:
    """Measures whose notice is out but whose start has not come: the public must see them before they bind."""
    rows = Measure.objects.filter(status=MeasureStatus.NOTICE_PUBLISHED, ends_at__gt=now).order_by("starts_at", "pk")
    out = []
    for m in rows:
        state = codec.load(m.state)
        if lifecycle.effective_status(state, now) == lifecycle.Status.NOTICE_PUBLISHED and state.notice is not None:
            out.append((m, state))
    return out


REGISTER_STATES = ("announced", "in_force")


def register_items(now: dt.datetime) -> list[dict]:
    """The register's rows, announced first then in force: area, zone, restrictions, reason, legal basis, term,
    notice and hotline only."""
    items = []
    for when, rows in (("announced", announced(now)), ("in_force", in_force(now))):
        for m, state in rows:
            notice = state.notice
            items.append({
                "area": m.area_name,
                "level": m.zone,
                "state": when,
                "restrictions": _restriction_labels(state.restrictions),
                "reason": notice.reason if notice else m.reason,
                "legal_basis": list(state.legal_review.legal_basis) if state.legal_review else [],
                "starts_at": state.starts_at,
                "ends_at": state.ends_at,
                "published_at": notice.published_at if notice else None,
                "notice": notice_text(m, state),
                "hotline": m.hotline,
            })
    return items


ZONE_ZH = {"sealed": "封控区", "controlled": "管控区", "precaution": "防范区"}


def notice_text(m: Measure, state: lifecycle.MeasureState) -> str:
    """The notice as published (公告): reason, restrictions, term, legal basis, complaint channel."""
    if state.notice is None:
        return ""
    tz = dt.timezone(dt.timedelta(hours=8))
    fmt = "%Y-%m-%d %H:%M"
    restrictions = "；".join(RESTRICTION_LABELS[Restriction(r)].zh for r in state.notice.restrictions)
    basis = "、".join(state.legal_review.legal_basis) if state.legal_review else ""
    return (f"关于{m.area_name}实行{ZONE_ZH.get(m.zone, m.zone)}管理的公告：{state.notice.reason}。"
            f"措施：{restrictions}。期限：{state.starts_at.astimezone(tz):{fmt}} 至 {state.ends_at.astimezone(tz):{fmt}}"
            f"（到期自动解除）。依据：{basis}。投诉与求助：{m.hotline}。")


def gate_people(user, measure: Measure) -> tuple[list[dict], int]:
    """The special-group people inside whom the user may see, each with their carer, plans and whether the gate
    is closed for them; and how many others are hidden. The list shown is audited like any list of residents."""
    people = area.special_group_people(user, measure)
    names = visible_names(user, [p.person_id for _r, p in people])
    pending = {g.person_id for g in lifecycle.gate_gaps([p for _r, p in people])}
    rows = [{"id": p.person_id, "name": names[p.person_id],
             "groups": [labels.label(labels.GROUP_LABELS, g) for g in sorted(p.groups)],
             "carer": p.carer or "", "supply": p.supply_plan or "", "medical": p.medical_plan or "",
             "ok": p.person_id not in pending} for _r, p in people if p.person_id in names]
    if rows:
        audit_list(user, "resident", [int(r["id"]) for r in rows], query={"measure_gate": measure.pk})
    return rows, len(people) - len(rows)
