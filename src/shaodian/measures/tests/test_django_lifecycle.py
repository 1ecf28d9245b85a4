"""The measure lifecycle through the services: the lawful path works, each bad input is refused and changes nothing."""

import datetime as dt

import pytest

from shaodian.errors import ServiceError
from shaodian.measures import codec, services
from shaodian.measures.models import Measure
from shaodian.measures.tests.helpers import BASIS, advance, building_of, propose
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def snapshot(m: Measure) -> tuple:
    m = Measure.objects.get(pk=m.pk)
    return m.status, m.state, m.starts_at, m.ends_at


def refused(code: str, fn, **kw) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        fn(**kw)
    assert exc.value.status == 422
    codes = [msg.code for msgs in exc.value.errors.values() for msg in msgs]
    assert code in codes, exc.value.errors
    return exc.value


def test_it_walks_a_building_measure_into_force_and_audits_every_step(users, clock):
    m = propose(users, building_of(users["grid_a"]), clock)
    m = advance(users, m, clock, "in_force")
    state = codec.load(m.state)
    assert m.status == "in_force" and state.entered_force_at is not None
    assert state.vote.passed and state.gate.passed and state.legal_review.legal_basis == (BASIS,)
    assert state.approval.level == "street" and state.evaluation.people_affected > 0
    actions = list(AuditLog.objects.filter(object_type="measure", object_id=str(m.pk)).values_list("detail__action", flat=True))
    assert actions[::-1] == ["propose", "evaluate", "submit_for_legal_review", "legal_approve", "approve",
                             "record_vote", "record_gate", "publish_notice", "enter_force"]


def test_it_refuses_a_term_over_14_days_and_creates_nothing(users, clock):
    before = Measure.objects.count()
    err = refused("term_too_long", propose, users=users, building=building_of(users["grid_a"]), clock=clock, days=15)
    assert "14" in err.errors["ends_at"][0].zh
    assert Measure.objects.count() == before


def test_it_refuses_a_start_inside_the_notice_period(users, clock):
    # Approved to start in 10 hours: a notice now gives residents less than the 24 hours they are owed.
    m = advance(users, propose(users, building_of(users["grid_a"]), clock, lead=dt.timedelta(hours=10)), clock, "voted")
    before = snapshot(m)
    state = services.state_of(m)
    refused("notice_too_late", services.measure_publish_notice, actor=users["staff_a"], measure_id=m.pk, reason="r",
            starts_at=state.starts_at, ends_at=state.ends_at)
    assert snapshot(m) == before


def test_an_emergency_start_may_skip_the_notice_period_with_its_reason(users, clock):
    from django.utils import timezone

    m = propose(users, building_of(users["grid_a"]), clock, lead=dt.timedelta(hours=2),
                emergency_reason="楼内聚集性疫情，2小时内须阻断")
    m = advance(users, m, clock, "gated")  # an emergency start needs no resident vote
    state = services.state_of(m)
    assert state.starts_at - timezone.now() < dt.timedelta(hours=2)
    services.measure_publish_notice(actor=users["staff_a"], measure_id=m.pk, reason="紧急", starts_at=state.starts_at,
                                    ends_at=state.ends_at)
    assert Measure.objects.get(pk=m.pk).status == "notice_published"


def test_it_refuses_a_legal_approval_without_a_cited_basis(users, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "legal_review")
    before = snapshot(m)
    refused("legal_basis_missing", services.measure_legal_approve, actor=users["legal"], measure_id=m.pk, legal_basis=[])
    refused("legal_basis_uncited", services.measure_legal_approve, actor=users["legal"], measure_id=m.pk,
            legal_basis=["传染病防治法"])
    assert snapshot(m) == before


def test_only_the_legal_reviewer_reviews(users, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "legal_review")
    with pytest.raises(ServiceError) as exc:
        services.measure_legal_approve(actor=users["street_a"], measure_id=m.pk, legal_basis=[BASIS])
    assert exc.value.status == 403


