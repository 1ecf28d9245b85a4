"""Jurisdiction scoping for rows that reach the tree through a relation, and the one scoped fetch.

Rows that carry the scope columns scope themselves: `Model.objects.for_user(user, perm)`
(`places.models.ScopedQuerySet`). A model that hangs off such a row (a case off its resident)
goes through `scoped(user, queryset, perm, via="resident__")`, the same filter one relation away.
"""

from django.db.models import QuerySet

from shaodian.errors import NotFound
from shaodian.core.jurisdiction import filter_for_user
from shaodian.security.roles import Perm


def scoped(user, queryset: QuerySet, perm: Perm | tuple[Perm, ...], *, via: str = "") -> QuerySet:
    """The rows of `queryset` inside the user's jurisdiction (through `via`), or none without `perm` (or any of them)."""
    return filter_for_user(queryset, user, perm, via=via)


def get_scoped(queryset: QuerySet, pk):
    """One row of an already scoped queryset: missing, outside the jurisdiction or a malformed pk are one NotFound."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None
