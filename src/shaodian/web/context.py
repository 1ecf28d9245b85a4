from shaodian.security.roles import Perm


def navigation(request):
    """Menu entries the user's role may use; pages check the permission again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can": {p.value: user.can(p) for p in Perm},
    }
