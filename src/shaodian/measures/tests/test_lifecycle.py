"""Measure lifecycle (MEA-3, MEA-4): concrete examples (random action sequences: test_lifecycle_walks.py)."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from shaodian.measures.lifecycle import (
    MAX_TERM,
    Actor,
    Approve,
    CompleteRecoveryTask,
    Decline,
    EnterForce,
    Evaluate,
    Expire,
    Extend,
    GapKind,
    LegalApprove,
    LegalReturn,
    Level,
    Lift,
    PostEvaluate,
    PublishNotice,
    RecordGate,
    RecordVote,
    Revise,
    Role,
    SpecialGroup,
    SpecialGroupPerson,
    StartRecovery,
    Status,
    SubmitForLegalReview,
    TransitionRefused,
    Verdict,
    Withdraw,
    effective_status,
    gate_gaps,
    is_in_force,
    may_approve,
    propose,
    required_approver_level,
    tally,
)
from shaodian.measures.rules import Restriction

from shaodian.measures.tests.lifecycle_scene import (  # noqa: F401 - the scene every test uses
    SHANGHAI,
    D,
    H,
    T0,
    STAFF,
    CDC,
    LAWYER,
    GRID,
    WORKER,
    COMMAND,
    ACTORS,
    BASIS,
    RESTRICTIONS,
    AREA,
    PASSING,
    FAILING,
    PEOPLE,
    PEOPLE_WITH_GAP,
    TASKS,
    act,
    draft,
    reviewed,
    approved,
    published,
    in_force,
    refused,
)


# --- concrete examples ----------------------------------------------------------------------


def test_it_runs_the_whole_lifecycle():
    s = in_force()
    assert s.status == Status.IN_FORCE and is_in_force(s, s.starts_at + H)
    s = act(s, Lift("连续7天无新增"), COMMAND[Level.STREET], s.starts_at + 3 * D)
    s = act(s, StartRecovery(TASKS), STAFF, s.ended_at + H)
    for task in TASKS:
        s = act(s, CompleteRecoveryTask(task), GRID, s.updated_at + H)
    s = act(s, PostEvaluate(3.5, 320, 4, 1_200_000, 2, Verdict.PROPORTIONATE, "避免约3.5例感染，代价120万元"),
            CDC, s.updated_at + D)
    assert s.status == Status.POST_EVALUATED
    assert [e.to_status for e in s.log] == [
        "draft", "evaluated", "evaluated", "evaluated", "legal_review", "legal_review", "approved",
        "notice_published", "in_force", "lifted", "recovery", "recovery", "recovery", "post_evaluated"]
    assert s.log[1].action == "evaluate" and s.log[8].action == "enter_force"


def test_it_only_lets_legal_reviewers_do_the_legal_review():
    s = act(act(draft(), Evaluate(("R-1",), 10, 0, ()), CDC, T0), SubmitForLegalReview(), STAFF, T0)
    for actor in (STAFF, CDC, COMMAND[Level.CITY], WORKER):
        refused(s, LegalApprove(BASIS), actor, T0, "role")
        refused(s, LegalReturn(("理由",)), actor, T0, "role")


def test_it_needs_a_cited_legal_basis():
    s = act(act(draft(), Evaluate(("R-1",), 10, 0, ()), CDC, T0), SubmitForLegalReview(), STAFF, T0)
    refused(s, LegalApprove(()), LAWYER, T0, "legal_basis_missing")
    refused(s, LegalApprove(("依法防控",)), LAWYER, T0, "legal_basis_uncited")
    s = act(s, LegalApprove(("《突发事件应对法》第四十九条", *BASIS)), LAWYER, T0)
    assert s.legal_review.by == "lawyer" and len(s.legal_review.legal_basis) == 2


def test_it_returns_a_measure_with_reasons_and_needs_a_new_evaluation():
    s = act(act(draft(), Evaluate(("R-1",), 10, 0, ()), CDC, T0), SubmitForLegalReview(), STAFF, T0)
    refused(s, LegalReturn(("", " ")), LAWYER, T0, "reasons_missing")
    s = act(s, LegalReturn(("范围过大，应精准到楼栋",)), LAWYER, T0 + H)
    assert s.status == Status.RETURNED and s.sent_back[0].reasons == ("范围过大，应精准到楼栋",)
    refused(s, SubmitForLegalReview(), STAFF, T0 + H, "wrong_status")
    s = act(s, Revise(T0 + 3 * D, T0 + 6 * D, (Restriction.STAY_AT_HOME,)), STAFF, T0 + 2 * H)
    assert s.status == Status.DRAFT and s.evaluation is None


def test_it_refuses_approval_before_legal_review_and_by_the_wrong_level():
    s = act(act(draft(), Evaluate(("R-1",), 10, 0, ()), CDC, T0), SubmitForLegalReview(), STAFF, T0)
    refused(s, Approve(), COMMAND[Level.DISTRICT], T0, "legal_review_pending")
    s = act(s, LegalApprove(BASIS), LAWYER, T0)
    refused(s, Approve(), COMMAND[Level.COMMUNITY], T0, "approver_level")
    refused(s, Approve(), replace(COMMAND[Level.CITY], role=Role.HEALTH), T0, "role")
    assert act(s, Approve(), COMMAND[Level.STREET], T0).approval.level == Level.STREET


@pytest.mark.parametrize("area,lowest", [
    (Level.GRID, Level.STREET), (Level.COMMUNITY, Level.STREET), (Level.STREET, Level.DISTRICT),
    (Level.DISTRICT, Level.DISTRICT), (Level.CITY, Level.CITY),
])
def test_it_requires_the_right_approval_level(area, lowest):
    assert required_approver_level(area) == lowest
    for approver in Level:
        assert may_approve(approver, area) == (approver >= lowest)
    assert not may_approve(None, area)


def test_it_orders_levels_city_down_to_grid():
    assert Level.CITY > Level.DISTRICT > Level.STREET > Level.COMMUNITY > Level.GRID
    assert sorted(Level) == [Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY]


def test_it_lets_the_approver_decline_with_reasons():
    s = reviewed()
    refused(s, Decline(("证据不足",)), COMMAND[Level.COMMUNITY], T0 + 5 * H, "approver_level")
    refused(s, Decline(()), COMMAND[Level.STREET], T0 + 5 * H, "reasons_missing")
    s = act(s, Decline(("证据不足",)), COMMAND[Level.STREET], T0 + 5 * H)
    assert s.status == Status.RETURNED and s.legal_review is None
    assert s.sent_back[-1].role == Role.COMMAND


def test_it_needs_a_notice_24_hours_ahead():
    s = approved(start=T0 + 20 * H)
    notice = PublishNotice("3号楼出现病例", s.restrictions, s.starts_at, s.ends_at)
    refused(s, notice, STAFF, T0 + 4 * H, "notice_too_late")
    edge = approved(start=T0 + 28 * H)
    exactly = replace(notice, starts_at=edge.starts_at, ends_at=edge.ends_at)
    assert act(edge, exactly, STAFF, T0 + 4 * H).status == Status.NOTICE_PUBLISHED  # exactly 24 h
    refused(edge, exactly, STAFF, T0 + 4 * H + timedelta(seconds=1), "notice_too_late")


def test_it_lets_a_recorded_emergency_start_without_24_hours_or_vote():
    s = approved(start=T0 + 5 * H, emergency="3号楼出现聚集性疫情，需立即管控")
    s = act(s, PublishNotice("聚集性疫情", s.restrictions, s.starts_at, s.ends_at), STAFF, T0 + 4 * H)
    s = act(replace(s, vote=None), EnterForce(), WORKER, T0 + 5 * H)
    assert s.status == Status.IN_FORCE and s.emergency


def test_it_treats_a_blank_emergency_reason_as_no_emergency():
    assert not draft(emergency="   ").emergency


def test_it_checks_the_notice_states_reason_restrictions_and_a_term_within_approval():
    s = approved()
    ok = PublishNotice("3号楼出现病例", s.restrictions, s.starts_at, s.ends_at)
    now = T0 + 4 * H
    refused(s, replace(ok, reason=" "), STAFF, now, "notice_reason")
    refused(s, replace(ok, restrictions=()), STAFF, now, "restrictions_missing")
    refused(s, replace(ok, restrictions=(Restriction.STAY_IN_AREA,)), STAFF, now,
            "notice_widens_restrictions")
    refused(s, replace(ok, ends_at=s.ends_at + H), STAFF, now, "notice_widens_term")
    refused(s, replace(ok, starts_at=s.starts_at - H), STAFF, now, "notice_widens_term")
    narrow = act(s, replace(ok, restrictions=(Restriction.ENTRY_VERIFICATION,), ends_at=s.ends_at - D),
                 STAFF, now)
    assert narrow.restrictions == (Restriction.ENTRY_VERIFICATION,) and narrow.ends_at == s.ends_at - D


def test_it_does_not_enter_force_before_the_start():
    s = published()
    refused(s, EnterForce(), WORKER, s.starts_at - timedelta(seconds=1), "not_started")
    refused(s, EnterForce(), STAFF, s.starts_at, "role")


def test_it_needs_a_passed_vote_for_community_and_grid_measures():
    for level in (Level.COMMUNITY, Level.GRID):
        s = published(level)
        refused(replace(s, vote=None), EnterForce(), WORKER, s.starts_at, "vote_not_passed")
        refused(replace(s, vote=tally(FAILING, AREA)), EnterForce(), WORKER, s.starts_at, "vote_not_passed")


def test_it_does_not_need_a_vote_above_community_level():
    s = published(Level.STREET)
    assert act(replace(s, vote=None), EnterForce(), WORKER, s.starts_at).status == Status.IN_FORCE


def test_it_records_the_vote_once():
    s = act(draft(), Evaluate(("R-1",), 10, 0, ()), CDC, T0)
    s = act(s, RecordVote(FAILING, AREA), STAFF, T0)
    assert not s.vote.passed
    refused(s, RecordVote(PASSING, AREA), STAFF, T0, "vote_recorded")
    refused(draft(), RecordVote(PASSING, AREA), STAFF, T0, "wrong_status")


def test_it_blocks_the_start_while_special_group_gaps_remain():
    s = published()
    s = act(s, RecordGate(PEOPLE_WITH_GAP), STAFF, T0 + 5 * H)
    err = refused(s, EnterForce(), WORKER, s.starts_at, "special_group_gaps")
    assert "1" in err.reason_en
    s = act(s, RecordGate(PEOPLE), STAFF, T0 + 6 * H)
    assert act(s, EnterForce(), WORKER, s.starts_at).status == Status.IN_FORCE


def test_it_counts_people_dropped_from_the_gate_list_as_gaps():
    s = published()
    s = act(s, RecordGate(PEOPLE[1:]), STAFF, T0 + 5 * H)
    assert [(g.person_id, g.kind) for g in s.gate.gaps] == [("p-dialysis", GapKind.NOT_LISTED)]


def test_it_lists_gaps_with_who_must_close_them():
    nobody = SpecialGroupPerson("p-insulin", frozenset({SpecialGroup.INSULIN}))
    gaps = gate_gaps([*PEOPLE, nobody, replace(PEOPLE[1], carer="")])
    assert [(g.person_id, g.kind, g.owner_role, g.owner_id) for g in gaps] == [
        ("p-insulin", GapKind.NO_CARER, Role.COMMUNITY_STAFF, None),
        ("p-insulin", GapKind.NO_SUPPLY_PLAN, Role.COMMUNITY_STAFF, None),
        ("p-insulin", GapKind.NO_MEDICAL_PLAN, Role.HEALTH, None),
        ("p-elderly", GapKind.NO_CARER, Role.GRID_WORKER, "grid-worker"),
    ]
    assert all(g.reason_zh and g.reason_en for g in gaps)
    assert gate_gaps(PEOPLE) == ()


def test_it_refuses_a_term_longer_than_14_days():
    with pytest.raises(TransitionRefused) as info:
        draft(length=MAX_TERM + timedelta(seconds=1))
    assert info.value.code == "term_too_long"
    assert draft(length=MAX_TERM).ends_at - draft(length=MAX_TERM).starts_at == MAX_TERM
    refused(draft(), Revise(T0 + D, T0 + D, RESTRICTIONS), STAFF, T0, "term_empty")


def test_it_expires_automatically_at_the_end():
    s = in_force()
    assert effective_status(s, s.ends_at - timedelta(seconds=1)) == Status.IN_FORCE
    assert effective_status(s, s.ends_at) == Status.EXPIRED
    assert not is_in_force(s, s.ends_at + 365 * D)
    refused(s, Expire(), WORKER, s.ends_at - H, "not_ended")
    refused(s, Extend(s.ends_at + D, Level.DISTRICT, "区备1号", "仍有病例"), COMMAND[Level.STREET],
            s.ends_at, "wrong_status")
    done = act(s, Expire(), WORKER, s.ends_at + 5 * H)
    assert done.status == Status.EXPIRED and done.ended_at == s.ends_at


def test_it_does_not_enter_force_after_the_term():
    s = published()
    refused(s, EnterForce(), WORKER, s.ends_at, "wrong_status")


def test_it_extends_only_with_a_filing_above_the_approver_and_at_most_14_days():
    s = in_force()  # approved by the street
    now = s.starts_at + 6 * D
    ext = Extend(s.ends_at + 7 * D, Level.DISTRICT, "区卫健备〔2024〕12号", "仍有新增病例")
    street = COMMAND[Level.STREET]
    refused(s, replace(ext, filed_with=Level.STREET), street, now, "filing_level")
    refused(s, replace(ext, filing_ref=""), street, now, "filing_missing")
    refused(s, replace(ext, new_ends_at=s.ends_at + MAX_TERM + H), street, now, "extension_too_long")
    refused(s, replace(ext, new_ends_at=s.ends_at), street, now, "extension_not_later")
    refused(s, ext, COMMAND[Level.COMMUNITY], now, "approver_level")
    s2 = act(s, ext, street, now)
    assert s2.ends_at == s.ends_at + 7 * D and s2.extensions[0].filed_with == Level.DISTRICT
    s3 = act(s2, replace(ext, new_ends_at=s2.ends_at + MAX_TERM), street, now + H)
    assert len(s3.extensions) == 2 and is_in_force(s3, s.ends_at + 10 * D)


def test_it_lets_a_city_measure_record_its_provincial_filing():
    s = in_force(Level.CITY)
    ext = Extend(s.ends_at + D, Level.CITY, "省卫健委备案〔2024〕3号", "仍有病例")
    assert act(s, ext, COMMAND[Level.CITY], s.starts_at + D).extensions[0].filing_ref.startswith("省")


def test_it_lifts_only_by_command_at_the_area_level_or_above():
    s = in_force(Level.STREET)
    refused(s, Lift("无新增"), COMMAND[Level.COMMUNITY], s.starts_at + D, "lift_level")
    refused(s, Lift(""), COMMAND[Level.STREET], s.starts_at + D, "reason_missing")
    lifted = act(s, Lift("无新增"), COMMAND[Level.STREET], s.starts_at + D)
    assert lifted.status == Status.LIFTED and lifted.ended_at == s.starts_at + D
    assert not is_in_force(lifted, s.starts_at + 2 * D)


def test_it_withdraws_before_force_but_not_after():
    s = published()
    refused(s, Withdraw(""), STAFF, T0 + 5 * H, "reason_missing")
    assert act(s, Withdraw("疫情已控制"), STAFF, T0 + 5 * H).status == Status.WITHDRAWN
    live = act(s, EnterForce(), WORKER, s.starts_at)
    refused(live, Withdraw("疫情已控制"), STAFF, s.starts_at + H, "wrong_status")


def test_community_staff_cannot_withdraw_measures_above_their_level():
    district = propose(area_level=Level.DISTRICT, starts_at=T0 + 2 * D, ends_at=T0 + 9 * D,
                       restrictions=RESTRICTIONS, actor=COMMAND[Level.DISTRICT], now=T0)
    refused(district, Withdraw("撤回"), STAFF, T0 + H, "withdraw_level")
    refused(district, Withdraw("撤回"), COMMAND[Level.STREET], T0 + H, "withdraw_level")
    assert act(district, Withdraw("撤回"), COMMAND[Level.CITY], T0 + H).status == Status.WITHDRAWN
    # A grid measure proposed by the district is the district's to take back, not the community's.
    grid = propose(area_level=Level.GRID, starts_at=T0 + 2 * D, ends_at=T0 + 9 * D,
                   restrictions=RESTRICTIONS, actor=CDC, now=T0)
    refused(grid, Withdraw("撤回"), STAFF, T0 + H, "withdraw_level")
    assert act(grid, Withdraw("撤回"), COMMAND[Level.DISTRICT], T0 + H).status == Status.WITHDRAWN
    # The proposer's own level, and the approving authority above it, may.
    community = reviewed()
    assert act(community, Withdraw("撤回"), STAFF, T0 + 3 * H).status == Status.WITHDRAWN
    assert act(community, Withdraw("撤回"), COMMAND[Level.STREET], T0 + 3 * H).status == Status.WITHDRAWN


def test_it_refuses_a_start_in_the_past_even_in_an_emergency():
    for emergency in (None, "聚集性疫情"):
        with pytest.raises(TransitionRefused) as info:
            propose(area_level=Level.COMMUNITY, starts_at=T0 - H, ends_at=T0 + D, restrictions=RESTRICTIONS,
                    actor=STAFF, now=T0, emergency_reason=emergency)
        assert info.value.code == "start_in_past"
    assert propose(area_level=Level.COMMUNITY, starts_at=T0, ends_at=T0 + D, restrictions=RESTRICTIONS,
                   actor=STAFF, now=T0).starts_at == T0
    refused(draft(), Revise(T0 + H - timedelta(minutes=1), T0 + D, RESTRICTIONS), STAFF, T0 + H, "start_in_past")


def test_it_needs_every_recovery_task_done_before_post_evaluation():
    s = act(in_force(), Expire(), WORKER, in_force().ends_at)
    refused(s, StartRecovery(()), STAFF, s.ends_at, "tasks_missing")
    s = act(s, StartRecovery(TASKS), STAFF, s.ends_at + H)
    pe = PostEvaluate(1.0, 320, 4, 500_000.0, 0, Verdict.EXCESSIVE, "范围偏大")
    refused(s, pe, CDC, s.ends_at + 2 * H, "recovery_open")
    s = act(act(s, CompleteRecoveryTask(TASKS[0]), GRID, s.ends_at + 2 * H),
            CompleteRecoveryTask(TASKS[1]), STAFF, s.ends_at + 2 * H)
    refused(s, CompleteRecoveryTask(TASKS[1]), STAFF, s.ends_at + 2 * H, "task_unknown")
    refused(s, replace(pe, cost_yuan=-1), CDC, s.ends_at + 3 * H, "value_invalid")
    refused(s, replace(pe, verdict="great"), CDC, s.ends_at + 3 * H, "invalid_value")
    assert act(s, pe, CDC, s.ends_at + 3 * H).post_evaluation.verdict == Verdict.EXCESSIVE


def test_it_does_not_recover_a_measure_that_never_took_effect():
    s = published()
    s = act(s, Expire(), WORKER, s.ends_at)
    refused(s, StartRecovery(TASKS), STAFF, s.ends_at, "never_in_force")


def test_it_refuses_naive_and_backdated_times():
    naive = datetime(2024, 3, 1, 8)
    with pytest.raises(TransitionRefused):
        propose(area_level=Level.COMMUNITY, starts_at=naive, ends_at=naive + D,
                restrictions=RESTRICTIONS, actor=STAFF, now=T0)
    refused(draft(), Evaluate(("R",), 1, 0, ()), CDC, naive, "naive_datetime")
    refused(draft(), Revise(naive, naive + D, RESTRICTIONS), STAFF, T0, "naive_datetime")
    refused(draft(), Evaluate(("R",), 1, 0, ()), CDC, T0 - H, "clock_backwards")
    with pytest.raises(ValueError):
        effective_status(draft(), naive)


def test_it_needs_evidence_counts_and_the_special_group_list_to_evaluate():
    s = draft()
    refused(s, Evaluate((), 1, 0, ()), CDC, T0, "evidence_missing")
    refused(s, Evaluate(("R",), -1, 0, ()), CDC, T0, "count_invalid")
    refused(s, Evaluate(("R",), 1, True, ()), CDC, T0, "count_invalid")
    refused(s, Evaluate(("R",), 1, 0, None), CDC, T0, "special_groups_missing")
    refused(s, Evaluate(("R",), 1, 0, ()), STAFF, T0, "role")


def test_it_refuses_unknown_roles_and_levels():
    with pytest.raises(TransitionRefused):
        Actor("x", "mayor")
    with pytest.raises(TransitionRefused):
        Actor("x", Role.COMMAND, "province")
    assert Actor("x", "command", "street").level is Level.STREET


