"""Each user's in-app inbox: the list, opening one (marks it read), marking all read, and the header's badge."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shaodian.core.models import Notification
from shaodian.core.notify import safe_link

SHOWN = 50


@login_required
def notification_list(request):
    items = list(Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")[:SHOWN])
    return render(request, "core/notifications.html", {"items": items,
                                                       "unread": sum(1 for n in items if n.read_at is None)})


@login_required
def notification_open(request, notification_id):
    """Mark one read and follow its link (always a path on this site)."""
    n = Notification.objects.filter(recipient=request.user, pk=notification_id).first()
    if n is None:
        raise Http404
    if n.read_at is None:
        Notification.objects.filter(pk=n.pk, read_at=None).update(read_at=timezone.now())
    return redirect(safe_link(n.link) or "notification_list")


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at=None).update(read_at=timezone.now())
    return redirect("notification_list")


@login_required
def notification_badge(request):
    """The unread count, fetched by the header after the page has loaded (pages themselves run no extra query)."""
    n = Notification.objects.filter(recipient=request.user, read_at=None).count()
    return HttpResponse(f'<span class="badge">{n}</span>' if n else "")
