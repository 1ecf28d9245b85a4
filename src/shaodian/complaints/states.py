"""The complaint state machine, pure: one transition function that refuses illegal moves.

new → assigned → in progress → resolved | closed-unresolved → reporter feedback → reopen (within 7 days).
"Closed" is not "fixed": closed-unresolved is its own state and never counts as resolved.
"""

import dataclasses
import datetime as dt
from enum import Enum

REOPEN_WINDOW = dt.timedelta(days=7)


class Status(str, Enum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED_UNRESOLVED = "closed_unresolved"


class Action(str, Enum):
    ASSIGN = "assign"
    START = "start"  # the handling body answers the reporter and takes the work on
    RESOLVE = "resolve"
    CLOSE_UNRESOLVED = "close_unresolved"
    FEEDBACK = "feedback"  # the reporter: satisfied or not
    REOPEN = "reopen"  # the reporter, within REOPEN_WINDOW of the closing


CLOSED = frozenset({Status.RESOLVED, Status.CLOSED_UNRESOLVED})
REPORTER_ACTIONS = frozenset({Action.FEEDBACK, Action.REOPEN})
# Which status each staff action may start from.
FROM = {
    Action.ASSIGN: frozenset({Status.NEW, Status.ASSIGNED}),
    Action.START: frozenset({Status.ASSIGNED}),
    Action.RESOLVE: frozenset({Status.IN_PROGRESS}),
    Action.CLOSE_UNRESOLVED: frozenset({Status.ASSIGNED, Status.IN_PROGRESS}),
    Action.FEEDBACK: CLOSED,
    Action.REOPEN: CLOSED,
}


@dataclasses.dataclass(frozen=True)
class State:
    status: Status = Status.NEW
    responded_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    satisfied: bool | None = None  # the reporter's feedback on the latest closing
    reopen_count: int = 0

    @property
    def is_resolved(self) -> bool:
        return self.status == Status.RESOLVED


class IllegalMove(Exception):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def transition(state: State, action: Action, *, now: dt.datetime, by_reporter: bool = False,
               satisfied: bool | None = None) -> State:
    """The state after `action`, or IllegalMove; the only way a complaint's status changes."""
    action = Action(action)
    if (action in REPORTER_ACTIONS) != by_reporter:
        if by_reporter:
            raise IllegalMove("reporter_only_feedback", "举报人只能评价或重新打开诉求",
                              "The reporter may only give feedback or reopen")
        raise IllegalMove("not_reporter", "只有举报人本人可以评价或重新打开", "Only the reporter may give feedback or reopen")
    if state.status not in FROM[action]:
        raise IllegalMove("illegal_move", "当前状态下不能执行此操作", "This action is not allowed in the current state")
    if action == Action.ASSIGN:
        return dataclasses.replace(state, status=Status.ASSIGNED)
    if action == Action.START:
        return dataclasses.replace(state, status=Status.IN_PROGRESS, responded_at=state.responded_at or now)
    if action in (Action.RESOLVE, Action.CLOSE_UNRESOLVED):
        status = Status.RESOLVED if action == Action.RESOLVE else Status.CLOSED_UNRESOLVED
        return dataclasses.replace(state, status=status, closed_at=now, satisfied=None,
                                   responded_at=state.responded_at or now)
    if action == Action.FEEDBACK:
        if satisfied is None:
            raise IllegalMove("feedback_missing", "请选择满意或不满意", "Choose satisfied or not satisfied")
        if state.satisfied is not None:
            raise IllegalMove("feedback_given", "已评价过", "Feedback was already given")
        return dataclasses.replace(state, satisfied=bool(satisfied))
    # REOPEN
    if now - state.closed_at > REOPEN_WINDOW:
        raise IllegalMove("reopen_window", "办结超过 7 天，不能重新打开，请重新提交诉求",
                          "Closed more than 7 days ago: file a new report instead")
    return dataclasses.replace(state, status=Status.ASSIGNED, closed_at=None, satisfied=None,
                               reopen_count=state.reopen_count + 1)
