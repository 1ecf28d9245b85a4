"""The scene of the lifecycle tests: actors, times, an area and its people, and the steps to each stage."""

import copy
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from shaodian.measures.lifecycle import (
    Actor,
    Approve,
    EnterForce,
    Evaluate,
    LegalApprove,
    Level,
    PublishNotice,
    RecordGate,
    RecordVote,
    Role,
    SpecialGroup,
    SpecialGroupPerson,
    SubmitForLegalReview,
    TransitionRefused,
    Vote,
    propose,
    required_approver_level,
    transition,
)
from shaodian.measures.rules import Restriction

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=SHANGHAI)
H, D = timedelta(hours=1), timedelta(days=1)

STAFF = Actor("staff", Role.COMMUNITY_STAFF, Level.COMMUNITY)
CDC = Actor("cdc", Role.HEALTH, Level.DISTRICT)
LAWYER = Actor("lawyer", Role.LEGAL_REVIEWER, Level.DISTRICT)
GRID = Actor("grid-worker", Role.GRID_WORKER, Level.GRID)
WORKER = Actor("worker", Role.SYSTEM)
COMMAND = {lv: Actor(f"cmd-{lv.value}", Role.COMMAND, lv) for lv in Level}
ACTORS = [STAFF, CDC, LAWYER, GRID, WORKER, *COMMAND.values()]

BASIS = ("《中华人民共和国传染病防治法》第四十一条",)
RESTRICTIONS = (Restriction.ENTRY_VERIFICATION, Restriction.STAY_AT_HOME)
AREA = frozenset(f"h{i}" for i in range(9))
PASSING = tuple(Vote(f"h{i}", i < 4) for i in range(6))  # 4 of 6 = exactly two thirds
FAILING = tuple(Vote(f"h{i}", i < 3) for i in range(6))
PEOPLE = (
    SpecialGroupPerson("p-dialysis", frozenset({SpecialGroup.DIALYSIS}), "王阿姨（女儿）",
                       "每日送菜到门", "周一三五接送透析", "grid-worker"),
    SpecialGroupPerson("p-elderly", frozenset({SpecialGroup.ELDERLY_ALONE}), "志愿者李明",
                       "隔日送菜", None, "grid-worker"),
)
PEOPLE_WITH_GAP = (replace(PEOPLE[0], medical_plan=" "), PEOPLE[1])
TASKS = ("拆除围挡", "恢复公交站")


def act(state, action, actor, now):
    return transition(state, action, actor, now)


def draft(level=Level.COMMUNITY, *, start=T0 + 2 * D, length=7 * D, emergency=None):
    return propose(area_level=level, starts_at=start, ends_at=start + length,
                   restrictions=RESTRICTIONS, actor=STAFF, now=T0, emergency_reason=emergency)


def reviewed(level=Level.COMMUNITY, **kwargs):
    s = draft(level, **kwargs)
    s = act(s, Evaluate(("风险研判 R-17：3号楼2例",), 320, 4, PEOPLE), CDC, T0)
    s = act(s, RecordVote(PASSING, AREA), STAFF, T0 + H)
    s = act(s, RecordGate(PEOPLE), STAFF, T0 + H)
    s = act(s, SubmitForLegalReview(), STAFF, T0 + H)
    return act(s, LegalApprove(BASIS, "措施必要、适度"), LAWYER, T0 + 2 * H)


def approved(level=Level.COMMUNITY, **kwargs):
    s = reviewed(level, **kwargs)
    return act(s, Approve(), COMMAND[required_approver_level(s.area_level)], T0 + 3 * H)


def published(level=Level.COMMUNITY, **kwargs):
    s = approved(level, **kwargs)
    notice = PublishNotice("3号楼出现2例确诊", s.restrictions, s.starts_at, s.ends_at)
    return act(s, notice, STAFF, T0 + 4 * H)


def in_force(level=Level.COMMUNITY, **kwargs):
    s = published(level, **kwargs)
    return act(s, EnterForce(), WORKER, s.starts_at)


def refused(state, action, actor, now, code):
    before = copy.deepcopy(state)
    with pytest.raises(TransitionRefused) as info:
        transition(state, action, actor, now)
    assert state == before
    assert info.value.code == code, (info.value.code, info.value.reason_en)
    assert info.value.reason_zh.strip() and info.value.reason_en.strip()
    return info.value


