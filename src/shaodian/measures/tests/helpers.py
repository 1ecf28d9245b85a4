"""Walk a measure through its lifecycle with the services, on a building of grid_a, under a frozen clock."""

import datetime as dt

from django.db.models import Count

from shaodian.measures import services, votes
from shaodian.measures.models import Measure
from shaodian.people.models import CareNote, Resident
from shaodian.places.models import Building

BASIS = "《中华人民共和国传染病防治法》第四十二条"
STAGES = ("draft", "evaluated", "legal_review", "legal_passed", "approved", "voted", "gated", "notice_published",
          "in_force")


def building_of(user) -> Building:
    """A building of the user's grid with a fair number of residents."""
    return (Building.objects.filter(grid_id=user.node_id)
            .annotate(n=Count("units__households__current_residents")).filter(n__gte=5).order_by("pk").first())


def residents_in(building) -> list[Resident]:
    return list(Resident.objects.filter(household__unit__building=building).order_by("pk"))


def make_dialysis_patient(building, *, carer: str = "") -> Resident:
    """The first resident of the building becomes a dialysis patient, with or without a carer."""
    r = residents_in(building)[0]
    r.tags = ",dialysis,"
    r.save(update_fields=["tags"])
    CareNote.objects.filter(resident=r).delete()
    CareNote.objects.create(resident=r, group="dialysis", note="每周一三五血液透析", carer_name=carer)
    return r


def propose(users, building, clock, *, days: int = 7, lead: dt.timedelta = dt.timedelta(days=2), **kw) -> Measure:
    from django.utils import timezone

    now = timezone.now()
    by = kw.pop("by", "staff_a")
    args = {"zone": "sealed", "static_level": "sealed", "restrictions": ["stay_at_home", "entry_verification"],
            "reason": "楼内确诊病例，阻断传播", "supply_plan": "志愿者每日送货上门", **kw}
    return services.measure_propose(actor=users[by], building_id=building.pk,
                                    starts_at=now + lead, ends_at=now + lead + dt.timedelta(days=days), **args)


def close_gaps(users, m):
    """Name a carer and plans for everyone the gate would hold."""
    from shaodian.measures import area, lifecycle

    people = area.special_group_people(users["staff_a"], m)
    pending = {g.person_id for g in lifecycle.gate_gaps([p for _r, p in people])}
    for r, p in people:
        if p.person_id in pending:
            services.care_assign(actor=users["staff_a"], measure_id=m.pk, resident_id=r.pk, carer_name="邻居王阿姨",
                                 supply_plan="志愿者送货上门", medical_plan="社区卫生服务中心上门")


def advance(users, m: Measure, clock, upto: str) -> Measure:
    """Take a freshly proposed building measure up to the named stage (see STAGES), one minute per step."""
    step = dt.timedelta(minutes=1)
    goal = STAGES.index(upto)
    for stage in STAGES[1:goal + 1]:
        clock.tick(step)
        if stage == "evaluated":
            services.measure_evaluate(actor=users["cdc"], measure_id=m.pk, risk_evidence=["楼内1例确诊，密接3人"],
                                      businesses_affected=1)
        elif stage == "legal_review":
            services.measure_submit(actor=users["staff_a"], measure_id=m.pk)
        elif stage == "legal_passed":
            services.measure_legal_approve(actor=users["legal"], measure_id=m.pk, legal_basis=[BASIS])
        elif stage == "approved":
            services.measure_approve(actor=users["street_a"], measure_id=m.pk)
        elif stage == "voted" and services.state_of(Measure.objects.get(pk=m.pk)).needs_vote:
            for _h, _a, raw in votes.vote_open(actor=users["staff_a"], measure_id=m.pk)[:5]:
                votes.vote_cast(token=raw, approve=True)
            votes.vote_close(actor=users["staff_a"], measure_id=m.pk)
        elif stage == "gated":
            close_gaps(users, m)
            services.gate_check(actor=users["staff_a"], measure_id=m.pk)
        elif stage == "notice_published":
            state = services.state_of(Measure.objects.get(pk=m.pk))
            services.measure_publish_notice(actor=users["staff_a"], measure_id=m.pk, reason="楼内确诊病例",
                                            starts_at=state.starts_at, ends_at=state.ends_at)
        elif stage == "in_force":
            state = services.state_of(Measure.objects.get(pk=m.pk))
            clock.move_to(state.starts_at)
            services.measure_enter_force(actor=users["street_a"], measure_id=m.pk)
    return Measure.objects.get(pk=m.pk)
