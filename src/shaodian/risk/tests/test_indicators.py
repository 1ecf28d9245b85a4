"""Risk indicators from the database (MEA-1): values, jurisdiction, explanations, bounded queries."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from shaodian.risk import matrix as risk
from shaodian.risk.indicators import (
    DEFAULT,
    DEFAULT_ONLY,
    MEASURED,
    PROXY,
    assess_buildings,
    assess_communities,
    building_indicators,
    community_indicators,
)
from shaodian.people.models import Resident
from shaodian.places.models import Building
from shaodian.tracing.models import Case, Contact, Monitoring

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)
KEYS = set(risk.DEFAULT_INDICATORS.keys)


def _building_of(resident) -> int:
    return resident.household.unit.building_id


def _quiet_buildings(user, n=2):
    """Buildings of the user's area with residents and no case at all."""
    busy = set(Case.objects.values_list("resident__household__unit__building_id", flat=True))
    found = []
    for b in Building.objects.filter(**{f"{user.node.kind}_id": user.node_id}).order_by("id"):
        if b.pk not in busy and Resident.objects.filter(household__unit__building=b).count() >= 3:
            found.append(b)
        if len(found) == n:
            return found
    pytest.fail("the test city (seed 7) has too few quiet buildings: the fixture changed, fix this test")


def _case(resident, registrar, *, days_ago=0, source=None):
    return Case.objects.create(resident=resident, kind="confirmed", test_date=TODAY - dt.timedelta(days=days_ago),
                               source=source, registered_by=registrar)


def _row(rows, building_id):
    return next(r for r in rows if r["building_id"] == building_id)


def test_values_are_complete_and_finite(users):
    ids, values = building_indicators(users["commander"], now=NOW)
    assert ids and set(values) == KEYS
    for key, column in values.items():
        assert column.shape == (len(ids),) and np.isfinite(column).all(), key


def test_a_building_with_a_case_and_contacts_scores_higher_than_an_empty_one(users):
    user, cdc = users["commander"], users["cdc"]
    hit, calm = _quiet_buildings(user)
    people = list(Resident.objects.filter(household__unit__building=hit).order_by("id"))
    case = _case(people[0], cdc)
    for p in people[1:3]:
        Contact.objects.create(case=case, resident=p, reason="household", status="proposed")
    ids, values = building_indicators(user, now=NOW)
    h, c = ids.index(hit.pk), ids.index(calm.pk)
    assert values["new_cases_7d"][h] == 1 and values["new_cases_7d"][c] == 0
    assert values["unmonitored_case_share"][h] == 1 and values["known_chain_share"][h] == 0
    assert values["contacts_traced_share"][h] == 0  # two proposed, none confirmed yet
    rows = assess_buildings(user, now=NOW)
    assert _row(rows, hit.pk)["probability"] > _row(rows, calm.pk)["probability"]
    order = [r["building_id"] for r in rows]
    assert order.index(hit.pk) < order.index(calm.pk)  # riskiest first


def test_shares_count_monitoring_chains_and_confirmed_contacts(users):
    user, cdc = users["commander"], users["cdc"]
    (b,) = _quiet_buildings(user, n=1)
    a, b1, c1, d1 = list(Resident.objects.filter(household__unit__building=b).order_by("id"))[:4]
    first = _case(a, cdc, days_ago=3)
    traced = Contact.objects.create(case=first, resident=b1, reason="household", status="confirmed")
    Contact.objects.create(case=first, resident=c1, reason="household", status="proposed")
    Contact.objects.create(case=first, resident=d1, reason="household", status="dismissed")  # not counted
    Monitoring.objects.create(resident=b1, reason="close_contact", contact=traced, starts_on=TODAY - dt.timedelta(days=3),
                              ends_on=TODAY + dt.timedelta(days=4), status="ended")
    _case(b1, cdc, source=traced)  # found while monitored, chain known
    _case(c1, cdc, days_ago=10)  # older than 7 days: a share case, not a new one
    ids, values = building_indicators(user, now=NOW)
    i = ids.index(b.pk)
    assert values["new_cases_7d"][i] == 2
    assert values["unmonitored_case_share"][i] == pytest.approx(2 / 3)
    assert values["known_chain_share"][i] == pytest.approx(1 / 3)
    assert values["contacts_traced_share"][i] == pytest.approx(1 / 2)


