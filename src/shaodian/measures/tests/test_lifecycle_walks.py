"""Measure lifecycle (MEA-3, MEA-4): random action sequences never break the rules and reach every stage."""

import copy
import random
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaodian.measures.lifecycle import (
    MAX_TERM,
    NOTICE_LEAD,
    Approve,
    CompleteRecoveryTask,
    Decline,
    EnterForce,
    Evaluate,
    Expire,
    Extend,
    LegalApprove,
    LegalReturn,
    Level,
    Lift,
    PostEvaluate,
    PublishNotice,
    RecordGate,
    RecordVote,
    Revise,
    StartRecovery,
    Status,
    SubmitForLegalReview,
    TransitionRefused,
    Verdict,
    Withdraw,
    effective_status,
    propose,
    required_approver_level,
    transition,
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


# --- random action sequences ------------------------------------------------------------------


def good_step(s, now, choose):
    """A move a careful operator could make next (the walk perturbs it)."""
    if s.status in (Status.DRAFT, Status.RETURNED):
        return CDC, Evaluate(("风险研判 R-1",), 100, 2, PEOPLE)
    if s.status == Status.EVALUATED:
        if s.vote is None and s.needs_vote and choose([True] * 4 + [False]):
            return STAFF, RecordVote(choose([PASSING] * 3 + [FAILING]), AREA)
        if (s.gate is None or not s.gate.passed) and choose([True] * 4 + [False]):
            return STAFF, RecordGate(choose([PEOPLE] * 3 + [PEOPLE_WITH_GAP]))
        return STAFF, SubmitForLegalReview()
    if s.status == Status.LEGAL_REVIEW:
        if s.legal_review is None:
            return choose([(LAWYER, LegalApprove(BASIS))] * 4 + [(LAWYER, LegalReturn(("范围过大",)))]
                          + [(COMMAND[Level.CITY], Approve())])  # an impatient approver: refused
        approver = COMMAND[required_approver_level(s.area_level)]
        return approver, choose([Approve()] * 5 + [Decline(("证据不足",))])
    if s.status == Status.APPROVED:
        # If time has run on, the notice postpones the start within the approved term.
        start = max(s.starts_at, now if s.emergency else now + NOTICE_LEAD)
        start = choose([start, start, s.starts_at])  # sometimes too late: must be refused
        if start >= s.ends_at:
            return STAFF, Withdraw("已错过公告时间")
        end = choose([s.ends_at] * 3 + [s.ends_at + D])  # sometimes wider than approved: refused
        return STAFF, PublishNotice("出现病例", s.restrictions, start, end)
    if s.status == Status.NOTICE_PUBLISHED:
        return WORKER, EnterForce()
    if s.status == Status.IN_FORCE:
        approver = COMMAND[required_approver_level(s.area_level)]
        return choose([
            (WORKER, Expire()), (approver, Lift("连续7天无新增")),
            (approver, Extend(s.ends_at + choose([D, MAX_TERM, MAX_TERM + H]),
                              choose([Level.DISTRICT, Level.CITY]), "备案〔2024〕1号", "仍有新增病例")),
        ])
    if s.status in (Status.EXPIRED, Status.LIFTED):
        return STAFF, StartRecovery(TASKS)
    if s.status == Status.RECOVERY:
        open_tasks = [t.name for t in s.recovery_tasks if t.done_at is None]
        if open_tasks:
            return GRID, CompleteRecoveryTask(open_tasks[0])
        return CDC, PostEvaluate(1.0, 10, 1, 1e5, 0, Verdict.PROPORTIONATE, "适度")
    return STAFF, Withdraw("结束")


def random_actions(s, now):
    later = [s.ends_at + d for d in (H, 7 * D, MAX_TERM, MAX_TERM + H, -H)]
    return [
        Revise(now + D, now + 8 * D, RESTRICTIONS), Revise(now + H, now + 20 * D, RESTRICTIONS),
        Revise(now + 2 * H, now + 3 * D, RESTRICTIONS, "紧急：聚集性疫情"),
        Evaluate((), 1, 0, ()), Evaluate(("R",), 5, 0, None), Evaluate(("R",), 5, 0, PEOPLE),
        SubmitForLegalReview(), LegalApprove(()), LegalApprove(("依法",)), LegalApprove(BASIS),
        LegalReturn(("范围过大",)), Approve(), Decline(("证据不足",)),
        RecordVote(PASSING, AREA), RecordVote(FAILING, AREA), RecordVote(PASSING, frozenset()),
        RecordGate(PEOPLE), RecordGate(PEOPLE_WITH_GAP), RecordGate(()),
        PublishNotice("出现病例", s.restrictions, s.starts_at, s.ends_at),
        PublishNotice("出现病例", s.restrictions, s.starts_at - H, s.ends_at),
        PublishNotice("出现病例", s.restrictions, s.starts_at, s.ends_at + H),
        PublishNotice("出现病例", (Restriction.STAY_IN_AREA,), s.starts_at, s.ends_at),
        PublishNotice("", s.restrictions, s.starts_at, s.ends_at),
        PublishNotice("出现病例", s.restrictions, now + H, s.ends_at),
        EnterForce(), Expire(), Lift("好转"), Withdraw("撤回"),
        *(Extend(t, lv, "备案1号", "仍有病例") for t in later for lv in (Level.DISTRICT, Level.CITY)),
        Extend(s.ends_at + D, Level.STREET, "备案2号", "仍有病例"),
        StartRecovery(TASKS), StartRecovery(()), CompleteRecoveryTask(TASKS[0]),
        CompleteRecoveryTask(TASKS[1]), PostEvaluate(1.0, 1, 0, 1.0, 0, Verdict.PROPORTIONATE, "适度"),
    ]


# The oracle restates the rules independently instead of calling the module's own helpers.
RANK = {Level.GRID: 1, Level.COMMUNITY: 2, Level.STREET: 3, Level.DISTRICT: 4, Level.CITY: 5}
LOWEST_APPROVER = {Level.GRID: Level.STREET, Level.COMMUNITY: Level.STREET, Level.STREET: Level.DISTRICT,
                   Level.DISTRICT: Level.DISTRICT, Level.CITY: Level.CITY}


def is_emergency(s):
    return bool((s.emergency_reason or "").strip())


def check_invariants(s):
    """What must hold for any state the transition function ever returns."""
    if s.approval is not None:
        assert s.legal_review is not None and s.legal_review.legal_basis
        assert s.legal_review.at <= s.approval.at
        assert RANK[s.approval.level] >= RANK[LOWEST_APPROVER[s.area_level]]
    if s.notice is not None:
        assert s.approval is not None and s.approval.at <= s.notice.published_at <= s.notice.starts_at
        assert is_emergency(s) or s.notice.starts_at - s.notice.published_at >= NOTICE_LEAD
        assert s.notice.reason.strip() and s.notice.restrictions
    if s.entered_force_at is not None:
        assert s.notice is not None and s.entered_force_at >= s.notice.starts_at == s.starts_at
        if RANK[s.area_level] <= RANK[Level.COMMUNITY] and not is_emergency(s):
            assert s.vote is not None and 3 * s.vote.approve >= 2 * s.vote.valid > 0
        assert s.gate is not None and s.gate.gaps == ()
        original_end = s.extensions[0].previous_ends_at if s.extensions else s.ends_at
        assert original_end - s.starts_at <= MAX_TERM
        assert s.entered_force_at < original_end
        for e in s.extensions:
            assert timedelta(0) < e.new_ends_at - e.previous_ends_at <= MAX_TERM
            above = RANK[e.filed_with] > RANK[s.approval.level]
            assert above or e.filed_with == s.approval.level == Level.CITY
    if s.withdrawal is not None:
        by = next(a for a in ACTORS if a.id == s.withdrawal.by)
        assert RANK[by.level] >= max(RANK[s.area_level], RANK[Level.COMMUNITY])  # every walk is proposed by STAFF
    entered = [e for e in s.log if e.to_status == Status.IN_FORCE and e.from_status != Status.IN_FORCE]
    assert len(entered) == (s.entered_force_at is not None)
    for later in (s.ends_at, s.ends_at + timedelta(seconds=1), s.ends_at + 400 * D):
        assert effective_status(s, later) != Status.IN_FORCE
    if s.status == Status.IN_FORCE:
        assert s.ends_at - s.starts_at <= MAX_TERM * (1 + len(s.extensions))


def walk(choose, steps=60):
    """A guided random walk: mostly sensible moves, with wrong actors, wrong actions and time jumps."""
    now = T0
    start = now + choose([2 * H, 30 * H, 3 * D, 5 * D])
    s = propose(area_level=choose(list(Level)), starts_at=start, ends_at=start + choose([4 * D, MAX_TERM]),
                restrictions=RESTRICTIONS, actor=STAFF, now=now,
                emergency_reason=choose([None, None, "聚集性疫情，需立即管控"]))
    reached, refusals, approved_term = set(), 0, None
    for _ in range(steps):
        mode = choose(["good"] * 8 + ["actor", "action", "both", "tick", "to_start", "to_end", "naive"])
        if mode == "tick":
            now += choose([H, 6 * H, 23 * H, 25 * H])
            continue
        if mode in ("to_start", "to_end"):
            target = s.starts_at if mode == "to_start" else s.ends_at
            now = max(now, target + choose([-H, timedelta(0), H]))
            continue
        if mode == "good" and s.status == Status.NOTICE_PUBLISHED and now < s.starts_at:
            now = s.starts_at + choose([timedelta(0), H])  # a careful operator waits for the start
        actor, action = good_step(s, now, choose)
        if mode in ("actor", "both"):
            actor = choose(ACTORS)
        if mode in ("action", "both"):
            action = choose(random_actions(s, now))
        at = now.replace(tzinfo=None) if mode == "naive" else now
        before = copy.deepcopy(s)
        try:
            new = transition(s, action, actor, at)
        except TransitionRefused as err:
            refusals += 1
            assert s == before, "a refused move changed the state"
            assert err.reason_zh and err.reason_en
            continue
        assert mode != "naive"
        check_invariants(new)
        if new.status == Status.APPROVED and s.status != Status.APPROVED:
            approved_term = (new.starts_at, new.ends_at, set(new.restrictions))
        if new.status == Status.NOTICE_PUBLISHED and s.status == Status.APPROVED:
            a_start, a_end, a_restrictions = approved_term
            assert a_start <= new.starts_at < new.ends_at <= a_end  # the notice narrows, never widens
            assert set(new.restrictions) <= a_restrictions
        s = new
        reached.add(s.status)
        if effective_status(s, now) != s.status:
            reached.add(effective_status(s, now))
    return s, reached, refusals


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_it_never_breaks_the_rules_in_random_sequences(data):
    walk(lambda options: data.draw(st.sampled_from(options)))


def test_it_reaches_every_stage_in_seeded_random_walks():
    # Proves the property test is not vacuous: the walks do reach force, lifting and the end.
    seen: dict[Status, int] = {}
    total_refusals = extended = 0
    for seed in range(200):
        rng = random.Random(seed)
        final, reached, refusals = walk(rng.choice)
        total_refusals += refusals
        extended += bool(final.extensions)
        for status in reached:
            seen[status] = seen.get(status, 0) + 1
    assert seen.get(Status.IN_FORCE, 0) >= 50, seen
    for status in (Status.RETURNED, Status.EXPIRED, Status.LIFTED, Status.POST_EVALUATED, Status.WITHDRAWN):
        assert seen.get(status, 0) > 0, (status, seen)
    assert total_refusals > 500 and extended >= 10
