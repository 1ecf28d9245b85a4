"""扫码预警 pages: cases, contacts, revoked passes and fevers seen at the jurisdiction's gates, to acknowledge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shaodian.checkpoints import alerts, selectors
from shaodian.checkpoints.forms import AlertAcknowledgeForm, AlertFilterForm
from shaodian.checkpoints.models import AlertKind
from shaodian.errors import ServiceError
from shaodian.security.crypto import mask_name
from shaodian.security.roles import Perm

ALERT_LIST_LIMIT = 200


@login_required
def alert_list(request):
    """The open alerts of the jurisdiction (or all of them), each with what to do."""
    user = request.user
    if not alerts.may_see(user):
        raise PermissionDenied
    show_all = AlertFilterForm(request.GET).filters()["show"] == "all"
    rows = selectors.alerts_shown(user, show_all=show_all, limit=ALERT_LIST_LIMIT)
    scope = f"{user.node.kind}_id" if user.node_id else None
    can_open = user.can(Perm.VIEW_RESIDENTS)
    items = [{
        "a": a,
        "name": mask_name(a.resident.name) if a.resident_id else "—",
        # A link to the person only for who may open them there (the page audits the read).
        "resident_url": reverse("resident_detail", args=[a.resident_id]) if (
            can_open and a.resident_id and scope and getattr(a.resident, scope) == user.node_id) else None,
        "text": _alert_text(a),
    } for a in rows]
    return render(request, "checkpoints/alerts.html", {
        "items": items, "show_all": show_all, "limit": ALERT_LIST_LIMIT,
        "open_count": len(items) if not show_all else selectors.alerts_open_for(user).count(),
        "can_acknowledge": alerts.may_acknowledge(user),
    })


def _alert_text(alert) -> str:
    texts = {
        AlertKind.CASE: _("An active case passed this checkpoint: find the person and report to the health office."),
        AlertKind.CLOSE_CONTACT: _("A close contact passed this checkpoint: call them and check their monitoring."),
        AlertKind.MONITORING: _("A contact under health monitoring passed this checkpoint: call them."),
        AlertKind.REVOKED_PASS: _("A revoked pass was used here (the guard's phone had not yet learnt it): check with the holder."),
        AlertKind.FEVER: _("A fever was measured here: make sure the person was guided to the fever clinic."),
    }
    return texts.get(alert.kind, "")


@login_required
def alert_acknowledge(request, alert_id):
    """Acknowledge one alert (POST), with an optional note of what was done."""
    user = request.user
    if request.method != "POST":
        return redirect("checkpoint_alerts")
    if not alerts.may_see(user):
        raise PermissionDenied
    alert = selectors.alert_get(user, alert_id)
    if not alerts.may_acknowledge(user):
        raise PermissionDenied
    form = AlertAcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            alerts.alert_acknowledge(actor=user, alert=alert, note=form.cleaned_data["note"])
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Alert acknowledged."))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("checkpoint_alerts")
