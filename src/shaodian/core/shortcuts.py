"""What every view module needs: refuse a role. (Not found and refusals become pages in core.middleware.)"""

from django.core.exceptions import PermissionDenied


def need(user, perm) -> None:
    if not user.can(perm):
        raise PermissionDenied

