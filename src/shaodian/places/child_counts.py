"""Numbers shown beside each child on the tree page, supplied by the apps that sit above places.

places is a lower layer than people, so the tree page cannot ask people how many residents a
street or community holds. people registers a counter here when Django starts instead; with
nothing registered the page shows no numbers.
"""

from collections.abc import Callable

from django.db.models import QuerySet

# (user, place, children) -> {child pk: count}
Counter = Callable[[object, object, QuerySet], dict[int, int]]

_resident_counter: Counter | None = None


def register_resident_counter(counter: Counter) -> None:
    global _resident_counter
    _resident_counter = counter


def resident_counts(user, place, children: QuerySet) -> dict[int, int]:
    """Residents per child of `place` that the user may see; empty when no app counts them."""
    if _resident_counter is None:
        return {}
    return _resident_counter(user, place, children)
