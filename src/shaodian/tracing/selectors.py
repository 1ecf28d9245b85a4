"""Reads of cases, contacts and monitoring, scoped by the residents' jurisdiction."""

from django.db.models import QuerySet

from shaodian.errors import NotFound
from shaodian.security.roles import Perm
from shaodian.security.scope import scope_q
from shaodian.tracing.models import Case, CaseStatus, Contact, ContactStatus, Monitoring, MonitoringStatus


def _by_resident(user, qs: QuerySet, perm: Perm = Perm.VIEW_CASES) -> QuerySet:
    q = scope_q(user)
    if q is None or not user.can(perm):
        return qs.none()
    kind, node = user.node.kind, user.node_id
    return qs.filter(**{f"resident__{kind}_id": node})


def cases_for(user) -> QuerySet:
    return _by_resident(user, Case.objects.select_related("resident"))


def case_get(user, pk) -> Case:
    try:
        return cases_for(user).get(pk=int(pk))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def contacts_for(user) -> QuerySet:
    return _by_resident(user, Contact.objects.select_related("resident", "case"))


def monitoring_for(user) -> QuerySet:
    return _by_resident(user, Monitoring.objects.select_related("resident"))


def health_flags(resident_id: int) -> set[str]:
    """What a checkpoint must know about one person (no details): case, close contact, monitoring."""
    flags = set()
    if Case.objects.filter(resident_id=resident_id, status=CaseStatus.ACTIVE).exists():
        flags.add("case")
    for reason in Monitoring.objects.filter(resident_id=resident_id, status=MonitoringStatus.ACTIVE).values_list(
        "reason", flat=True
    ):
        flags.add("close_contact" if reason == "close_contact" else "monitoring")
    if Contact.objects.filter(resident_id=resident_id, status=ContactStatus.CONFIRMED, degree=1).exists() and not flags:
        flags.add("close_contact")
    return flags


def chain_of(user, case: Case, depth: int = 4):
    """The chain around a case: where it came from, its contacts, the cases they became, and so on."""
    from shaodian.security.crypto import mask_name
    from shaodian.tracing.chain import Node

    visible = set(_by_resident(user, Case.objects.all()).values_list("resident_id", flat=True))
    q = scope_q(user)
    nodes: dict[str, Node] = {}
    edges: list[tuple[str, str]] = []

    def person_label(resident) -> str:
        inside = q is not None and user.can(Perm.VIEW_CASES) and getattr(resident, f"{user.node.kind}_id") == user.node_id
        return mask_name(resident.name) if inside else "辖区外"

    def add_case(c: Case) -> str:
        key = f"case:{c.pk}"
        if key not in nodes:
            url = f"/tracing/cases/{c.pk}/" if c.resident_id in visible else ""
            nodes[key] = Node(key, f"{person_label(c.resident)} {c.get_kind_display()}", "case", url)
        return key

    root = case
    # Walk up to the first case of the chain (a case whose source is a contact of another case).
    for _ in range(depth):
        if root.source_id is None:
            break
        parent = Case.objects.select_related("resident").filter(pk=root.source.case_id).first()
        if parent is None:
            break
        root = parent
    frontier = [root]
    add_case(root)
    for _ in range(depth):
        nxt = []
        for c in frontier:
            ckey = add_case(c)
            contacts = (Contact.objects.filter(case=c, degree=1, status=ContactStatus.CONFIRMED)
                        .select_related("resident"))
            became = {x.source_id: x for x in Case.objects.filter(source__case=c).select_related("resident", "source")}
            for k in contacts:
                if k.pk in became:
                    child = became[k.pk]
                    edges.append((ckey, add_case(child)))
                    nxt.append(child)
                    continue
                key = f"contact:{k.pk}"
                nodes[key] = Node(key, person_label(k.resident), "close")
                edges.append((ckey, key))
                secondary = Contact.objects.filter(via=k, status=ContactStatus.CONFIRMED).count()
                if secondary:
                    skey = f"secondary:{k.pk}"
                    nodes[skey] = Node(skey, f"{secondary} 次密接", "secondary")
                    edges.append((key, skey))
            # Proposals are not records yet: one node says how many wait for a person's decision.
            waiting = Contact.objects.filter(case=c, degree=1, status=ContactStatus.PROPOSED).count()
            if waiting:
                wkey = f"proposed:{c.pk}"
                nodes[wkey] = Node(wkey, f"{waiting} 待确认", "proposed", f"/tracing/cases/{c.pk}/#contacts")
                edges.append((ckey, wkey))
        frontier = nxt
        if not frontier:
            break
    return list(nodes.values()), edges, f"case:{root.pk}"
