"""The tree's kinds and the one way a user's jurisdiction becomes a row filter.

Below every app (places, security and the domains use it). A user is read by duck type: `node` (a
place with its `kind`), `node_id`, `is_authenticated` and `can(perm)`; nothing here imports a model.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


# --- scoping: the one way a user's jurisdiction becomes a row filter ----------------------------------
# A user without a node, or without the permission, gets an empty queryset rather than an error,
# so nothing leaks by mistake.


def _node_of(user) -> "object | None":
    if not getattr(user, "is_authenticated", False) or getattr(user, "node_id", None) is None:
        return None
    return user.node


def scope_lookup(user, via: str = "") -> dict[str, int] | None:
    """The one equality keeping rows that carry the scope columns inside the user's subtree; None = nothing.

    via: the path to the row that carries them, e.g. "resident__" for a case.
    """
    node = _node_of(user)
    return None if node is None else {f"{via}{node.kind}_id": node.pk}


def place_lookup(user, via: str = "") -> dict[str, int] | None:
    """Places at or below the user's node (a place has no grid column: a grid is its own row); None = nothing."""
    node = _node_of(user)
    if node is None:
        return None
    if node.kind == PlaceKind.GRID:
        return {f"{via}pk": node.pk}
    return {f"{via}{node.kind}_id": node.pk}


def filter_for_user(queryset: models.QuerySet, user, perm, *, via: str = "", lookup=scope_lookup) -> models.QuerySet:
    """The rows of `queryset` the user may see with `perm` (or any of a tuple of them): inside the jurisdiction,
    or none."""
    where = lookup(user, via)
    perms = perm if isinstance(perm, tuple) else (perm,)
    if where is None or not any(user.can(p) for p in perms):
        return queryset.none()
    return queryset.filter(**where)
