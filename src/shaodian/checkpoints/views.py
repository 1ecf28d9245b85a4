"""Checkpoint pages: the list (managers add checkpoints there), a venue's QR poster and the guard's page.

Passes and the identity QR are in `views_passes`, alerts from scans in `views_alerts`.
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shaodian.checkpoints import selectors, services
from shaodian.checkpoints.forms import CheckpointForm
from shaodian.checkpoints.models import CheckpointKind, PassKind
from shaodian.core.shortcuts import need as _need
from shaodian.errors import NotFound, ServiceError
from shaodian.places.models import PlaceKind
from shaodian.places.selectors import place_get, scoped_places
from shaodian.security.roles import Perm


def qr_uri(content: str) -> str:
    """An SVG data URI (the CSP allows img data:), medium error correction, a quiet zone of 4."""
    return segno.make(content, error="m").svg_data_uri(scale=4, border=4)


def _place_choices(user):
    """Where a checkpoint can stand: the user's node and the streets and communities below (grids if local)."""
    kinds = [PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY]
    if user.node.kind in (PlaceKind.COMMUNITY, PlaceKind.GRID):
        kinds.append(PlaceKind.GRID)
    return scoped_places(user).filter(kind__in=kinds, active=True).order_by("code")


@login_required
def checkpoint_list(request):
    """Checkpoints and venues of the jurisdiction; managers add new ones here."""
    user = request.user
    _need(user, Perm.VIEW_CHECKPOINTS)
    can_manage = user.can(Perm.MANAGE_CHECKPOINTS)
    errors: dict = {}
    values = {"name": "", "kind": CheckpointKind.COMMUNITY_GATE.value, "place": str(user.node_id), "pass_required": False}
    if request.method == "POST":
        _need(user, Perm.MANAGE_CHECKPOINTS)
        form = CheckpointForm(request.POST)
        if form.is_valid():
            try:
                checkpoint = services.checkpoint_create(
                    actor=user, place=place_get(user, form.cleaned_data["place"]), name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"], pass_required=form.cleaned_data["pass_required"])
            except NotFound:
                form.add_error("place", _("Choose a place in your jurisdiction."))
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Checkpoint added."))
                return redirect(f"{reverse('checkpoint_list')}#cp-{checkpoint.pk}")
        values = {**form.values(), "pass_required": form.data.get("pass_required") == "1"}
        errors = form.errors_by_field()
    return render(
        request,
        "checkpoints/list.html",
        {
            "checkpoints": selectors.checkpoints_for(user).order_by("place__code", "name", "id"),
            "can_manage": can_manage,
            "can_scan": user.can(Perm.SCAN),
            "kinds": CheckpointKind.choices,
            "places": _place_choices(user) if can_manage else [],
            "values": values,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@login_required
def checkpoint_poster(request, checkpoint_id):
    """A printable A4 poster: the venue's name and code, and a QR that opens its guard page."""
    user = request.user
    _need(user, Perm.VIEW_CHECKPOINTS)
    checkpoint = selectors.checkpoint_get(user, checkpoint_id)
    guard_url = request.build_absolute_uri(reverse("checkpoint_guard", args=[checkpoint.pk]))
    return render(request, "checkpoints/poster.html", {"cp": checkpoint, "qr": qr_uri(guard_url), "guard_url": guard_url})


@login_required
def checkpoint_guard(request, checkpoint_id):
    """查验放行: scan or type a code, see the verdict at once, queue the scan; keeps working offline."""
    user = request.user
    _need(user, Perm.SCAN)
    checkpoint = selectors.checkpoint_get(user, checkpoint_id)
    config = {
        "checkpoint": checkpoint.pk,
        "verify": f"/api/v1/checkpoints/{checkpoint.pk}/verify",
        "batch": "/api/v1/scans/batch",
        "keys": "/api/v1/keys",
        "sw": reverse("checkpoint_sw"),
        "scope": reverse("checkpoint_list"),
        "login": reverse("login"),
        "text": _guard_texts(),
        "kinds": dict(PassKind.choices),
        "tz": settings.TIME_ZONE,
    }
    return render(request, "checkpoints/guard.html", {"cp": checkpoint, "config": config})


def _guard_texts() -> dict:
    """Everything guard.js shows, translated here (the page carries it as JSON: no inline script)."""
    return {
        "online": _("Online"),
        "offline": _("Offline"),
        "queue": _("To upload"),
        "keys_at": _("Offline key updated"),
        "keys_none": _("No offline key yet: connect once to download it"),
        "keys_old": _("Offline key is more than a day old: connect to refresh it"),
        "allowed": _("Allowed"),
        "pass_required": _("Pass required"),
        "under_monitoring": _("Under health monitoring: call the community"),
        "case_or_contact": _("Case or close contact: do not let pass, report now"),
        "refuse": _("Do not let pass"),
        "pending": _("Offline: recorded, checked when online"),
        "offline_pass": _("Checked offline against the signature: health status not checked"),
        "forged": _("The signature is invalid: the code may be forged"),
        "malformed": _("Not a Shaodian code"),
        "revoked": _("The pass has been revoked"),
        "expired": _("The pass is not valid at this time"),
        "wrong_checkpoint": _("The pass is not valid at this checkpoint"),
        "no_key": _("No offline key on this phone: connect to the network once"),
        "no_crypto": _("This browser cannot check signatures offline (needs HTTPS and a recent browser)"),
        "not_here": _("This checkpoint is not in your jurisdiction"),
        "login": _("Your login has expired: log in again (nothing queued is lost)"),
        "server_error": _("The server did not answer: try again"),
        "recorded": _("Recorded"),
        "storage_full": _("Not recorded: this phone's storage is full. Connect to upload the queue."),
        "in": _("In"),
        "out": _("Out"),
        "temp_bad": _("Temperature must be between 30 and 45 °C"),
        "temp_high": _("High temperature: measure again and follow the rules"),
        "fever": _("Fever: measure again and guide the person to the fever clinic"),
        "id_online": _("An ID card number is checked only online: connect, or scan the person's code"),
        "alert_case": _("Active case"),
        "alert_close_contact": _("Close contact"),
        "alert_monitoring": _("Contact under health monitoring"),
        "alert_revoked_pass": _("Used a revoked pass"),
        "alert_fever": _("Fever"),
        "pass": _("Pass"),
        "plate": _("Plate"),
        "valid_to": _("Valid until"),
        "disinfected": _("Vehicle disinfected"),
        "not_disinfected": _("No disinfection recorded for this vehicle"),
        "camera_error": _("The camera could not be opened: type or paste the code instead"),
        "waiting": _("Scan or type a code"),
        "insecure": _("Offline mode needs HTTPS (or this computer's own address): this page will not work without the network."),
    }

