"""A resident's current address changed: the apps above people that hold something tied to the old place react.

An accepted transfer (transfers.py) or staff making another household current (services.resident_link) moves a
person into another jurisdiction, but what is tied to the old place lives higher up (a pass names the old
community's gates, and checkpoints sits above people). So the mover queues the move on the outbox inside its own
transaction (`resident_moved`: the move and its news commit together or not at all), apps register a listener
here at start-up, and the worker calls every listener in one transaction, retried until all succeed. Listeners
must be idempotent (a retry runs them all again) and judge by the person's address when they run, not by the
move's target: a person moved twice before the worker ran is judged where they are.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

from shaodian.core import outbox

EVENT = "people.moved"


@dataclasses.dataclass(frozen=True)
class Move:
    resident_id: int
    from_household_id: int | None
    to_household_id: int
    transfer_id: int | None  # the accepted transfer request, when the move was one
    at: dt.datetime


Listener = Callable[[Move], object]
_LISTENERS: dict[str, Listener] = {}


def listen(name: str, listener: Listener) -> None:
    """Call `listener(move)` for every move; registering a name again replaces it (ready() may run twice)."""
    _LISTENERS[name] = listener


CHUNK = 500  # moves per outbox row: an import that moves thousands queues a few rows, not thousands


def residents_moved(moves: list[tuple[int, int | None, int]], *, at: dt.datetime, transfer_id: int | None = None) -> None:
    """Queue the news of moves (resident, from household, to household) for the listeners; call it inside the
    transaction that moves the people."""
    moves = [(r, f, t) for r, f, t in moves if f != t]
    for i in range(0, len(moves), CHUNK):
        part = moves[i:i + CHUNK]
        key = (f"{EVENT}:transfer:{transfer_id}" if transfer_id
               else f"{EVENT}:{part[0][0]}:{part[-1][0]}:{len(part)}:{at.isoformat()}")
        outbox.enqueue(EVENT, {"moves": [list(m) for m in part], "transfer": transfer_id, "at": at.isoformat()},
                       key=key)


def resident_moved(*, resident_id: int, from_household_id: int | None, to_household_id: int, at: dt.datetime,
                   transfer_id: int | None = None) -> None:
    """Queue the news of one move (see residents_moved)."""
    residents_moved([(resident_id, from_household_id, to_household_id)], at=at, transfer_id=transfer_id)


def run_listeners(payload: dict, claim=None) -> None:
    """The outbox handler: every listener for every move of the row, in one transaction (the worker's)."""
    at = dt.datetime.fromisoformat(payload["at"])
    for resident_id, from_household_id, to_household_id in payload["moves"]:
        move = Move(resident_id, from_household_id, to_household_id, payload["transfer"], at)
        for name in sorted(_LISTENERS):
            _LISTENERS[name](move)


def moved_resident(move: Move):
    """The resident a move concerns, as they are now (their new place's scope columns), or None if gone.

    For the listeners, which run in the worker with no acting user: they read the person through here.
    """
    from shaodian.people.models import Resident

    return Resident.objects.filter(pk=move.resident_id).first()
