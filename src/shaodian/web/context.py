from shaodian.security.roles import Perm


def navigation(request):
    """Menu entries the user's role may use; pages check the permission again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can": {p.value: user.can(p) for p in Perm},
        "section": _section(request.path),
    }


def _section(path: str) -> str:
    """Which menu entry the page belongs to, for aria-current."""
    if path.startswith("/residents/import"):
        return "import"
    for prefix, name in (("/residents", "residents"), ("/places", "places"), ("/audit", "audit"),
                         ("/checkpoints", "checkpoints"), ("/tracing", "tracing")):
        if path.startswith(prefix):
            return name
    return "home" if path == "/" else ""
