"""Jurisdiction scoping: the one place that turns a user into a row filter.

Every selector of personal data calls `scoped`; a user without a node, or without the
permission, gets an empty queryset rather than an error, so nothing leaks by mistake.
"""

from django.db.models import Q, QuerySet

from shaodian.security.roles import Perm


class OutOfScope(Exception):
    """The object does not exist for this user (outside the jurisdiction or role)."""


def scope_q(user) -> Q | None:
    """Q matching rows of Jurisdictional models inside the user's subtree; None = nothing."""
    if not getattr(user, "is_authenticated", False) or user.node_id is None:
        return None
    kind = user.node.kind
    return Q(**{f"{kind}_id": user.node_id})


def scoped(user, queryset: QuerySet, perm: Perm) -> QuerySet:
    if not user.can(perm):
        return queryset.none()
    q = scope_q(user)
    return queryset.filter(q) if q is not None else queryset.none()
