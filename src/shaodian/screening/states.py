"""The visit task's one transition: a knock on the door moves it. Pure: no Django.

pending / nobody_home / refused are open and come back on the worker's list the next day;
reached is done. A later knock on a reached household is refused (a retry is answered by its client id).
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    REACHED = "reached"
    NOBODY_HOME = "nobody_home"
    REFUSED = "refused"


OPEN = frozenset({Status.PENDING, Status.NOBODY_HOME, Status.REFUSED})


@dataclass(frozen=True, slots=True)
class Task:
    status: Status
    due_day: dt.date
    attempts: int


class IllegalMove(Exception):
    code = "already_reached"
    zh = "该户已走访，无需再次登记"
    en = "This household was already reached"


def transition(task: Task, outcome: Status, *, today: dt.date) -> Task:
    """The task after a knock with `outcome` on local day `today`."""
    if outcome not in (Status.REACHED, Status.NOBODY_HOME, Status.REFUSED):
        raise ValueError(outcome)
    if task.status == Status.REACHED:
        raise IllegalMove
    due = task.due_day if outcome == Status.REACHED else max(task.due_day, today + dt.timedelta(days=1))
    return Task(outcome, due, task.attempts + 1)
