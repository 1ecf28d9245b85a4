from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shaodian.people.selectors import households_for, residents_for
from shaodian.people.models import SpecialGroup
from shaodian.places.models import PlaceKind
from shaodian.security.scope import scoped_places


@login_required
def home(request):
    """Counts for the user's jurisdiction (numbers only: no personal data, so no audit row)."""
    user = request.user
    places = scoped_places(user)
    residents = residents_for(user)
    stats = {
        "residents": residents.count(),
        "households": households_for(user).count(),
        "communities": places.filter(kind=PlaceKind.COMMUNITY).count(),
        "grids": places.filter(kind=PlaceKind.GRID).count(),
    }
    groups = []
    if user.can_view_residents:
        for code in (SpecialGroup.ELDERLY_ALONE, SpecialGroup.DIALYSIS, SpecialGroup.INSULIN, SpecialGroup.PREGNANT,
                     SpecialGroup.DISABLED, SpecialGroup.CHILD):
            groups.append((code, code.label, residents.filter(tags__contains=f",{code.value},").count()))
    return render(request, "web/home.html", {"stats": stats, "groups": groups})


def not_found(request, exception=None):
    return render(request, "web/error.html", {"code": 404}, status=404)


def forbidden(request, exception=None):
    return render(request, "web/error.html", {"code": 403}, status=403)


def server_error(request):
    return render(request, "web/error.html", {"code": 500}, status=500)
