from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shaodian.web.home import home_for


@login_required
def home(request):
    """The role's own work: counts, queues and links (no personal data, so no audit row)."""
    return render(request, "web/home.html", {"home": home_for(request.user)})


def not_found(request, exception=None):
    return render(request, "web/error.html", {"code": 404}, status=404)


def forbidden(request, exception=None):
    return render(request, "web/error.html", {"code": 403}, status=403)


def server_error(request):
    return render(request, "web/error.html", {"code": 500}, status=500)
