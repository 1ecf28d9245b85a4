"""Reads of cases, contacts and monitoring, scoped by the residents' jurisdiction."""

import datetime as dt

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext

from shaodian.checkpoints.models import Checkpoint
from shaodian.security.crypto import mask_name
from shaodian.places.models import scope_lookup
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped, scoped
from shaodian.tracing.models import Case, Contact, ContactExposure, ContactStatus, Exemption, Monitoring, MonitoringStatus


def _by_resident(user, qs: QuerySet, perm: Perm = Perm.VIEW_CASES) -> QuerySet:
    return scoped(user, qs, perm, via="resident__")


def cases_for(user) -> QuerySet:
    return _by_resident(user, Case.objects.select_related("resident"))


def case_get(user, pk) -> Case:
    return get_scoped(cases_for(user), pk)


def contacts_for(user) -> QuerySet:
    return _by_resident(user, Contact.objects.select_related("resident", "case"))


def monitoring_for(user) -> QuerySet:
    return _by_resident(user, Monitoring.objects.select_related("resident"))


# Past this many confirmed contacts of one case, the drawing shows one node with the rest's count.
CHAIN_CONTACTS_SHOWN = 20


def chain_of(user, case: Case, depth: int = 4):
    """The chain around a case: where it came from, its contacts, the cases they became, and so on.

    At most 1 + 4 queries a generation, whatever the number of contacts.
    """
    from shaodian.tracing.chain import Node

    nodes: dict[str, Node] = {}
    edges: list[tuple[str, str]] = []
    inside_area = scope_lookup(user) is not None and user.can(Perm.VIEW_CASES)

    def inside(resident) -> bool:
        return inside_area and getattr(resident, f"{user.node.kind}_id") == user.node_id

    def person_label(resident) -> str:
        return mask_name(resident.name) if inside(resident) else gettext("outside your area")

    def add_case(c: Case) -> str:
        key = f"case:{c.pk}"
        if key not in nodes:
            url = f"/tracing/cases/{c.pk}/" if inside(c.resident) else ""
            nodes[key] = Node(key, f"{person_label(c.resident)} {c.get_kind_display()}", "case", url)
        return key

    root = case
    # Walk up to the first case of the chain (a case whose source is a contact of another case).
    for _ in range(depth):
        if root.source_id is None:
            break
        parent = (Case.objects.select_related("resident")
                  .filter(pk=Subquery(Contact.objects.filter(pk=root.source_id).values("case_id")[:1])).first())
        if parent is None:
            break
        root = parent
    frontier = [root]
    add_case(root)
    for _ in range(depth):
        ids = [c.pk for c in frontier]
        contacts = list(Contact.objects.filter(case__in=ids, degree=1, status=ContactStatus.CONFIRMED)
                        .select_related("resident").order_by("case_id", "-minutes", "pk"))
        became = {x.source_id: x for x in Case.objects.filter(source__case__in=ids).select_related("resident")}
        secondary = dict(Contact.objects.filter(via__case__in=ids, status=ContactStatus.CONFIRMED)
                         .values_list("via_id").annotate(n=Count("pk")).values_list("via_id", "n"))
        waiting = dict(Contact.objects.filter(case__in=ids, degree=1, status=ContactStatus.PROPOSED)
                       .values_list("case_id").annotate(n=Count("pk")).values_list("case_id", "n"))
        by_case: dict[int, list[Contact]] = {}
        for k in contacts:
            by_case.setdefault(k.case_id, []).append(k)
        nxt = []
        for c in frontier:
            ckey = add_case(c)
            shown = 0
            for k in by_case.get(c.pk, []):
                if k.pk in became:
                    child = became[k.pk]
                    edges.append((ckey, add_case(child)))
                    nxt.append(child)
                    continue
                if shown == CHAIN_CONTACTS_SHOWN:
                    continue
                shown += 1
                key = f"contact:{k.pk}"
                nodes[key] = Node(key, person_label(k.resident), "close")
                edges.append((ckey, key))
                if secondary.get(k.pk):
                    skey = f"secondary:{k.pk}"
                    nodes[skey] = Node(skey, gettext("%(n)d secondary") % {"n": secondary[k.pk]}, "secondary")
                    edges.append((key, skey))
            more = len(by_case.get(c.pk, [])) - shown - sum(1 for k in by_case.get(c.pk, []) if k.pk in became)
            if more > 0:
                mkey = f"more:{c.pk}"
                nodes[mkey] = Node(mkey, gettext("%(n)d more close contacts") % {"n": more}, "close",
                                   f"/tracing/cases/{c.pk}/?status=confirmed#contacts")
                edges.append((ckey, mkey))
            # Proposals are not records yet: one node says how many wait for a person's decision.
            if waiting.get(c.pk):
                wkey = f"proposed:{c.pk}"
                nodes[wkey] = Node(wkey, gettext("%(n)d to confirm") % {"n": waiting[c.pk]}, "proposed",
                                   f"/tracing/cases/{c.pk}/?status=proposed#contacts")
                edges.append((ckey, wkey))
        frontier = nxt
        if not frontier:
            break
    return list(nodes.values()), edges, f"case:{root.pk}"


def case_contacts(user, case: Case, *, status: str = "", degree: str = "", min_score: float | None = None,
                  place: int | None = None, day: dt.date | None = None, sort: str = "score") -> QuerySet:
    """The contacts of one case a page lists: filtered by status, degree, score, place and day; sorted."""
    qs = contacts_for(user).filter(case=case).annotate(exemption=Subquery(
        Monitoring.objects.filter(contact=OuterRef("pk"), status=MonitoringStatus.ACTIVE).exclude(exemption="")
        .values("exemption")[:1]))
    if status:
        qs = qs.filter(status=status)
    if degree:
        qs = qs.filter(degree=int(degree))
    if min_score is not None:
        qs = qs.filter(minutes__gte=min_score)
    if place or day:
        met = ContactExposure.objects.filter(contact=OuterRef("pk"))
        if place:
            met = met.filter(checkpoint_id=place)
        if day:
            tz = timezone.get_current_timezone()
            start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
            # An exposure on that day (local time) is one that overlaps it.
            met = met.filter(start__lt=start + dt.timedelta(days=1), end__gte=start)
        qs = qs.filter(Exists(met))
    if sort == "recent":
        qs = qs.annotate(last=Max("exposures__end")).order_by(F("last").desc(nulls_last=True), "pk")
    elif sort == "score_asc":
        qs = qs.order_by("minutes", "pk")
    else:
        qs = qs.order_by("-minutes", "degree", "pk")
    return qs


def case_places(user, case: Case) -> list[tuple[int, str]]:
    """The places where this case met its contacts (for the place filter), by name."""
    if not user.can(Perm.VIEW_CASES):
        return []
    return list(Checkpoint.objects.filter(
        pk__in=ContactExposure.objects.filter(contact__case=case).values("checkpoint_id")
    ).order_by("name", "pk").values_list("pk", "name"))


def with_exposures(contacts) -> list:
    """Attach each contact's exposures with their places' names, in one query (and the label of an exemption
    from quarantine that `case_contacts` found)."""
    prefetch_related_objects(list(contacts), Prefetch(
        "exposures", queryset=ContactExposure.objects.select_related("checkpoint").only(
            "contact_id", "start", "end", "minutes", "checkpoint__name")))
    for c in contacts:
        c.exemption_label = Exemption(c.exemption).label if getattr(c, "exemption", "") else ""
    return contacts
