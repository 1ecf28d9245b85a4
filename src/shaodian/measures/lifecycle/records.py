"""What a measure's state holds: the frozen records each action leaves behind, and the actor who acts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shaodian.measures.lifecycle.vocabulary import GapKind, Level, Role, SpecialGroup, Status, Verdict, _enum
from shaodian.measures.rules import Restriction


@dataclass(frozen=True)
class Actor:
    id: str
    role: Role
    level: Level | None = None

    def __post_init__(self) -> None:
        # Accept the strings the database holds; refuse anything that is not a known value.
        object.__setattr__(self, "role", _enum(Role, self.role, "role"))
        if self.level is not None:
            object.__setattr__(self, "level", _enum(Level, self.level, "level"))


@dataclass(frozen=True)
class SpecialGroupPerson:
    person_id: str
    groups: frozenset[SpecialGroup]
    carer: str | None = None
    supply_plan: str | None = None
    medical_plan: str | None = None
    grid_worker_id: str | None = None


@dataclass(frozen=True)
class Gap:
    person_id: str
    kind: GapKind
    owner_role: Role  # who must close the gap
    owner_id: str | None
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class GateResult:
    checked_at: datetime
    people_count: int
    gaps: tuple[Gap, ...]

    @property
    def passed(self) -> bool:
        return not self.gaps


@dataclass(frozen=True)
class Vote:
    household_id: str
    approve: bool


@dataclass(frozen=True)
class RejectedVote:
    vote: Vote
    code: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class VoteResult:
    eligible: int
    valid: int
    approve: int
    rejected: tuple[RejectedVote, ...]

    @property
    def reject(self) -> int:
        return self.valid - self.approve

    @property
    def passed(self) -> bool:
        # Integers only: exactly two thirds passes, with no float rounding at the boundary.
        return self.valid > 0 and 3 * self.approve >= 2 * self.valid


@dataclass(frozen=True)
class Evaluation:
    risk_evidence: tuple[str, ...]
    people_affected: int
    businesses_affected: int
    special_group_people: tuple[SpecialGroupPerson, ...]
    by: str
    at: datetime


@dataclass(frozen=True)
class LegalOpinion:
    legal_basis: tuple[str, ...]
    opinion: str
    by: str
    at: datetime


@dataclass(frozen=True)
class SentBack:
    by: str
    role: Role
    reasons: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class Approval:
    by: str
    level: Level
    at: datetime


@dataclass(frozen=True)
class Notice:
    reason: str
    restrictions: tuple[Restriction, ...]
    starts_at: datetime
    ends_at: datetime
    published_at: datetime
    by: str


@dataclass(frozen=True)
class Extension:
    previous_ends_at: datetime
    new_ends_at: datetime
    filed_with: Level
    filing_ref: str
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Ending:
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class RecoveryTask:
    name: str
    done_at: datetime | None = None


@dataclass(frozen=True)
class PostEvaluation:
    infections_averted: float
    people_affected: int
    businesses_affected: int
    cost_yuan: float
    complaints: int
    verdict: Verdict
    summary: str
    by: str
    at: datetime


@dataclass(frozen=True)
class LogEntry:
    action: str
    actor_id: str
    at: datetime
    from_status: Status
    to_status: Status


@dataclass(frozen=True)
class MeasureState:
    status: Status
    area_level: Level
    starts_at: datetime
    ends_at: datetime
    restrictions: tuple[Restriction, ...]
    created_at: datetime
    updated_at: datetime
    emergency_reason: str | None = None
    proposer_level: Level | None = None  # None in states stored before it was recorded
    evaluation: Evaluation | None = None
    legal_review: LegalOpinion | None = None
    sent_back: tuple[SentBack, ...] = ()
    approval: Approval | None = None
    vote: VoteResult | None = None
    gate: GateResult | None = None
    notice: Notice | None = None
    entered_force_at: datetime | None = None
    extensions: tuple[Extension, ...] = ()
    ended_at: datetime | None = None
    lift: Ending | None = None
    withdrawal: Ending | None = None
    recovery_tasks: tuple[RecoveryTask, ...] = ()
    post_evaluation: PostEvaluation | None = None
    log: tuple[LogEntry, ...] = ()

    @property
    def emergency(self) -> bool:
        return bool(self.emergency_reason and self.emergency_reason.strip())

    @property
    def needs_vote(self) -> bool:
        return self.area_level <= Level.COMMUNITY and not self.emergency
