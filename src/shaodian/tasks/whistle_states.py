"""The whistle (吹哨报到) state machine, pure: one transition function that refuses illegal moves.

raised → answered (the department reports) → closed (the community confirms); raised → withdrawn.
A raised whistle past its deadline escalates one level up with a fresh deadline; each later lapse goes up again.
"""

import dataclasses
import datetime as dt
from enum import Enum


class Status(str, Enum):
    RAISED = "raised"
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Action(str, Enum):
    ANSWER = "answer"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    ESCALATE = "escalate"


FROM = {
    Action.ANSWER: frozenset({Status.RAISED}),
    Action.CLOSE: frozenset({Status.ANSWERED}),
    Action.WITHDRAW: frozenset({Status.RAISED}),
    Action.ESCALATE: frozenset({Status.RAISED}),
}


@dataclasses.dataclass(frozen=True)
class State:
    status: Status
    due_at: dt.datetime
    level: int = 0
    answered_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


class IllegalMove(Exception):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def transition(state: State, action: Action, *, now: dt.datetime, grace: dt.timedelta | None = None,
               top: bool = False) -> State:
    """The state after `action`; ESCALATE needs the deadline passed, not the top of the tree, and the new `grace`."""
    action = Action(action)
    if state.status not in FROM[action]:
        raise IllegalMove("illegal_move", "当前状态下不能执行此操作", "This action is not allowed in the current state")
    if action == Action.ANSWER:
        return dataclasses.replace(state, status=Status.ANSWERED, answered_at=now)
    if action in (Action.CLOSE, Action.WITHDRAW):
        status = Status.CLOSED if action == Action.CLOSE else Status.WITHDRAWN
        return dataclasses.replace(state, status=status, closed_at=now)
    if now <= state.due_at:
        raise IllegalMove("not_late", "尚未超过答复期限", "The answer is not late yet")
    if top:
        raise IllegalMove("at_top", "已升级至最高一级", "Already at the top of the tree")
    if grace is None or grace <= dt.timedelta(0):
        raise IllegalMove("grace_missing", "须给出新的答复期限", "A new deadline is needed")
    return dataclasses.replace(state, level=state.level + 1, due_at=now + grace)
