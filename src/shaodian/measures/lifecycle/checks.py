"""Pure checks the transitions and the pages share: authority, votes, the special-group gate, expiry, input."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import datetime

from shaodian.measures.lifecycle.records import Gap, MeasureState, RejectedVote, SpecialGroupPerson, Vote, VoteResult
from shaodian.measures.lifecycle.vocabulary import (
    MAX_TERM,
    MEDICAL_GROUPS,
    GapKind,
    Level,
    Role,
    Status,
    _refuse,
)
from shaodian.measures.rules import Restriction


def required_approver_level(area_level: Level) -> Level:
    """The lowest level that may approve a measure on an area of this level."""
    if area_level in (Level.DISTRICT, Level.CITY):
        return area_level
    if area_level == Level.STREET:
        return Level.DISTRICT
    return Level.STREET  # community and grid


def may_approve(approver_level: Level | None, area_level: Level) -> bool:
    return approver_level is not None and approver_level >= required_approver_level(area_level)


def may_withdraw(state: MeasureState, level: Level | None) -> bool:
    """Only the proposer's level, or the authority above it, may take a measure back."""
    return level is not None and level >= max(state.area_level, state.proposer_level or state.area_level)


def tally(votes: Iterable[Vote], eligible_household_ids: Collection[str]) -> VoteResult:
    """Count a resident vote: one household, one vote; the first ballot of a household counts."""
    eligible = frozenset(eligible_household_ids)
    seen: set[str] = set()
    approve = valid = 0
    rejected: list[RejectedVote] = []
    for vote in votes:
        if vote.household_id not in eligible:
            rejected.append(RejectedVote(
                vote, "outside_area",
                f"户 {vote.household_id} 不在本措施范围内，不能投票。",
                f"Household {vote.household_id} is outside the measure's area and cannot vote.",
            ))
        elif vote.household_id in seen:
            rejected.append(RejectedVote(
                vote, "duplicate",
                f"户 {vote.household_id} 已投过票，一户一票，只计第一次。",
                f"Household {vote.household_id} has already voted; one vote per household, "
                "the first counts.",
            ))
        else:
            seen.add(vote.household_id)
            valid += 1
            approve += bool(vote.approve)
    return VoteResult(len(eligible), valid, approve, tuple(rejected))


def _blank(text: str | None) -> bool:
    return text is None or not str(text).strip()


def gate_gaps(special_group_people: Iterable[SpecialGroupPerson]) -> tuple[Gap, ...]:
    """Every special-group person without a named carer, a supply plan or a needed medical plan."""
    gaps: list[Gap] = []
    for p in special_group_people:
        worker_role = Role.GRID_WORKER if p.grid_worker_id else Role.COMMUNITY_STAFF
        if _blank(p.carer):
            gaps.append(Gap(p.person_id, GapKind.NO_CARER, worker_role, p.grid_worker_id,
                            f"{p.person_id}：未指定照护人。", f"{p.person_id}: no named carer."))
        if _blank(p.supply_plan):
            gaps.append(Gap(p.person_id, GapKind.NO_SUPPLY_PLAN, worker_role, p.grid_worker_id,
                            f"{p.person_id}：无生活物资保障方案。", f"{p.person_id}: no supply plan."))
        if p.groups & MEDICAL_GROUPS and _blank(p.medical_plan):
            # A medical plan is written with the community health centre, not by the grid worker.
            gaps.append(Gap(p.person_id, GapKind.NO_MEDICAL_PLAN, Role.HEALTH, None,
                            f"{p.person_id}：无就医/用药保障方案。",
                            f"{p.person_id}: no medical plan."))
    return tuple(gaps)


def effective_status(measure: MeasureState, now: datetime) -> Status:
    """The status at `now`: a measure past its end is expired without anyone acting."""
    _require_aware(now, "now")
    if measure.status in (Status.IN_FORCE, Status.NOTICE_PUBLISHED) and now >= measure.ends_at:
        return Status.EXPIRED
    return measure.status


def is_in_force(measure: MeasureState, now: datetime) -> bool:
    return effective_status(measure, now) == Status.IN_FORCE


def _require_aware(dt: object, name: str) -> None:
    if not isinstance(dt, datetime) or dt.tzinfo is None or dt.utcoffset() is None:
        _refuse("naive_datetime", f"{name} 必须是带时区的时间。",
                f"{name} must be a timezone-aware datetime.")


def _check_term(starts_at: datetime, ends_at: datetime) -> None:
    _require_aware(starts_at, "starts_at")
    _require_aware(ends_at, "ends_at")
    if ends_at <= starts_at:
        _refuse("term_empty", "结束时间必须晚于开始时间。", "The end must be after the start.")
    if ends_at - starts_at > MAX_TERM:
        _refuse("term_too_long", "措施期限不得超过14天；需要更久须到期前报上级备案延期。",
                "A measure may last at most 14 days; longer needs an extension filed above.")


def _not_past(starts_at: datetime, now: datetime) -> None:
    # Restrictions are never imposed retroactively; an emergency start is "now", not earlier.
    if starts_at < now:
        _refuse("start_in_past", "开始时间不能早于现在。", "The start may not be in the past.")


def _check_restrictions(restrictions: tuple[Restriction, ...]) -> tuple[Restriction, ...]:
    try:
        parsed = tuple(dict.fromkeys(Restriction(r) for r in restrictions))
    except ValueError:
        _refuse("restriction_unknown", "含有未知的限制措施。", "Unknown restriction.")
    if not parsed:
        _refuse("restrictions_missing", "必须写明限制措施。", "The restrictions must be stated.")
    return parsed


def _texts(items: tuple[str, ...], code: str, zh: str, en: str) -> tuple[str, ...]:
    cleaned = tuple(s.strip() for s in items if isinstance(s, str) and s.strip())
    if not cleaned:
        _refuse(code, zh, en)
    return cleaned


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _refuse("count_invalid", f"{name} 必须是非负整数。", f"{name} must be a non-negative integer.")
    return value


# A citation names a law in 《》 and an article 第…条, e.g. 《传染病防治法》第四十一条.
_CITATION = re.compile(r"《[^《》]+》.*第[0-9一二三四五六七八九十百零〇两]+条")
