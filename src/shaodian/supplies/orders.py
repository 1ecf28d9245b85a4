"""The supply order state machine, pure: one transition function that refuses illegal moves.

raised → confirmed (the supplier accepts) → shipped → received (into the destination's stock);
raised or confirmed → cancelled. Received and cancelled are final.
"""

from enum import Enum


class Status(str, Enum):
    RAISED = "raised"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class Action(str, Enum):
    CONFIRM = "confirm"
    SHIP = "ship"
    RECEIVE = "receive"
    CANCEL = "cancel"


MOVES = {
    (Status.RAISED, Action.CONFIRM): Status.CONFIRMED,
    (Status.CONFIRMED, Action.SHIP): Status.SHIPPED,
    (Status.SHIPPED, Action.RECEIVE): Status.RECEIVED,
    (Status.RAISED, Action.CANCEL): Status.CANCELLED,
    (Status.CONFIRMED, Action.CANCEL): Status.CANCELLED,
}
FINAL = frozenset({Status.RECEIVED, Status.CANCELLED})


class IllegalMove(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def transition(status: Status, action: Action) -> Status:
    """The next status, or IllegalMove saying why not."""
    nxt = MOVES.get((Status(status), Action(action)))
    if nxt is None:
        if Status(status) in FINAL:
            raise IllegalMove("订单已结束，不能再变更", "The order is finished and cannot change")
        raise IllegalMove("当前状态下不能执行此操作", "This step is not possible in the order's current state")
    return nxt