def test_elderly_share_matches_a_hand_count(users):
    grid_a = users["grid_a"]
    ids, values = building_indicators(grid_a, now=NOW)
    for pk, share in zip(ids, values["elderly_share"], strict=True):
        births = [r.birth_date for r in Resident.objects.filter(household__unit__building_id=pk) if r.birth_date]
        old = sum(1 for d in births if (TODAY.year - d.year - ((TODAY.month, TODAY.day) < (d.month, d.day))) >= 60)
        assert share == pytest.approx(old / len(births) if births else 0.0), pk


def test_mobility_counts_the_residents_scans_of_seven_days(users):
    from shaodian.checkpoints.models import Scan

    grid_a = users["grid_a"]
    ids, values = building_indicators(grid_a, now=NOW)
    pk = ids[0]
    people = Resident.objects.filter(household__unit__building_id=pk)
    scans = Scan.objects.filter(resident__in=people, at__gte=NOW - dt.timedelta(days=7), at__lt=NOW).count()
    assert values["mobility"][0] == pytest.approx(scans / (people.count() * 7))


def test_jurisdiction_grid_worker_gets_only_the_buildings_of_the_grid(users):
    grid_a, commander = users["grid_a"], users["commander"]
    ids, _ = building_indicators(grid_a, now=NOW)
    assert set(ids) == set(Building.objects.filter(grid_id=grid_a.node_id).values_list("id", flat=True))
    everyone, _ = building_indicators(commander, now=NOW)
    assert set(ids) < set(everyone)
    assert {r["building_id"] for r in assess_buildings(grid_a, now=NOW)} == set(ids)


def test_users_without_case_access_get_nothing(users):
    ids, values = building_indicators(users["supervisor"], now=NOW)
    assert ids == [] and set(values) == KEYS and all(v.size == 0 for v in values.values())
    assert assess_buildings(users["legal"]) == [] and assess_communities(users["volunteer_a"]) == []


def test_the_explanation_marks_defaults_and_proxies(users):
    rows = assess_buildings(users["staff_a"], now=NOW)
    assert rows
    for row in rows:
        by_key = {e["key"]: e for e in row["explanation"]}
        assert set(by_key) == KEYS
        for key in DEFAULT_ONLY:
            assert by_key[key]["source"] == DEFAULT and not by_key[key]["measured"]
            assert "not measured" in by_key[key]["note_en"] and "非实测" in by_key[key]["note_zh"]
        assert by_key["test_positivity"]["source"] == PROXY
        for key in ("new_cases_7d", "elderly_share", "mobility", "contacts_traced_share"):
            assert by_key[key]["source"] == MEASURED and by_key[key]["measured"]
        for axis in risk.Axis:
            total = sum(e["contribution"] for e in row["explanation"] if e["axis"] == axis)
            assert total == pytest.approx(row[axis.value])
        assert row["level"] in {lv.value for lv in risk.RiskLevel} and row["needs_confirmation"]


def test_defaults_are_configurable_per_call_and_per_district(users):
    commander = users["commander"]
    _, values = building_indicators(commander, now=NOW, defaults={"supply_days": 0.5},
                                    district_defaults={commander.node_id: {"free_bed_share": 0.01}})
    assert (values["supply_days"] == 0.5).all() and (values["free_bed_share"] == 0.01).all()


def test_communities_aggregate_their_residents(users):
    staff_a, commander = users["staff_a"], users["commander"]
    ids, values = community_indicators(staff_a, now=NOW)
    assert ids == [staff_a.node_id]
    rows = assess_communities(staff_a, now=NOW)
    assert rows[0]["residents"] == Resident.objects.filter(community_id=staff_a.node_id).count()
    all_ids, _ = community_indicators(commander, now=NOW)
    assert staff_a.node_id in all_ids and len(all_ids) >= 2
    new_cases = Case.objects.filter(resident__community_id=staff_a.node_id,
                                    test_date__gt=TODAY - dt.timedelta(days=7)).count()
    assert values["new_cases_7d"][0] == new_cases
    assert community_indicators(users["grid_a"], now=NOW)[0] == []  # below community level: none


@pytest.mark.parametrize("username", ["grid_a", "commander"])
def test_query_count_does_not_grow_with_buildings(django_assert_max_num_queries, users, username):
    with django_assert_max_num_queries(6):
        rows = assess_buildings(users[username], now=NOW)
    assert len(rows) == Building.objects.filter(**{f"{users[username].node.kind}_id": users[username].node_id}).count()
    with django_assert_max_num_queries(6):
        assess_communities(users[username], now=NOW)
