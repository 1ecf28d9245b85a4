"""Pass pages (通行证): the list and the issue form, one pass with its QR and revocation; a resident's identity QR."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shaodian.checkpoints import selectors, services
from shaodian.checkpoints.forms import PassIssueForm, PassRevokeForm
from shaodian.checkpoints.models import Pass, PassKind
from shaodian.checkpoints.views import qr_uri
from shaodian.core.forms import ResidentPrefillForm, local_input
from shaodian.errors import NotFound, ServiceError
from shaodian.people.selectors import resident_get
from shaodian.security.crypto import mask_name
from shaodian.security.roles import PASS_KINDS, Perm, Role
from shaodian.core.shortcuts import need as _need

PASS_LIST_LIMIT = 200


def _pass_state(permit: Pass, now: dt.datetime) -> str:
    if permit.revoked_at is not None:
        return "revoked"
    if now < permit.valid_from:
        return "future"
    if now > permit.valid_to:
        return "expired"
    return "valid"


def _holder(user, permit: Pass) -> str:
    """Full names for roles that browse residents, masked (张*明) for the others."""
    name = permit.resident.name if permit.resident_id else permit.driver_name
    return name if user.can(Perm.VIEW_RESIDENTS) else mask_name(name or "")


def _pass_kinds(user) -> list[tuple[str, str]]:
    try:
        allowed = PASS_KINDS.get(Role(user.role), frozenset())
    except ValueError:
        allowed = frozenset()
    return [(v, label) for v, label in PassKind.choices if v in allowed]


def _may_see_passes(user) -> None:
    if not (user.can(Perm.ISSUE_PASS) or user.can(Perm.SCAN)):
        raise PermissionDenied


@login_required
def pass_list(request):
    """Passes of the jurisdiction, and the issue form for the roles that issue them."""
    user = request.user
    _may_see_passes(user)
    kinds = _pass_kinds(user)
    can_issue = user.can(Perm.ISSUE_PASS) and bool(kinds)
    now = timezone.now()
    # Coming from a resident's page (?resident=): the form is filled in with whom the pass is for.
    prefill = ResidentPrefillForm(request.GET)
    resident_id = prefill.filters()["resident"]
    asked = resident_id is not None or bool(prefill.errors)
    values = {
        "kind": kinds[0][0] if kinds else "", "checkpoints": [], "reason": "", "plate": "", "driver_name": "",
        "driver_phone": "", "resident_id": "" if resident_id is None else str(resident_id),
        "valid_from": local_input(now), "valid_to": local_input(now + dt.timedelta(days=1)),
    }
    errors: dict = {}
    if can_issue and prefill.errors:  # a link with a word, or a number no resident can have
        errors["resident_id"] = [_("Unknown resident, or outside your jurisdiction.")]
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied
        form = PassIssueForm(request.POST, kinds=kinds)
        if form.is_valid():
            try:
                permit = services.pass_issue(actor=user, checkpoint_ids=form.cleaned_data.pop("checkpoints"),
                                             **form.cleaned_data)
            except ServiceError as exc:
                if exc.status == 403:
                    raise PermissionDenied from None
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Pass issued: print it or send the QR to the holder."))
                return redirect("pass_detail", pass_id=permit.pk)
        values = form.values()
        errors = form.errors_by_field()
        resident_id = form.cleaned_data.get("resident_id")
    holder = None
    if can_issue and resident_id is not None and user.can(Perm.VIEW_RESIDENTS):
        # Show whom the pass is for; reading the resident is audited like any detail view.
        try:
            holder = resident_get(user, resident_id)
        except NotFound:
            errors.setdefault("resident_id", [_("Unknown resident, or outside your jurisdiction.")])
    passes = (
        selectors.passes_for(user).select_related("resident").prefetch_related("checkpoints")
        .order_by("-issued_at", "-id")[:PASS_LIST_LIMIT]
    )
    return render(
        request,
        "checkpoints/passes.html",
        {
            "rows": [(p, _holder(user, p), _pass_state(p, now)) for p in passes],
            "limit": PASS_LIST_LIMIT,
            "can_issue": can_issue,
            # Coming from a resident's page, or correcting a refused form: the form comes first.
            "form_first": bool(errors) or asked,
            "kinds": kinds,
            "checkpoints": selectors.checkpoints_for(user).order_by("name", "id")[:500] if can_issue else [],
            "values": values,
            "holder": holder,
            "errors": errors,
        },
        status=422 if errors and request.method == "POST" else 200,
    )


@login_required
def pass_detail(request, pass_id):
    """One pass: its signed QR to print or send, and revocation."""
    user = request.user
    _may_see_passes(user)
    permit = selectors.pass_get(user, pass_id)
    # Only who may issue this kind of pass here hands out its QR or revokes it.
    can_issue = services.pass_may_manage(user, permit)
    errors: dict = {}
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied
        form = PassRevokeForm(request.POST)
        if form.is_valid():
            try:
                services.pass_revoke(actor=user, permit=permit, reason=form.cleaned_data["reason"])
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Pass revoked. Guard phones refuse it once they have been online."))
                return redirect("pass_detail", pass_id=permit.pk)
        errors = form.errors_by_field()
    state = _pass_state(permit, timezone.now())
    return render(
        request,
        "checkpoints/pass.html",
        {
            "p": permit,
            "holder": _holder(user, permit),
            "state": state,
            "checkpoints": permit.checkpoints.order_by("name"),
            # Guards check passes; only issuers hand out the QR itself.
            "qr": qr_uri(services.pass_token(permit)) if can_issue and state != "revoked" else None,
            "can_issue": can_issue,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@login_required
def identity(request, resident_id):
    """A resident's digital-identity QR to print (for those without a smartphone); a POST issues a new code.

    The reissue form has no fields: the button is the whole input.
    """
    user = request.user
    _need(user, Perm.VIEW_RESIDENTS)
    resident = resident_get(user, resident_id)
    can_reissue = user.can(Perm.EDIT_RESIDENTS)
    if request.method == "POST":
        if not can_reissue:
            raise PermissionDenied
        services.identity_reissue(actor=user, resident=resident)
        messages.success(request, _("A new code was issued; the old one no longer works."))
        return redirect("checkpoint_identity", resident_id=resident.pk)
    token = services.identity_token(resident)  # draws the resident's opaque id the first time
    code = resident.qr_id
    return render(
        request,
        "checkpoints/identity.html",
        {
            "r": resident,
            "qr": qr_uri(token),
            "code_groups": [code[i:i + 4] for i in range(0, len(code), 4)],
            "can_reissue": can_reissue,
        },
    )
