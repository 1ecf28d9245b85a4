"""The states of a transfer request (人户迁移) and the one table of legal moves. Pure: no Django."""

from enum import Enum


class State(str, Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class Action(str, Enum):
    ACCEPT = "accept"  # by the holding side: the person moves
    DECLINE = "decline"  # by the holding side, with a reason
    CANCEL = "cancel"  # by the requesting side


MOVES: dict[State, dict[Action, State]] = {
    State.PENDING: {Action.ACCEPT: State.ACCEPTED, Action.DECLINE: State.DECLINED, Action.CANCEL: State.CANCELLED},
}


class IllegalTransition(ValueError):
    def __init__(self, state: str, action: str):
        super().__init__(f"{action} is not allowed from {state}")
        self.state, self.action = state, action


def next_state(state: str, action: str) -> State:
    """The state after `action`, or IllegalTransition: only a pending request can be decided or cancelled."""
    try:
        return MOVES[State(state)][Action(action)]
    except (KeyError, ValueError):
        raise IllegalTransition(state, action) from None


def is_final(state: str) -> bool:
    return State(state) not in MOVES