def test_it_refuses_approval_by_the_wrong_level(users, clock):
    from django.utils import timezone

    now = timezone.now()
    street = users["street_a"].node
    m = services.measure_propose(actor=users["street_a"], place_id=street.pk, zone="precaution",
                                 static_level="precaution", restrictions=["entry_verification"], reason="周边出现病例",
                                 starts_at=now + dt.timedelta(days=2), ends_at=now + dt.timedelta(days=9))
    clock.tick(60)
    services.measure_evaluate(actor=users["cdc"], measure_id=m.pk, risk_evidence=["相邻街道出现病例"],
                              businesses_affected=20)
    clock.tick(60)
    services.measure_submit(actor=users["street_a"], measure_id=m.pk)
    clock.tick(60)
    services.measure_legal_approve(actor=users["legal"], measure_id=m.pk, legal_basis=[BASIS])
    clock.tick(60)
    before = snapshot(m)
    err = refused("approver_level", services.measure_approve, actor=users["street_a"], measure_id=m.pk)
    assert "district" in err.errors["general"][0].en
    assert snapshot(m) == before
    services.measure_approve(actor=users["commander"], measure_id=m.pk)
    assert Measure.objects.get(pk=m.pk).status == "approved"


def test_it_refuses_restrictions_the_static_level_does_not_allow(users, clock):
    before = Measure.objects.count()
    refused("static_level.restriction_not_allowed", propose, users=users, building=building_of(users["grid_a"]),
            clock=clock, static_level="precaution", zone="precaution")
    assert Measure.objects.count() == before


def test_it_warns_when_a_sealed_zone_is_wider_than_the_evidence(users, clock):
    from django.utils import timezone

    now = timezone.now()
    m = services.measure_propose(actor=users["staff_a"], place_id=users["staff_a"].node_id, zone="sealed",
                                 static_level="sealed", restrictions=["stay_at_home"], reason="一例病例",
                                 starts_at=now + dt.timedelta(days=2), ends_at=now + dt.timedelta(days=5))
    assert "栋" in m.breadth_warning["zh"] and m.breadth_warning["excess"]


def test_it_extends_only_with_a_filing_above_the_approver(users, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "in_force")
    end = m.ends_at
    refused("filing_level", services.measure_extend, actor=users["street_a"], measure_id=m.pk,
            new_ends_at=end + dt.timedelta(days=3), filed_with="street", filing_ref="海街备〔2026〕1号", reason="仍有新增")
    refused("extension_too_long", services.measure_extend, actor=users["street_a"], measure_id=m.pk,
            new_ends_at=end + dt.timedelta(days=15), filed_with="district", filing_ref="海区备1号", reason="仍有新增")
    services.measure_extend(actor=users["street_a"], measure_id=m.pk, new_ends_at=end + dt.timedelta(days=3),
                            filed_with="district", filing_ref="海区备1号", reason="仍有新增")
    assert Measure.objects.get(pk=m.pk).ends_at == end + dt.timedelta(days=3)


def test_it_lifts_recovers_and_post_evaluates(users, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "in_force")
    clock.tick(3600)
    services.measure_lift(actor=users["street_a"], measure_id=m.pk, reason="连续7天无新增")
    clock.tick(60)
    services.measure_recovery_start(actor=users["staff_a"], measure_id=m.pk, tasks=["撤除围挡"])
    clock.tick(60)
    services.measure_recovery_task_done(actor=users["staff_a"], measure_id=m.pk, task="撤除围挡")
    clock.tick(60)
    services.measure_post_evaluate(actor=users["cdc"], measure_id=m.pk, infections_averted=2.5, people_affected=40,
                                   businesses_affected=1, cost_yuan=12000, complaints=0, verdict="proportionate",
                                   summary="范围精准，代价小")
    assert Measure.objects.get(pk=m.pk).status == "post_evaluated"
