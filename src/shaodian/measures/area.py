"""What lies inside a measure's area: households, residents, the special-group list and the zone evidence.

Households and residents are read through people's selectors, as the acting user.
"""

from django.db.models import QuerySet

from shaodian.measures import lifecycle
from shaodian.measures.models import CareAssignment, Measure, ZoneLevel
from shaodian.people import selectors as people
from shaodian.places.models import Unit
from shaodian.risk import matrix as risk
from shaodian.tracing.models import Case, CaseStatus, Contact, ContactStatus

SG = lifecycle.SpecialGroup
# Resident tags the gate looks after (MEA-4). A bedridden person needs what a disabled one needs.
# Children live with their guardians and are not listed one by one.
GATE_TAGS: dict[str, lifecycle.SpecialGroup] = {
    "elderly_alone": SG.ELDERLY_ALONE, "pregnant": SG.PREGNANT, "dialysis": SG.DIALYSIS, "insulin": SG.INSULIN,
    "chronic": SG.CHRONIC, "disabled": SG.DISABLED, "bedridden": SG.DISABLED,
}
MEDICAL_TAGS = {t for t, g in GATE_TAGS.items() if g in lifecycle.MEDICAL_GROUPS}


def of(measure: Measure) -> people.Area:
    return people.Area(measure.place.kind, measure.place_id, measure.building_id, measure.unit_id)


def households(user, measure: Measure) -> QuerySet:
    return people.households_in(user, of(measure))


def ballot_household_ids(measure: Measure) -> set[str]:
    return people.household_ids_for_ballot(of(measure))


def resident_count(user, measure: Measure) -> int:
    return people.resident_count_in(user, of(measure))


def units(measure: Measure) -> QuerySet:
    if measure.unit_id:
        return Unit.objects.filter(pk=measure.unit_id)
    if measure.building_id:
        return Unit.objects.filter(building_id=measure.building_id)
    return Unit.objects.filter(**{f"{measure.place.kind}_id": measure.place_id})


def special_group_people(user, measure: Measure) -> list[tuple[object, lifecycle.SpecialGroupPerson]]:
    """Every special-group resident inside, with the carer and plans known today (care notes, then the gate's)."""
    from shaodian.security.models import User

    residents = people.special_group_in(user, of(measure), GATE_TAGS)
    assigned = {c.resident_id: c for c in CareAssignment.objects.filter(measure=measure)}
    grids = {r.grid_id for r in residents}
    workers: dict[int, int] = {}
    for pk, node in User.objects.filter(role="grid_worker", node_id__in=grids, is_active=True).order_by("pk").values_list(
            "pk", "node_id"):
        workers.setdefault(node, pk)
    out = []
    for r in residents:
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
