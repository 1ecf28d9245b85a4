"""The administrators' view of the outbox: what is stuck or failing, and a retry of one row (audited)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shaodian.core import outbox
from shaodian.core.models import OutboxItem, OutboxStatus
from shaodian.errors import ServiceError
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm

SHOWN = 100

# What each background job is called on the page; the event code stays in the logs and the database.
EVENT_LABELS = {
    "core.notify": gettext_lazy("Send a notification"),
    "core.exports_purge": gettext_lazy("Delete expired export files"),
    "core.outbox_purge": gettext_lazy("Clean up finished background jobs"),
    "export.residents": gettext_lazy("Export residents"),
    "measures.expire": gettext_lazy("End measures whose term is over"),
    "monitoring.expire": gettext_lazy("End health monitoring whose term is over"),
    "monitoring.alerts": gettext_lazy("Raise health alerts for missing reports"),
    "monitoring.alert_tasks": gettext_lazy("Give health alerts to the grid workers as tasks"),
    "delivery.rounds_day_over": gettext_lazy("Close the delivery rounds left open after their day"),
}


def event_label(event: str) -> str:
    """The name of a background job; an event without a label shows its code rather than nothing."""
    return EVENT_LABELS.get(event, event)


def outbox_item_retry(*, user, item_id: int) -> None:
    """Queue a dead or failing background job again now (administrators), with an audit row."""
    if not user.can(Perm.OPERATE):
        raise ServiceError.forbidden()
    with transaction.atomic():
        if not outbox.outbox_retry(item_id=item_id):
            raise ServiceError.one("item", "该任务不是失败或待重试状态，无需重试", "This job is neither failed nor waiting for a retry",
                                   "state", status=409)
        audit(user, AuditAction.UPDATE, "outbox_item", item_id, detail={"retry": True})


@login_required
def outbox_page(request):
    if not request.user.can(Perm.OPERATE):
        raise PermissionDenied
    now = timezone.now()
    counts = dict(OutboxItem.objects.values_list("status").annotate(n=Count("pk")).order_by())
    stuck = list(outbox.stuck_items(now)[:SHOWN])
    for item in stuck:
        item.event_label = event_label(item.event)
        item.lapsed = item.status == OutboxStatus.RUNNING and item.locked_until and item.locked_until < now
    running = list(OutboxItem.objects.filter(status=OutboxStatus.RUNNING, locked_until__gte=now).order_by("-updated_at")[:20])
    for item in running:
        item.event_label = event_label(item.event)
    return render(request, "web/outbox.html", {
        "counts": [(s, counts.get(s.value, 0)) for s in OutboxStatus], "stuck": stuck, "running": running,
        "handlers": sorted(event_label(e) for e in outbox.HANDLERS),
        "periodic": [(event_label(p.event), int(p.every.total_seconds() // 60)) for p in sorted(outbox.PERIODIC.values(), key=lambda p: p.event)],
    })


@login_required
@require_POST
def outbox_retry_view(request, item_id):
    try:
        outbox_item_retry(user=request.user, item_id=item_id)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        messages.error(request, str(exc.errors["item"][0]))
    else:
        messages.success(request, _("The job was queued again."))
    return redirect("outbox")
