"""Checkpoint pages: the list, a venue's QR poster, the guard's verify-and-release page, passes, identity QR."""

import datetime as dt

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shaodian.checkpoints import selectors, services
from shaodian.checkpoints.models import CheckpointKind, Pass, PassKind
from shaodian.core.shortcuts import need as _need, not_found as _not_found
from shaodian.errors import NotFound, ServiceError
from shaodian.people.selectors import resident_get
from shaodian.places.models import PlaceKind
from shaodian.places.selectors import place_get, scoped_places
from shaodian.security.audit import audit_list
from shaodian.security.crypto import mask_name
from shaodian.security.roles import PASS_KINDS, Perm, Role

PASS_LIST_LIMIT = 200


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _id(value: str) -> int:
    """A typed or posted id; out-of-range numbers become 0, which matches nothing (never an overflow)."""
    number = int(value)
    return number if 0 < number < 2**63 else 0


def _qr_uri(content: str) -> str:
    """An SVG data URI (the CSP allows img data:), medium error correction, a quiet zone of 4."""
    return segno.make(content, error="m").svg_data_uri(scale=4, border=4)


# ----------------------------------------------------------------------------- checkpoints


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
        values = {
            "name": request.POST.get("name", "")[:200],
            "kind": request.POST.get("kind", ""),
            "place": request.POST.get("place", ""),
            "pass_required": request.POST.get("pass_required") == "1",
        }
        try:
            place = place_get(user, values["place"])
        except NotFound:
            errors = {"place": [_("Choose a place in your jurisdiction.")]}
        else:
            try:
                checkpoint = services.checkpoint_create(
                    actor=user, place=place, name=values["name"], kind=values["kind"],
                    pass_required=values["pass_required"], request=request,
                )
            except NotFound:
                errors = {"place": [_("Choose a place in your jurisdiction.")]}
            except ServiceError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Checkpoint added."))
                return redirect(f"{reverse('checkpoint_list')}#cp-{checkpoint.pk}")
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
    try:
        checkpoint = selectors.checkpoint_get(user, checkpoint_id)
    except NotFound:
        return _not_found(request)
    guard_url = request.build_absolute_uri(reverse("checkpoint_guard", args=[checkpoint.pk]))
    return render(request, "checkpoints/poster.html", {"cp": checkpoint, "qr": _qr_uri(guard_url), "guard_url": guard_url})


@login_required
def checkpoint_guard(request, checkpoint_id):
    """查验放行: scan or type a code, see the verdict at once, queue the scan; keeps working offline."""
    user = request.user
    _need(user, Perm.SCAN)
    try:
        checkpoint = selectors.checkpoint_get(user, checkpoint_id)
    except NotFound:
        return _not_found(request)
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
        "camera_error": _("The camera could not be opened: type or paste the code instead"),
        "waiting": _("Scan or type a code"),
        "insecure": _("Offline mode needs HTTPS (or this computer's own address): this page will not work without the network."),
    }


def service_worker(request):
    """The guard page's service worker, served under /checkpoints/ so its scope covers the guard pages."""
    path = finders.find("web/sw.js")
    with open(path, encoding="utf-8") as fh:
        body = fh.read()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("checkpoint_list")
    response["Cache-Control"] = "no-cache"
    return response


# ----------------------------------------------------------------------------- passes


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


