"""The task state machine, pure: one transition function that refuses illegal moves.

open → acknowledged → done | cancelled. A receiver may complete straight from open (one tap on the phone);
a reassignment (统筹补缺) puts an open or acknowledged task back to open for its new holder.
"""

import dataclasses
import datetime as dt
from enum import Enum


class Status(str, Enum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DONE = "done"
    CANCELLED = "cancelled"


class Action(str, Enum):
    ACKNOWLEDGE = "acknowledge"
    COMPLETE = "complete"
    CANCEL = "cancel"
    REASSIGN = "reassign"


LIVE = frozenset({Status.OPEN, Status.ACKNOWLEDGED})
LIVE_VALUES = tuple(sorted(s.value for s in LIVE))
CLOSED = frozenset({Status.DONE, Status.CANCELLED})
# Which status each action may start from.
FROM = {
    Action.ACKNOWLEDGE: frozenset({Status.OPEN}),
    Action.COMPLETE: LIVE,
    Action.CANCEL: LIVE,
    Action.REASSIGN: LIVE,
}


@dataclasses.dataclass(frozen=True)
class State:
    status: Status = Status.OPEN
    acknowledged_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


class IllegalMove(Exception):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def transition(state: State, action: Action, *, now: dt.datetime, has_evidence: bool = False) -> State:
    """The state after `action`, or IllegalMove; the only way a task's status changes."""
    action = Action(action)
    if state.status not in FROM[action]:
        if state.status in CLOSED:
            raise IllegalMove("task_closed", "任务已办结或已撤销", "The task is already done or cancelled")
        raise IllegalMove("illegal_move", "当前状态下不能执行此操作", "This action is not allowed in the current state")
    if action == Action.ACKNOWLEDGE:
        return dataclasses.replace(state, status=Status.ACKNOWLEDGED, acknowledged_at=now)
    if action == Action.COMPLETE:
        if not has_evidence:
            raise IllegalMove("evidence_missing", "请填写办理情况或上传照片", "Write what was done or add a photo")
        return dataclasses.replace(state, status=Status.DONE, closed_at=now,
                                   acknowledged_at=state.acknowledged_at or now)
    if action == Action.CANCEL:
        return dataclasses.replace(state, status=Status.CANCELLED, closed_at=now)
    # REASSIGN: the new holder acknowledges afresh
    return dataclasses.replace(state, status=Status.OPEN, acknowledged_at=None)
