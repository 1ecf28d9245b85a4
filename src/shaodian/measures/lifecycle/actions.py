"""The actions a person (or the system) may ask of a measure; `transition` applies one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shaodian.measures.lifecycle.records import SpecialGroupPerson, Vote
from shaodian.measures.lifecycle.vocabulary import Level, Verdict
from shaodian.measures.rules import Restriction


@dataclass(frozen=True)
class Revise:
    starts_at: datetime
    ends_at: datetime
    restrictions: tuple[Restriction, ...]
    emergency_reason: str | None = None


@dataclass(frozen=True)
class Evaluate:
    risk_evidence: tuple[str, ...]
    people_affected: int
    businesses_affected: int
    special_group_people: tuple[SpecialGroupPerson, ...] | None


@dataclass(frozen=True)
class SubmitForLegalReview:
    pass


@dataclass(frozen=True)
class LegalApprove:
    legal_basis: tuple[str, ...]
    opinion: str = ""


@dataclass(frozen=True)
class LegalReturn:
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Approve:
    pass


@dataclass(frozen=True)
class Decline:
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RecordVote:
    votes: tuple[Vote, ...]
    eligible_household_ids: frozenset[str]


@dataclass(frozen=True)
class RecordGate:
    special_group_people: tuple[SpecialGroupPerson, ...]


@dataclass(frozen=True)
class PublishNotice:
    reason: str
    restrictions: tuple[Restriction, ...]
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class EnterForce:
    pass


@dataclass(frozen=True)
class Extend:
    new_ends_at: datetime
    filed_with: Level
    filing_ref: str
    reason: str


@dataclass(frozen=True)
class Expire:
    pass


@dataclass(frozen=True)
class Lift:
    reason: str


@dataclass(frozen=True)
class Withdraw:
    reason: str


@dataclass(frozen=True)
class StartRecovery:
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class CompleteRecoveryTask:
    task: str


@dataclass(frozen=True)
class PostEvaluate:
    infections_averted: float
    people_affected: int
    businesses_affected: int
    cost_yuan: float
    complaints: int
    verdict: Verdict
    summary: str


Action = (Revise | Evaluate | SubmitForLegalReview | LegalApprove | LegalReturn | Approve | Decline
          | RecordVote | RecordGate | PublishNotice | EnterForce | Extend | Expire | Lift | Withdraw
          | StartRecovery | CompleteRecoveryTask | PostEvaluate)
