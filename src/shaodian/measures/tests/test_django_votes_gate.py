"""Votes (one household one vote, inside the area only) and the special-group gate, through the services."""

import pytest

from shaodian.errors import ServiceError
from shaodian.measures import area, services, votes
from shaodian.measures.models import CareAssignment, Measure, Vote
from shaodian.measures.tests.helpers import advance, building_of, close_gaps, make_dialysis_patient, propose
from shaodian.places.models import Household

pytestmark = pytest.mark.django_db


def test_it_refuses_a_vote_from_outside_the_area(users, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "approved")
    outside = Household.objects.exclude(pk__in=area.households(users["staff_a"], m).values("pk")).first()
    with pytest.raises(ServiceError) as exc:
        votes.vote_record(actor=users["staff_a"], measure_id=m.pk, household_id=outside.pk, approve=True)
    assert exc.value.errors["household"][0].code == "outside_area"
    assert not Vote.objects.filter(measure=m).exists()


def test_it_refuses_a_second_vote_from_a_household(users, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "approved")
    [(household, _address, raw), *_rest] = votes.vote_open(actor=users["staff_a"], measure_id=m.pk)
    votes.vote_cast(token=raw, approve=True)
    for second in (lambda: votes.vote_cast(token=raw, approve=False),
                   lambda: votes.vote_record(actor=users["staff_a"], measure_id=m.pk, household_id=household,
                                             approve=False)):
        with pytest.raises(ServiceError) as exc:
            second()
        assert exc.value.errors["household"][0].code == "duplicate"
    assert list(Vote.objects.filter(measure=m).values_list("approve", flat=True)) == [True]


def test_a_failed_vote_keeps_the_measure_out_of_force(users, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "approved")
    links = votes.vote_open(actor=users["staff_a"], measure_id=m.pk)
    for i, (_h, _a, raw) in enumerate(links[:3]):
        votes.vote_cast(token=raw, approve=i == 0)  # 1 of 3: below two thirds
    votes.vote_close(actor=users["staff_a"], measure_id=m.pk)
    close_gaps(users, m)
    services.gate_check(actor=users["staff_a"], measure_id=m.pk)
    state = services.state_of(Measure.objects.get(pk=m.pk))
    services.measure_publish_notice(actor=users["staff_a"], measure_id=m.pk, reason="r", starts_at=state.starts_at,
                                    ends_at=state.ends_at)
    clock.move_to(state.starts_at)
    with pytest.raises(ServiceError) as exc:
        services.measure_enter_force(actor=users["street_a"], measure_id=m.pk)
    assert exc.value.errors["general"][0].code == "vote_not_passed"
    assert Measure.objects.get(pk=m.pk).status == "notice_published"


def test_the_gate_holds_the_measure_until_the_dialysis_patient_has_a_carer(users, clock):
    building = building_of(users["grid_a"])
    patient = make_dialysis_patient(building, carer="")
    m = propose(users, building, clock)
    m = advance(users, m, clock, "voted")
    # Everyone else is looked after; the dialysis patient has no named carer.
    for r, _person in area.special_group_people(users["staff_a"], m):
        if r.pk != patient.pk:
            services.care_assign(actor=users["staff_a"], measure_id=m.pk, resident_id=r.pk, carer_name="家属",
                                 medical_plan="社区医生随访")
    services.gate_check(actor=users["staff_a"], measure_id=m.pk)
    state = services.state_of(Measure.objects.get(pk=m.pk))
    gaps = [(g.person_id, g.kind, g.owner_role) for g in state.gate.gaps]
    assert gaps == [(str(patient.pk), "no_carer", "grid_worker")]
    services.measure_publish_notice(actor=users["staff_a"], measure_id=m.pk, reason="r", starts_at=state.starts_at,
                                    ends_at=state.ends_at)
    clock.move_to(state.starts_at)
    with pytest.raises(ServiceError) as exc:
        services.measure_enter_force(actor=users["street_a"], measure_id=m.pk)
    assert exc.value.errors["general"][0].code == "special_group_gaps"
    assert Measure.objects.get(pk=m.pk).status == "notice_published"

    clock.tick(60)
    services.care_assign(actor=users["staff_a"], measure_id=m.pk, resident_id=patient.pk, carer_name="女儿李某")
    assert CareAssignment.objects.get(measure=m, resident=patient).carer_name == "女儿李某"
    services.gate_check(actor=users["staff_a"], measure_id=m.pk)
    services.measure_enter_force(actor=users["street_a"], measure_id=m.pk)
    assert Measure.objects.get(pk=m.pk).status == "in_force"


def test_the_gate_page_lists_each_gap_and_who_closes_it(users, clock, client_as):
    building = building_of(users["grid_a"])
    make_dialysis_patient(building, carer="")
    m = advance(users, propose(users, building, clock), clock, "voted")
    services.gate_check(actor=users["staff_a"], measure_id=m.pk)
    page = client_as("staff_a").get(f"/measures/{m.pk}/gate/").content.decode()
    assert "网格员" in page and "未指定照护人" in page
    assert "grid_worker" not in page and "no_carer" not in page