def _local_input(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _parse_local(raw: str) -> dt.datetime | None:
    """A datetime-local field (Asia/Shanghai wall time) as an aware datetime."""
    try:
        naive = dt.datetime.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive
    return timezone.make_aware(naive)


@login_required
def pass_list(request):
    """Passes of the jurisdiction, and the issue form for the roles that issue them."""
    user = request.user
    if not (user.can(Perm.ISSUE_PASS) or user.can(Perm.SCAN)):
        raise PermissionDenied
    can_issue = user.can(Perm.ISSUE_PASS) and bool(_pass_kinds(user))
    now = timezone.now()
    kinds = _pass_kinds(user)
    values = {
        "kind": kinds[0][0] if kinds else "", "checkpoints": [], "reason": "", "plate": "", "driver_name": "",
        "driver_phone": "", "resident_id": request.GET.get("resident", "")[:19],
        "valid_from": _local_input(now), "valid_to": _local_input(now + dt.timedelta(days=1)),
    }
    errors: dict = {}
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied
        values = {
            "kind": request.POST.get("kind", ""),
            "checkpoints": [c for c in request.POST.getlist("checkpoints") if _digits(c)][:500],
            "reason": request.POST.get("reason", "")[:400],
            "plate": request.POST.get("plate", "")[:32],
            "driver_name": request.POST.get("driver_name", "")[:64],
            "driver_phone": request.POST.get("driver_phone", "")[:32],
            "resident_id": request.POST.get("resident_id", "").strip()[:19],
            "valid_from": request.POST.get("valid_from", "")[:32],
            "valid_to": request.POST.get("valid_to", "")[:32],
        }
        start, end = _parse_local(values["valid_from"]), _parse_local(values["valid_to"])
        if start is None:
            errors["valid_from"] = [_("Enter a date and time.")]
        if end is None:
            errors["valid_to"] = [_("Enter a date and time.")]
        if values["kind"] not in dict(kinds):
            errors["kind"] = [_("Choose a kind of pass your role may issue.")]
        if values["kind"] != PassKind.SUPPLY_VEHICLE and values["resident_id"] and not _digits(values["resident_id"]):
            errors["resident_id"] = [_("The resident number is digits only.")]
        if not errors:
            try:
                permit = services.pass_issue(
                    actor=user, kind=values["kind"], checkpoint_ids=[_id(c) for c in values["checkpoints"]],
                    valid_from=start, valid_to=end, reason=values["reason"],
                    resident_id=_id(values["resident_id"]) if _digits(values["resident_id"]) else None,
                    plate=values["plate"], driver_name=values["driver_name"], driver_phone=values["driver_phone"],
                    request=request,
                )
            except ServiceError as exc:
                if exc.status == 403:
                    raise PermissionDenied from None
                errors = exc.errors
            else:
                messages.success(request, _("Pass issued: print it or send the QR to the holder."))
                return redirect("pass_detail", pass_id=permit.pk)
    holder = None
    if can_issue and _digits(values["resident_id"]) and user.can(Perm.VIEW_RESIDENTS):
        # Show whom the pass is for; reading the resident is audited like any detail view.
        try:
            holder = resident_get(user, _id(values["resident_id"]), request=request)
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
            "form_first": bool(errors) or bool(request.GET.get("resident")),
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
    if not (user.can(Perm.ISSUE_PASS) or user.can(Perm.SCAN)):
        raise PermissionDenied
    try:
        permit = selectors.pass_get(user, pass_id)
    except NotFound:
        return _not_found(request)
    # Only who may issue this kind of pass here hands out its QR or revokes it.
    can_issue = services.pass_may_manage(user, permit)
    errors: dict = {}
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied
        reason = " ".join(request.POST.get("reason", "").split())
        if len(reason) < 2:
            errors["reason"] = [_("State why the pass is revoked.")]
        else:
            try:
                services.pass_revoke(actor=user, permit=permit, reason=reason, request=request)
            except ServiceError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Pass revoked. Guard phones refuse it once they have been online."))
                return redirect("pass_detail", pass_id=permit.pk)
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
            "qr": _qr_uri(services.pass_token(permit)) if can_issue and state != "revoked" else None,
            "can_issue": can_issue,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


# ----------------------------------------------------------------------------- digital identity


@login_required
def identity(request, resident_id):
    """A resident's digital-identity QR to print (for those without a smartphone), with the typed code."""
    user = request.user
    _need(user, Perm.VIEW_RESIDENTS)
    try:
        resident = resident_get(user, resident_id, request=request)
    except NotFound:
        return _not_found(request)
    can_reissue = user.can(Perm.EDIT_RESIDENTS)
    if request.method == "POST":
        if not can_reissue:
            raise PermissionDenied
        services.identity_reissue(actor=user, resident=resident, request=request)
        messages.success(request, _("A new code was issued; the old one no longer works."))
        return redirect("checkpoint_identity", resident_id=resident.pk)
    token = services.identity_token(resident)
    code = resident.qr_id
    return render(
        request,
        "checkpoints/identity.html",
        {
            "r": resident,
            "qr": _qr_uri(token),
            "code_groups": [code[i:i + 4] for i in range(0, len(code), 4)],
            "can_reissue": can_reissue,
        },
    )



# ----------------------------------------------------------------------------- alerts from scans

ALERT_LIST_LIMIT = 200


@login_required
def alert_list(request):
    """扫码预警: cases, contacts, revoked passes and fevers seen at the jurisdiction's gates, to acknowledge."""
    from shaodian.checkpoints import alerts
    user = request.user
    if not alerts.may_see(user):
        raise PermissionDenied
    show_all = request.GET.get("show") == "all"
    rows = list((selectors.alerts_for(user) if show_all else selectors.alerts_open_for(user))[:ALERT_LIST_LIMIT])
    # Whose alert it was is personal data: who looked at which is kept like any list of residents.
    audit_list(user, "scan_alert", rows, request=request, query={"show": "all" if show_all else "open"})
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
    from shaodian.checkpoints.models import AlertKind

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
    from shaodian.checkpoints import alerts

    user = request.user
    if request.method != "POST":
        return redirect("checkpoint_alerts")
    if not alerts.may_see(user):
        raise PermissionDenied
    try:
        alert = selectors.alert_get(user, alert_id)
    except NotFound:
        return _not_found(request)
    if not alerts.may_acknowledge(user):
        raise PermissionDenied
    try:
        alerts.alert_acknowledge(actor=user, alert=alert, note=request.POST.get("note", "")[:400], request=request)
    except ServiceError as exc:
        for msgs in exc.errors.values():
            for m in msgs:
                messages.error(request, str(m))
    else:
        messages.success(request, _("Alert acknowledged."))
    return redirect("checkpoint_alerts")
