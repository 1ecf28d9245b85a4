"""The transition function: one handler per action, each refusing illegal moves with a bilingual reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from shaodian.measures.lifecycle.actions import (
    Action,
    Approve,
    CompleteRecoveryTask,
    Decline,
    EnterForce,
    Evaluate,
    Expire,
    Extend,
    LegalApprove,
    LegalReturn,
    Lift,
    PostEvaluate,
    PublishNotice,
    RecordGate,
    RecordVote,
    Revise,
    StartRecovery,
    SubmitForLegalReview,
    Withdraw,
)
from shaodian.measures.lifecycle.checks import (
    _CITATION,
    _blank,
    _check_restrictions,
    _check_term,
    _count,
    _not_past,
    _require_aware,
    _texts,
    effective_status,
    gate_gaps,
    may_approve,
    may_withdraw,
    required_approver_level,
    tally,
)
from shaodian.measures.lifecycle.records import (
    Actor,
    Approval,
    Ending,
    Evaluation,
    Extension,
    Gap,
    GateResult,
    LegalOpinion,
    LogEntry,
    MeasureState,
    Notice,
    PostEvaluation,
    RecoveryTask,
    SentBack,
)
from shaodian.measures.lifecycle.vocabulary import (
    MAX_TERM,
    NOTICE_LEAD,
    GapKind,
    Level,
    Role,
    Status,
    Verdict,
    _enum,
    _refuse,
)
from shaodian.measures.rules import Restriction


_Handler = Callable[[MeasureState, object, Actor, datetime], MeasureState]
_HANDLERS: dict[type, tuple[frozenset[Role], _Handler]] = {}

_PROPOSERS = frozenset({Role.COMMUNITY_STAFF, Role.COMMAND, Role.HEALTH})
_STAFF = frozenset({Role.COMMUNITY_STAFF, Role.COMMAND})
_PREPARING = (Status.EVALUATED, Status.LEGAL_REVIEW, Status.APPROVED, Status.NOTICE_PUBLISHED)


def _handles(action_type: type, *roles: Role) -> Callable[[_Handler], _Handler]:
    def register(fn: _Handler) -> _Handler:
        _HANDLERS[action_type] = (frozenset(roles), fn)
        return fn
    return register


def _expect(status: Status, *allowed: Status) -> None:
    if status not in allowed:
        names = "、".join(a.value for a in allowed)
        _refuse("wrong_status", f"当前状态“{status.value}”不能执行此操作（需：{names}）。",
                f"Not allowed in status '{status.value}' (needs: {', '.join(allowed)}).")


def propose(*, area_level: Level, starts_at: datetime, ends_at: datetime,
            restrictions: tuple[Restriction, ...], actor: Actor, now: datetime,
            emergency_reason: str | None = None) -> MeasureState:
    """A new draft measure; the only way to create a MeasureState."""
    _require_aware(now, "now")
    if actor.role not in _PROPOSERS:
        _refuse("role", "无权提出管控措施。", "This role may not propose a measure.")
    _check_term(starts_at, ends_at)
    _not_past(starts_at, now)
    state = MeasureState(Status.DRAFT, _enum(Level, area_level, "area_level"), starts_at, ends_at,
                         _check_restrictions(tuple(restrictions)), now, now,
                         emergency_reason=None if _blank(emergency_reason) else emergency_reason,
                         proposer_level=actor.level)
    return replace(state, log=(LogEntry("propose", actor.id, now, Status.DRAFT, Status.DRAFT),))


def transition(state: MeasureState, action: Action, actor: Actor, now: datetime) -> MeasureState:
    """Apply one action; raise TransitionRefused (state unchanged) if it is not allowed."""
    _require_aware(now, "now")
    if now < state.updated_at:
        _refuse("clock_backwards", "操作时间早于上一次变更，不能倒签。",
                "The action is dated before the last change; backdating is refused.")
    entry = _HANDLERS.get(type(action))
    if entry is None:
        _refuse("unknown_action", "未知操作。", "Unknown action.")
    roles, handler = entry
    if actor.role not in roles:
        _refuse("role", f"角色“{actor.role}”无权执行此操作。",
                f"Role '{actor.role}' may not do this.")
    new = handler(state, action, actor, now)
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(action).__name__).lower()
    return replace(new, updated_at=now,
                   log=state.log + (LogEntry(name, actor.id, now, state.status, new.status),))


@_handles(Revise, *_PROPOSERS)
def _revise(s: MeasureState, a: Revise, actor: Actor, now: datetime) -> MeasureState:
    _expect(s.status, Status.DRAFT, Status.RETURNED, Status.EVALUATED)
    _check_term(a.starts_at, a.ends_at)
    _not_past(a.starts_at, now)
    # A changed proposal invalidates what was judged, voted and checked on the old one.
    return replace(s, status=Status.DRAFT, starts_at=a.starts_at, ends_at=a.ends_at,
                   restrictions=_check_restrictions(a.restrictions),
                   emergency_reason=None if _blank(a.emergency_reason) else a.emergency_reason,
                   evaluation=None, vote=None, gate=None)


@_handles(Evaluate, Role.HEALTH, Role.COMMAND)
def _evaluate(s: MeasureState, a: Evaluate, actor: Actor, now: datetime) -> MeasureState:
    _expect(s.status, Status.DRAFT, Status.RETURNED, Status.EVALUATED)
    evidence = _texts(a.risk_evidence, "evidence_missing", "专业评估必须附风险研判依据。",
                      "The evaluation needs risk evidence.")
    if a.special_group_people is None:
        _refuse("special_groups_missing", "必须附范围内特殊群体名单（无人时附空名单）。",
                "Attach the special-group list of the area (an empty list if there is nobody).")
    ev = Evaluation(evidence, _count(a.people_affected, "people_affected"),
                    _count(a.businesses_affected, "businesses_affected"),
                    tuple(a.special_group_people), actor.id, now)
    return replace(s, status=Status.EVALUATED, evaluation=ev)


@_handles(SubmitForLegalReview, *_PROPOSERS)
def _submit(s: MeasureState, a: SubmitForLegalReview, actor: Actor, now: datetime) -> MeasureState:
    _expect(s.status, Status.EVALUATED)
    return replace(s, status=Status.LEGAL_REVIEW, legal_review=None, approval=None)


def _awaiting_legal(s: MeasureState) -> None:
    _expect(s.status, Status.LEGAL_REVIEW)
    if s.legal_review is not None:
        _refuse("legal_done", "合法性审查已通过，等待审批。",
                "Legal review already passed; awaiting approval.")


@_handles(LegalApprove, Role.LEGAL_REVIEWER)
def _legal_approve(s: MeasureState, a: LegalApprove, actor: Actor, now: datetime) -> MeasureState:
    _awaiting_legal(s)
    basis = _texts(a.legal_basis, "legal_basis_missing", "合法性审查通过必须引用法律依据。",
                   "Legal approval must cite a legal basis.")
    bad = [b for b in basis if not _CITATION.search(b)]
    if bad:
        _refuse("legal_basis_uncited",
                f"法律依据须写明法律名称和条款，如《传染病防治法》第四十一条：{bad[0]}",
                f"Cite the law and article, e.g. 《传染病防治法》第四十一条: {bad[0]}")
    return replace(s, legal_review=LegalOpinion(basis, a.opinion, actor.id, now))


@_handles(LegalReturn, Role.LEGAL_REVIEWER)
def _legal_return(s: MeasureState, a: LegalReturn, actor: Actor, now: datetime) -> MeasureState:
    _awaiting_legal(s)
    reasons = _texts(a.reasons, "reasons_missing", "退回必须写明理由。", "A return must give reasons.")
    return replace(s, status=Status.RETURNED,
                   sent_back=s.sent_back + (SentBack(actor.id, actor.role, reasons, now),))


def _authority(s: MeasureState, actor: Actor) -> None:
    if not may_approve(actor.level, s.area_level):
        need = required_approver_level(s.area_level)
        _refuse("approver_level", f"该措施须由{need.value}级或以上审批。",
                f"This measure must be approved at {need.value} level or above.")


@_handles(Approve, Role.COMMAND)
def _approve(s: MeasureState, a: Approve, actor: Actor, now: datetime) -> MeasureState:
    _expect(s.status, Status.LEGAL_REVIEW)
    if s.legal_review is None:
        _refuse("legal_review_pending", "未经合法性审查通过，不能审批。",
                "Cannot approve before the legal review has passed.")
    _authority(s, actor)
    return replace(s, status=Status.APPROVED, approval=Approval(actor.id, actor.level, now))


@_handles(Decline, Role.COMMAND)
def _decline(s: MeasureState, a: Decline, actor: Actor, now: datetime) -> MeasureState:
    _expect(s.status, Status.LEGAL_REVIEW)
    if s.legal_review is None:
        _refuse("legal_review_pending", "合法性审查尚未完成。", "The legal review is not done yet.")
    _authority(s, actor)
    reasons = _texts(a.reasons, "reasons_missing", "不予批准必须写明理由。", "A refusal must give reasons.")
    return replace(s, status=Status.RETURNED, legal_review=None,
                   sent_back=s.sent_back + (SentBack(actor.id, actor.role, reasons, now),))


def _preparing(s: MeasureState, now: datetime) -> None:
    _expect(effective_status(s, now), *_PREPARING)


@_handles(RecordVote, *_STAFF)
def _record_vote(s: MeasureState, a: RecordVote, actor: Actor, now: datetime) -> MeasureState:
    _preparing(s, now)
    if s.vote is not None:
        # One vote per proposal: repeating it until it passes would wear residents down.
        _refuse("vote_recorded", "本措施已表决过；如需再次表决，须修改方案后重新评估。",
                "This measure has been voted on; a new vote needs a revised proposal.")
    return replace(s, vote=tally(a.votes, a.eligible_household_ids))


@_handles(RecordGate, *_STAFF)
def _record_gate(s: MeasureState, a: RecordGate, actor: Actor, now: datetime) -> MeasureState:
    _preparing(s, now)
    people = tuple(a.special_group_people)
    gaps = list(gate_gaps(people))
    listed = {p.person_id for p in people}
    evaluated = s.evaluation.special_group_people if s.evaluation else ()
    for p in evaluated:
        if p.person_id not in listed:
            gaps.append(Gap(p.person_id, GapKind.NOT_LISTED, Role.COMMUNITY_STAFF, None,
                            f"{p.person_id}：评估名单中有此人，保障核查名单中缺失。",
                            f"{p.person_id}: in the evaluation list but missing from the gate list."))
    return replace(s, gate=GateResult(now, len(listed), tuple(gaps)))


@_handles(PublishNotice, *_STAFF)
def _publish(s: MeasureState, a: PublishNotice, actor: Actor, now: datetime) -> MeasureState:
    _expect(s.status, Status.APPROVED)
    if _blank(a.reason):
        _refuse("notice_reason", "公告必须写明理由。", "The notice must state the reason.")
    _check_term(a.starts_at, a.ends_at)
    restrictions = _check_restrictions(a.restrictions)
    if a.starts_at < s.starts_at or a.ends_at > s.ends_at:
        _refuse("notice_widens_term", "公告期限不得超出批准的期限。",
                "The notice may not extend beyond the approved term.")
    if not set(restrictions) <= set(s.restrictions):
        _refuse("notice_widens_restrictions", "公告不得增加未经批准的限制措施。",
                "The notice may not add restrictions that were not approved.")
    if a.starts_at < now:
        _refuse("notice_retroactive", "公告不能溯及既往，开始时间不得早于发布时间。",
                "A notice cannot be retroactive: the start may not precede publication.")
    if not s.emergency and a.starts_at - now < NOTICE_LEAD:
        _refuse("notice_too_late", "公告须至少提前24小时发布（紧急启动须记录理由）。",
                "The notice must be published at least 24 h before the start "
                "(an emergency start needs a recorded reason).")
    notice = Notice(a.reason.strip(), restrictions, a.starts_at, a.ends_at, now, actor.id)
    return replace(s, status=Status.NOTICE_PUBLISHED, notice=notice, starts_at=a.starts_at,
                   ends_at=a.ends_at, restrictions=restrictions)


@_handles(EnterForce, Role.COMMAND, Role.SYSTEM)
def _enter_force(s: MeasureState, a: EnterForce, actor: Actor, now: datetime) -> MeasureState:
    _expect(effective_status(s, now), Status.NOTICE_PUBLISHED)
    if now < s.starts_at:
        _refuse("not_started", "未到公告的开始时间。", "The announced start has not come yet.")
    # Re-check every precondition here, so no path can skip one.
    if s.legal_review is None or s.approval is None or not may_approve(s.approval.level, s.area_level):
        _refuse("not_approved", "未经合法性审查和有权机关审批。",
                "Not legally reviewed and approved by the right authority.")
    if s.notice is None or (not s.emergency and s.starts_at - s.notice.published_at < NOTICE_LEAD):
        _refuse("notice_missing", "未提前24小时公告。", "No notice published 24 h ahead.")
    if s.needs_vote and (s.vote is None or not s.vote.passed):
        _refuse("vote_not_passed", "社区级措施须经居民表决，参加表决户的三分之二以上同意。",
                "A community-level measure needs a resident vote passed by two thirds of voting households.")
    if s.gate is None or not s.gate.passed:
        n = len(s.gate.gaps) if s.gate else 0
        _refuse("special_group_gaps", f"特殊群体保障核查未通过（缺口 {n} 项），不能启动。",
                f"The special-group gate has not passed ({n} gaps); the measure cannot start.")
    _check_term(s.starts_at, s.ends_at)
    return replace(s, status=Status.IN_FORCE, entered_force_at=now)


@_handles(Extend, Role.COMMAND)
def _extend(s: MeasureState, a: Extend, actor: Actor, now: datetime) -> MeasureState:
    _expect(effective_status(s, now), Status.IN_FORCE)
    _authority(s, actor)
    _require_aware(a.new_ends_at, "new_ends_at")
    approved_by = s.approval.level if s.approval else required_approver_level(s.area_level)
    filed_with = _enum(Level, a.filed_with, "filed_with")
    if not (filed_with > approved_by or filed_with == approved_by == Level.CITY):
        _refuse("filing_level", "延期须报审批机关的上一级备案。",
                "An extension must be filed with the level above the approving authority.")
    filing_ref = _texts((a.filing_ref,), "filing_missing", "须记录备案文号。",
                        "Record the filing reference.")[0]
    reason = _texts((a.reason,), "reason_missing", "延期须写明理由。", "An extension needs a reason.")[0]
    if a.new_ends_at <= s.ends_at:
        _refuse("extension_not_later", "延期后的结束时间必须晚于现结束时间。",
                "The extended end must be later than the current end.")
    if a.new_ends_at - s.ends_at > MAX_TERM:
        _refuse("extension_too_long", "每次延期不得超过14天。", "Each extension may add at most 14 days.")
    ext = Extension(s.ends_at, a.new_ends_at, filed_with, filing_ref, reason, actor.id, now)
    return replace(s, ends_at=a.new_ends_at, extensions=s.extensions + (ext,))


@_handles(Expire, Role.SYSTEM, Role.COMMAND)
def _expire(s: MeasureState, a: Expire, actor: Actor, now: datetime) -> MeasureState:
    _expect(s.status, Status.IN_FORCE, Status.NOTICE_PUBLISHED)
    if now < s.ends_at:
        _refuse("not_ended", "尚未到期。", "The term has not ended yet.")
    return replace(s, status=Status.EXPIRED, ended_at=s.ends_at)


@_handles(Lift, Role.COMMAND)
def _lift(s: MeasureState, a: Lift, actor: Actor, now: datetime) -> MeasureState:
    _expect(effective_status(s, now), Status.IN_FORCE)
    # Lifting early must be easy: any command at the area's level or above may lift.
    if actor.level is None or actor.level < s.area_level:
        _refuse("lift_level", "须由本级或上级指挥部解除。", "Lifting needs command at this level or above.")
    reason = _texts((a.reason,), "reason_missing", "解除须写明理由。", "Lifting needs a reason.")[0]
    return replace(s, status=Status.LIFTED, ended_at=now, lift=Ending(reason, actor.id, now))


@_handles(Withdraw, *_PROPOSERS)
def _withdraw(s: MeasureState, a: Withdraw, actor: Actor, now: datetime) -> MeasureState:
    _expect(effective_status(s, now), Status.DRAFT, Status.RETURNED, *_PREPARING)
    if not may_withdraw(s, actor.level):
        _refuse("withdraw_level", "无权撤回：须由提出措施的层级或其上级撤回。",
                "Only the level that proposed the measure, or a level above it, may withdraw it.")
    reason = _texts((a.reason,), "reason_missing", "撤回须写明理由。", "Withdrawal needs a reason.")[0]
    return replace(s, status=Status.WITHDRAWN, withdrawal=Ending(reason, actor.id, now))


@_handles(StartRecovery, *_STAFF)
def _start_recovery(s: MeasureState, a: StartRecovery, actor: Actor, now: datetime) -> MeasureState:
    _expect(effective_status(s, now), Status.EXPIRED, Status.LIFTED)
    if s.entered_force_at is None:
        _refuse("never_in_force", "措施从未生效，无需恢复。", "The measure never took effect.")
    tasks = tuple(dict.fromkeys(_texts(a.tasks, "tasks_missing", "须列出恢复任务。",
                                       "List the recovery tasks.")))
    return replace(s, status=Status.RECOVERY, ended_at=s.ended_at or s.ends_at,
                   recovery_tasks=tuple(RecoveryTask(t) for t in tasks))


@_handles(CompleteRecoveryTask, *_STAFF, Role.GRID_WORKER)
def _complete_task(s: MeasureState, a: CompleteRecoveryTask, actor: Actor, now: datetime) -> MeasureState:
    _expect(s.status, Status.RECOVERY)
    if not any(t.name == a.task and t.done_at is None for t in s.recovery_tasks):
        _refuse("task_unknown", "没有这项未完成的恢复任务。", "No such open recovery task.")
    return replace(s, recovery_tasks=tuple(
        replace(t, done_at=now) if t.name == a.task and t.done_at is None else t
        for t in s.recovery_tasks))


@_handles(PostEvaluate, Role.HEALTH, Role.COMMAND)
def _post_evaluate(s: MeasureState, a: PostEvaluate, actor: Actor, now: datetime) -> MeasureState:
    _expect(s.status, Status.RECOVERY)
    if any(t.done_at is None for t in s.recovery_tasks):
        _refuse("recovery_open", "恢复任务尚未全部完成。", "Recovery tasks are still open.")
    for name in ("infections_averted", "cost_yuan"):
        value = getattr(a, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            _refuse("value_invalid", f"{name} 必须是非负数。", f"{name} must be a non-negative number.")
    summary = _texts((a.summary,), "summary_missing", "后评估须写明效果与代价的结论。",
                     "The post-evaluation needs a summary of effect against cost.")[0]
    pe = PostEvaluation(float(a.infections_averted), _count(a.people_affected, "people_affected"),
                        _count(a.businesses_affected, "businesses_affected"), float(a.cost_yuan),
                        _count(a.complaints, "complaints"), _enum(Verdict, a.verdict, "verdict"), summary,
                        actor.id, now)
    return replace(s, status=Status.POST_EVALUATED, post_evaluation=pe)
