"""The screening story of the demo city (through the services): a street-wide campaign under way with partial
coverage, a visit that found symptoms (a follow-up task), doors that come back tomorrow; a district testing round
narrowed by the street, a sampling site, people sampled with results, and the unreached of each grid."""

import datetime as dt

from django.utils import timezone

from shaodian.people.models import Resident
from shaodian.places.models import Place, PlaceKind
from shaodian.screening import rounds, services
from shaodian.screening.models import VisitTask
from shaodian.security.models import User


def _u(name: str) -> User:
    return User.objects.select_related("node").get(username=name)


def build_screening_story(rng, now=None) -> dict:
    now = now or timezone.now()
    street, staff, grid_a, commander = _u("street_a"), _u("staff_a"), _u("grid_a"), _u("commander")
    campaign = services.campaign_start(
        actor=street, place_id=street.node_id, name="第一轮地毯式排查", purpose="摸清辖区每户人员与健康状况，横到边、纵到底",
        questions="近14天是否离开本市\n家中是否有人发热、干咳、乏力\n是否有需要帮助的老人、病人", now=now - dt.timedelta(hours=20),
        deadline=now + dt.timedelta(days=3))
    # grid_a has reached most of its doors; some nobody home, one refusal, one household with a fever.
    mine = list(VisitTask.objects.filter(campaign=campaign, grid_id=grid_a.node_id).order_by("household_id"))
    items = []
    for i, task in enumerate(mine[: int(len(mine) * 0.6)]):
        outcome = "nobody_home" if i % 9 == 4 else "refused" if i == 7 else "reached"
        items.append({"client_id": f"demo-visit-{task.pk}", "task": task.pk, "outcome": outcome,
                      "people_present": None if outcome != "reached" else 1 + rng.randrange(4),
                      "symptomatic": i == 3, "notes": "家中一人发热38.2℃，已嘱居家" if i == 3 else "",
                      "at": (now - dt.timedelta(hours=3, minutes=i)).isoformat()})
    for start in range(0, len(items), services.BATCH_MAX):
        services.visits_record(actor=grid_a, items=items[start:start + services.BATCH_MAX], now=now)
    # The community's staff cover the community's other grids, less far along.
    others = list(VisitTask.objects.filter(campaign=campaign, community_id=staff.node_id)
                  .exclude(grid_id=grid_a.node_id).order_by("household_id"))
    picked = [t for t in others if rng.random() < 0.3]
    for start in range(0, len(picked), services.BATCH_MAX):
        services.visits_record(actor=staff, items=[
            {"client_id": f"demo-visit-{t.pk}", "task": t.pk, "outcome": "reached", "people_present": 2,
             "at": (now - dt.timedelta(hours=2)).isoformat()} for t in picked[start:start + services.BATCH_MAX]], now=now)

    # Testing: the district orders, the street narrows (less often, its own area), the community samples.
    district_round = rounds.round_order(actor=commander, place_id=commander.node_id, name="全区核酸筛查", kind="pcr",
                                        day=timezone.localdate(now), every_days=2, now=now)
    street_round = rounds.round_order(actor=street, place_id=street.node_id, name="街道核酸筛查（按区部署）", kind="pcr",
                                      day=timezone.localdate(now), every_days=3, parent_id=district_round.pk, now=now)
    community = Place.objects.get(pk=staff.node_id)
    site = rounds.site_create(actor=staff, place_id=community.pk, name=f"{community.name}党群服务中心采样点",
                              address="社区党群服务中心广场", opens=dt.time(7, 30), closes=dt.time(19, 0))
    people = list(Resident.objects.filter(grid_id=grid_a.node_id).order_by("id"))
    sampled = people[: int(len(people) * 0.7)]
    for i, person in enumerate(sampled):
        sample, _ = rounds.sample_record(actor=grid_a, round_id=street_round.pk, code=person.id_number, site_id=site.pk,
                                         now=now - dt.timedelta(minutes=len(sampled) - i))
        if i % 3 != 2:
            rounds.result_set(actor=staff, sample_id=sample.pk, result="negative", now=now)
    grids = Place.objects.filter(community_id=staff.node_id, kind=PlaceKind.GRID).count()
    return {"campaign": campaign.pk, "visits": len(items) + len(picked), "round": street_round.pk,
            "sampled": len(sampled), "grids": grids}
