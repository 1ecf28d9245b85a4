"""What lies inside a measure's area: households, residents, the special-group list and the zone evidence."""

from django.db.models import Q, QuerySet

from shaodian.measures import lifecycle, risk
from shaodian.measures.models import CareAssignment, Measure, ZoneLevel
from shaodian.people.models import Resident
from shaodian.places.models import Household, Unit
from shaodian.security.models import User
from shaodian.tracing.models import Case, CaseStatus, Contact, ContactStatus

SG = lifecycle.SpecialGroup
# Resident tags the gate looks after (MEA-4). A bedridden person needs what a disabled one needs.
# Children live with their guardians and are not listed one by one.
GATE_TAGS: dict[str, lifecycle.SpecialGroup] = {
    "elderly_alone": SG.ELDERLY_ALONE, "pregnant": SG.PREGNANT, "dialysis": SG.DIALYSIS, "insulin": SG.INSULIN,
    "chronic": SG.CHRONIC, "disabled": SG.DISABLED, "bedridden": SG.DISABLED,
}
MEDICAL_TAGS = {t for t, g in GATE_TAGS.items() if g in lifecycle.MEDICAL_GROUPS}


def _filter(measure: Measure, prefix: str = "") -> Q:
    """Rows of households (prefix "") or residents (prefix "household__") inside the area."""
    if measure.unit_id:
        return Q(**{f"{prefix}unit_id": measure.unit_id})
    if measure.building_id:
        return Q(**{f"{prefix}unit__building_id": measure.building_id})
    # Households and residents carry the scope columns themselves.
    return Q(**{f"{measure.place.kind}_id": measure.place_id})


def households(measure: Measure) -> QuerySet:
    return Household.objects.filter(_filter(measure))


def residents(measure: Measure) -> QuerySet:
    return Resident.objects.filter(_filter(measure, "household__"))


def units(measure: Measure) -> QuerySet:
    if measure.unit_id:
        return Unit.objects.filter(pk=measure.unit_id)
    if measure.building_id:
        return Unit.objects.filter(building_id=measure.building_id)
    return Unit.objects.filter(**{f"{measure.place.kind}_id": measure.place_id})


def _tag_q() -> Q:
    q = Q()
    for tag in GATE_TAGS:
        q |= Q(tags__contains=f",{tag},")
    return q


def special_group_people(measure: Measure) -> list[tuple[Resident, lifecycle.SpecialGroupPerson]]:
    """Every special-group resident inside, with the carer and plans known today (care notes, then the gate's)."""
    people = list(residents(measure).filter(_tag_q()).prefetch_related("care_notes").order_by("pk"))
    assigned = {c.resident_id: c for c in CareAssignment.objects.filter(measure=measure)}
    grids = {r.grid_id for r in people}
    workers: dict[int, int] = {}
    for pk, node in User.objects.filter(role="grid_worker", node_id__in=grids, is_active=True).order_by("pk").values_list(
            "pk", "node_id"):
        workers.setdefault(node, pk)
    out = []
    for r in people:
        groups = frozenset(GATE_TAGS[t] for t in r.tag_list if t in GATE_TAGS)
        notes = list(r.care_notes.all())
        own = assigned.get(r.pk)
        carer = (own.carer_name if own else "") or next((n.carer_name for n in notes if n.carer_name), "")
        medical = (own.medical_plan if own else "") or next(
            (n.note for n in notes if n.group in MEDICAL_TAGS and n.note), "")
        supply = (own.supply_plan if own else "") or measure.supply_plan
        worker = workers.get(r.grid_id)
        out.append((r, lifecycle.SpecialGroupPerson(str(r.pk), groups, carer or None, supply or None, medical or None,
                                                    str(worker) if worker else None)))
    return out


def breadth_warning(measure: Measure) -> risk.BreadthWarning | None:
    """Warn when a sealed or controlled zone covers more buildings (units) than cases and contacts support."""
    if measure.zone == ZoneLevel.PRECAUTION:
        return None  # a precaution zone is the wider ring by definition
    label: dict[int, str] = {}
    building_of: dict[str, str] = {}
    for pk, name, address in units(measure).values_list("pk", "name", "building__address"):
        label[pk] = f"{address}{name}"
        building_of[label[pk]] = address
    if not label:
        return None
    ids = units(measure).values("pk")  # a subquery: a district has thousands of units
    evidence = [risk.Evidence(label[u], risk.EvidenceKind.CASE) for u in Case.objects.filter(
        status=CaseStatus.ACTIVE, resident__household__unit_id__in=ids).values_list("resident__household__unit_id", flat=True)]
    evidence += [risk.Evidence(label[u], risk.EvidenceKind.CLOSE_CONTACT) for u in Contact.objects.filter(
        status=ContactStatus.CONFIRMED, degree=1, resident__household__unit_id__in=ids).values_list(
        "resident__household__unit_id", flat=True)]
    granularity = "unit" if measure.unit_id else "building"
    return risk.zone_breadth_warning(label.values(), evidence, building_of, granularity=granularity)
