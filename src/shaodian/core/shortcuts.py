"""What every view module needs: refuse a role, and answer 'not found' for anything out of scope."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def need(user, perm) -> None:
    if not user.can(perm):
        raise PermissionDenied


def not_found(request):
    """Absent and outside the jurisdiction look the same, on purpose."""
    return render(request, "web/error.html", {"code": 404}, status=404)
