"""The measures story of the demo city: everything through the services, on a moving clock.

1. the building of the first demo case is sealed with its evidence, after a vote, and is in force;
2. a measure held at the gate until a dialysis patient got a carer, then in force;
3. a community precaution measure that passed a resident vote (notice published, starting tomorrow);
4. a measure that expired by itself (the worker persisted it);
5. a closure on a fire lane refused, and a lawful closure with its emergency channel.
The public register then shows 1 and 2. Called after the tracing story (needs its cases).
"""

import datetime as dt
import random

from django.db.models import Count
from django.utils import timezone

from shaodian.measures import area, closures, lifecycle, services, votes
from shaodian.people.models import CareNote, Resident
from shaodian.places.models import Building, Place
from shaodian.security.models import User
from shaodian.tracing.models import Case

BASIS = ("《中华人民共和国传染病防治法》第四十二条", "《突发公共卫生事件应急条例》第三十三条")


class Clock:
    """The story's own time, passed as `now` to every service (the demo must not need freezegun)."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def tick(self, delta) -> None:
        self.now += delta if isinstance(delta, dt.timedelta) else dt.timedelta(seconds=delta)

    def move_to(self, when: dt.datetime) -> None:
        self.now = max(self.now, when)


def _u(name: str) -> User:
    return User.objects.select_related("node").get(username=name)


def _close_gaps(clock, staff, measure, *, skip=()):
    people = area.special_group_people(staff, measure)
    pending = {g.person_id for g in lifecycle.gate_gaps([p for _r, p in people])}
    for r, p in people:
        if p.person_id in pending and r.pk not in skip:
            services.care_assign(now=clock.now, actor=staff, measure_id=measure.pk, resident_id=r.pk, carer_name="网格志愿者",
                                 supply_plan="志愿者每日送货上门", medical_plan="社区卫生服务中心每日电话随访")


def _prepare(clock, measure, *, evidence, businesses=0, vote=True, approver="street_a", rng=None, skip_gaps=()):
    staff, step = _u("staff_a"), dt.timedelta(minutes=7)
    clock.tick(step)
    services.measure_evaluate(now=clock.now, actor=_u("cdc"), measure_id=measure.pk, risk_evidence=evidence,
                              businesses_affected=businesses)
    clock.tick(step)
    services.measure_submit(now=clock.now, actor=staff, measure_id=measure.pk)
    clock.tick(step)
    services.measure_legal_approve(now=clock.now, actor=_u("legal"), measure_id=measure.pk, legal_basis=BASIS,
                                   opinion="范围限于病例所在区域，期限明确，保留就医通道，合法适当。")
    clock.tick(step)
    services.measure_approve(now=clock.now, actor=_u(approver), measure_id=measure.pk)
    if vote and services.state_of(measure.__class__.objects.get(pk=measure.pk)).needs_vote:
        links = votes.vote_open(now=clock.now, actor=staff, measure_id=measure.pk)
        for _h, _a, raw in links:
            if rng.random() < 0.6:  # not every household votes
                clock.tick(dt.timedelta(seconds=5))
                votes.vote_cast(now=clock.now, token=raw, approve=rng.random() < 0.85)
        clock.tick(step)
        votes.vote_close(now=clock.now, actor=staff, measure_id=measure.pk)
    _close_gaps(clock, staff, measure, skip=skip_gaps)
    clock.tick(step)
    services.gate_check(now=clock.now, actor=staff, measure_id=measure.pk)


def _notice(clock, measure, reason):
    clock.tick(dt.timedelta(minutes=7))
    state = services.state_of(measure.__class__.objects.get(pk=measure.pk))
    services.measure_publish_notice(now=clock.now, actor=_u("staff_a"), measure_id=measure.pk, reason=reason,
                                    starts_at=state.starts_at, ends_at=state.ends_at)
    return state


def build_measures_story(rng: random.Random) -> dict:
    """Build the five measures and the closures; returns their ids (for tests and the demo note)."""
    staff = _u("staff_a")
    case = Case.objects.filter(resident__community_id=staff.node_id).select_related("resident__household__unit").order_by(
        "pk").first()
    if case is None:
        return {}
    sealed_building = case.resident.household.unit.building
    others = list(Building.objects.filter(community_id=staff.node_id).exclude(pk=sealed_building.pk)
                  .annotate(n=Count("units__households__current_residents")).filter(n__gte=8).order_by("pk")[:3])
    if len(others) < 2:
        return {}
    gate_building, old_building = others[0], others[1]
    real_now = timezone.now()
    out = {}
    # Start six days back so the expired measure lived its whole term before "now".
    # A chapter of the story on its own clock.
    clock = Clock(real_now - dt.timedelta(days=6))
    t0 = clock.now

    # 4. expired by itself: 2 days of controlled measures, proposed and run in the past.
    m4 = services.measure_propose(now=clock.now, 
        actor=staff, building_id=old_building.pk, zone="controlled", static_level="controlled",
        restrictions=["entry_verification", "stay_in_area"], reason="密接居住楼栋，7日内观察",
        supply_plan="物资配送到楼门口，错峰领取", starts_at=t0 + dt.timedelta(hours=30),
        ends_at=t0 + dt.timedelta(days=3, hours=6))
    _prepare(clock, m4, evidence=["楼内居住密接2人，已集中隔离"], rng=rng)
    state = _notice(clock, m4, "楼内居住密接，实行管控")
    clock.move_to(state.starts_at)
    services.measure_enter_force(now=clock.now, actor=_u("street_a"), measure_id=m4.pk)
    clock.move_to(state.ends_at + dt.timedelta(minutes=5))
    services.measures_expire(clock.now)
    out["expired"] = m4.pk

    # A chapter of the story on its own clock.
    clock = Clock(real_now - dt.timedelta(days=2))
    t0 = clock.now
    # 1. the case's building, sealed, with its evidence.
    m1 = services.measure_propose(now=clock.now, 
        actor=staff, building_id=sealed_building.pk, zone="sealed", static_level="sealed",
        restrictions=["stay_at_home", "entry_verification"], reason="楼内确诊病例，阻断楼内传播",
        supply_plan="志愿者每日送货上门（最后一百米）", starts_at=t0 + dt.timedelta(hours=30),
        ends_at=t0 + dt.timedelta(days=8))
    _prepare(clock, m1, rng=rng, businesses=0, evidence=[
        f"确诊病例1例居住本楼（{case.test_date:%m月%d日}检出）", "密接已全部确认并转运", "楼栋为最小可控单元，不扩大至小区"])

    # 2. held at the gate: a dialysis patient without a carer.
    patient = Resident.objects.filter(household__unit__building=gate_building).order_by("pk").first()
    patient.tags = ",".join(["", *sorted(set(patient.tag_list) | {"dialysis"}), ""])
    patient.save(update_fields=["tags"])
    CareNote.objects.update_or_create(resident=patient, group="dialysis", defaults={
        "note": "每周一、三、五上午血液透析（区医院肾内科）", "carer_name": ""})
    m2 = services.measure_propose(now=clock.now, 
        actor=staff, building_id=gate_building.pk, zone="controlled", static_level="controlled",
        restrictions=["entry_verification", "stay_in_area", "staggered_pickup"], reason="病例活动楼栋，管控观察",
        supply_plan="物资配送到楼门口，错峰领取", starts_at=t0 + dt.timedelta(hours=31),
        ends_at=t0 + dt.timedelta(days=7))
    _prepare(clock, m2, rng=rng, evidence=["病例到访本楼，密接1人居住于此"], skip_gaps={patient.pk})
    state1 = _notice(clock, m1, "楼内确诊病例，实行封控")
    state2 = _notice(clock, m2, "病例活动楼栋，实行管控")
    clock.move_to(state1.starts_at)
    services.measure_enter_force(now=clock.now, actor=_u("street_a"), measure_id=m1.pk)
    clock.move_to(state2.starts_at)
    try:
        services.measure_enter_force(now=clock.now, actor=_u("street_a"), measure_id=m2.pk)
    except Exception:  # noqa: BLE001 — the refusal is the story: the gate holds it
        pass
    clock.tick(dt.timedelta(hours=1))
    services.care_assign(now=clock.now, actor=staff, measure_id=m2.pk, resident_id=patient.pk, carer_name="女儿（已登记）",
                         supply_plan="志愿者送货上门", medical_plan="透析日专车接送，发放透析通行证")
    clock.tick(dt.timedelta(minutes=10))
    services.gate_check(now=clock.now, actor=staff, measure_id=m2.pk)
    clock.tick(dt.timedelta(minutes=5))
    services.measure_enter_force(now=clock.now, actor=_u("street_a"), measure_id=m2.pk)
    out |= {"sealed": m1.pk, "gated": m2.pk}

    # A chapter of the story on its own clock.
    clock = Clock(real_now - dt.timedelta(hours=6))
    t0 = clock.now
    # 3. community precaution measure with a resident vote, starting in 2 days.
    m3 = services.measure_propose(now=clock.now, 
        actor=staff, place_id=staff.node_id, zone="precaution", static_level="precaution",
        restrictions=["entry_verification", "gathering_limit"], reason="社区内出现病例，加强出入查验",
        starts_at=t0 + dt.timedelta(days=2), ends_at=t0 + dt.timedelta(days=9))
    _prepare(clock, m3, rng=rng, businesses=12, evidence=["社区内确诊1例、无症状2例", "密接均已管控"])
    _notice(clock, m3, "社区内出现病例，加强防范")
    out["voted"] = m3.pk

    # 5. closures: a fire lane refused; a staffed gate with its emergency channel recorded.
    grids = list(Place.objects.filter(community_id=staff.node_id, kind="grid").order_by("code"))
    lane = grids[-1]
    lane.flags = ",fire_lane,"
    lane.save(update_fields=["flags"])
    try:
        closures.closure_create(now=clock.now, actor=staff, place_id=lane.pk, description="小区北侧消防通道",
                                closure_type="movable_barrier", emergency_channel="南门")
    except Exception:  # noqa: BLE001 — refused by the negative list, and the attempt is audited
        pass
    closures.closure_create(now=clock.now, actor=staff, place_id=sealed_building.grid_id,
                            description=f"{sealed_building.name}单元门", closure_type="staffed_checkpoint",
                            emergency_channel="楼栋东侧应急通道（24小时值守，可随时开启）",
                            on_duty_contact="社区值班室", measure_id=m1.pk)
    return out
