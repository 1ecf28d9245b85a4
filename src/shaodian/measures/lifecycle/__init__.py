"""Measure lifecycle (管控措施生命周期): one pure transition function, no Django.

draft → evaluated → legal_review → approved → notice_published → in_force → expired | lifted
→ recovery → post_evaluated; legal review or the approver may send a measure back (returned);
any measure not yet in force may be withdrawn. Every illegal move raises TransitionRefused with
a bilingual reason and changes nothing (the state is frozen; a new one is returned on success).

Choices the Django layer must follow (MEA-3, MEA-4, PUB-4):
- Approval level: strictly above the measure's area, except a district or city measure, which
  its own level approves. A grid measure also needs the street: a residents' committee is a
  self-governing body and cannot authorise restrictions of movement.
- "Community-level" means community *and below* (grid, building, unit): residents vote unless
  the start is an emergency with a recorded reason.
- The notice may narrow the approved term or restrictions, never widen them.
- An extension is filed with a level strictly above the approver (a city files with the province
  outside the system and records the reference with level "city").
- Expiry needs no action: effective_status() reports a measure past its end as expired.

The package is split by concept: `vocabulary` (statuses, levels, roles), `records` (what the
state holds), `actions`, `checks` (pure helpers the pages share) and `transitions`; import from here.
"""

from shaodian.measures.lifecycle.vocabulary import (
    MAX_TERM,
    MEDICAL_GROUPS,
    NOTICE_LEAD,
    GapKind,
    Level,
    Role,
    SpecialGroup,
    Status,
    TransitionRefused,
    Verdict,
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
    RejectedVote,
    SentBack,
    SpecialGroupPerson,
    Vote,
    VoteResult,
)
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
    effective_status,
    gate_gaps,
    is_in_force,
    may_approve,
    may_withdraw,
    required_approver_level,
    tally,
)
from shaodian.measures.lifecycle.transitions import (
    propose,
    transition,
)

__all__ = [
    "MAX_TERM",
    "NOTICE_LEAD",
    "TransitionRefused",
    "Status",
    "Level",
    "Role",
    "SpecialGroup",
    "MEDICAL_GROUPS",
    "GapKind",
    "Verdict",
    "Actor",
    "SpecialGroupPerson",
    "Gap",
    "GateResult",
    "Vote",
    "RejectedVote",
    "VoteResult",
    "Evaluation",
    "LegalOpinion",
    "SentBack",
    "Approval",
    "Notice",
    "Extension",
    "Ending",
    "RecoveryTask",
    "PostEvaluation",
    "LogEntry",
    "MeasureState",
    "Revise",
    "Evaluate",
    "SubmitForLegalReview",
    "LegalApprove",
    "LegalReturn",
    "Approve",
    "Decline",
    "RecordVote",
    "RecordGate",
    "PublishNotice",
    "EnterForce",
    "Extend",
    "Expire",
    "Lift",
    "Withdraw",
    "StartRecovery",
    "CompleteRecoveryTask",
    "PostEvaluate",
    "Action",
    "required_approver_level",
    "may_approve",
    "may_withdraw",
    "tally",
    "gate_gaps",
    "effective_status",
    "is_in_force",
    "propose",
    "transition",
]
