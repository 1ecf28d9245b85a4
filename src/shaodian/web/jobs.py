"""Background jobs the worker runs on each tick. Later modules register their outbox handlers here."""

from collections.abc import Callable

HANDLERS: list[Callable[[], int]] = []


def register(handler: Callable[[], int]) -> Callable[[], int]:
    HANDLERS.append(handler)
    return handler


def run_due() -> int:
    return sum(handler() for handler in HANDLERS)
