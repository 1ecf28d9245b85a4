"""Transfer pages (人户迁移): file a request, the holding side's inbox, the requester's outgoing list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shaodian.core.forms import HouseholdPrefillForm
from shaodian.core.shortcuts import need as _need
from shaodian.errors import NotFound, ServiceError
from shaodian.people import selectors, transfers
from shaodian.people.forms import TransferDecisionForm, TransferRequestForm
from shaodian.people.models import TransferStatus
from shaodian.people.views import household_in_scope
from shaodian.security.crypto import mask_id_number
from shaodian.security.roles import Perm

LIST_SIZE = 50


def _service_errors_to_form(form, exc: ServiceError) -> None:
    for fieldname, msgs in exc.errors.items():
        for m in msgs:
            form.add_error(fieldname if fieldname in form.fields else None, str(m))


@login_required
def transfer_list(request):
    """Incoming requests to decide, and the status of the requests this jurisdiction sent."""
    user = request.user
    _need(user, Perm.EDIT_RESIDENTS)
    incoming, outgoing = transfers.transfers_shown(user, limit=LIST_SIZE)
    mine = set(selectors.residents_for(user).filter(pk__in=[t.resident_id for t in incoming]).values_list("pk", flat=True))
    return render(request, "people/transfers.html", {
        "incoming": [(t, t.status == TransferStatus.PENDING and t.resident_id in mine) for t in incoming],
        "outgoing": [(t, mask_id_number(t.id_number)) for t in outgoing],
        "decision_form": TransferDecisionForm(),
    })


@login_required
def transfer_create(request):
    """The form; also reached in one click from a registration refused because the person is registered elsewhere."""
    user = request.user
    _need(user, Perm.EDIT_RESIDENTS)
    if request.method != "POST":
        household = household_in_scope(user, HouseholdPrefillForm(request.GET).filters()["household"])
        form = TransferRequestForm(initial={"household_id": household.pk})
        return render(request, "people/transfer_form.html", {"form": form, "h": household})
    form = TransferRequestForm(request.POST)
    household = household_in_scope(user, form.data.get("household_id", "")[:19])
    if form.is_valid():
        try:
            transfers.transfer_request_create(actor=user, **form.cleaned_data)
        except ServiceError as exc:
            _service_errors_to_form(form, exc)
        else:
            messages.success(request, _("The transfer request was sent. The jurisdiction holding the person will accept or decline it."))
            return redirect("transfer_list")
    return render(request, "people/transfer_form.html", {"form": form, "h": household}, status=422)


@login_required
@require_POST
def transfer_decide(request, transfer_id):
    user = request.user
    _need(user, Perm.EDIT_RESIDENTS)
    form = TransferDecisionForm(request.POST)
    if form.is_valid():
        try:
            transfers.transfer_request_decide(actor=user, transfer_id=transfer_id,
                                              accept=form.cleaned_data["decision"] == "accept",
                                              reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            for msgs in exc.errors.values():
                for m in msgs:
                    messages.error(request, str(m))
        else:
            messages.success(request, _("Accepted: the person now lives at the requested address.")
                             if form.cleaned_data["decision"] == "accept" else _("Declined."))
        return redirect("transfer_list")
    if not transfers.transfers_incoming(user).filter(pk=transfer_id).exists():
        raise NotFound
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)
    return redirect("transfer_list")


@login_required
@require_POST
def transfer_cancel(request, transfer_id):
    user = request.user
    _need(user, Perm.EDIT_RESIDENTS)
    try:
        transfers.transfer_request_cancel(actor=user, transfer_id=transfer_id)
    except ServiceError as exc:
        for msgs in exc.errors.values():
            for m in msgs:
                messages.error(request, str(m))
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("transfer_list")
