import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shaodian.errors import NotFound, ServiceError
from shaodian.security.crypto import mask_name
from shaodian.security.roles import Perm
from shaodian.schema_types import Day, Minutes, Moment, ParamId, form_value
from shaodian.tracing import chain, selectors, services
from shaodian.tracing.models import CaseKind, ContactStatus
from shaodian.web.shortcuts import not_found as _not_found


@login_required
def case_list(request):
    user = request.user
    if not user.can(Perm.VIEW_CASES):
        raise PermissionDenied
    errors, status = {}, 200
    if request.method == "POST":
        try:
            case = services.case_register(
                actor=user, resident_id=form_value(ParamId, request.POST.get("resident_id"), field="resident_id"), kind=request.POST.get("kind", ""),
                test_date=form_value(Day, request.POST.get("test_date"), field="test_date", required=False),
                onset_date=form_value(Day, request.POST.get("onset_date"), field="onset_date", required=False),
                request=request)
        except (ServiceError, ValueError) as exc:
            errors = exc.errors if isinstance(exc, ServiceError) else {"test_date": [_("Invalid date")]}
            status = 422
        else:
            messages.success(request, _("Case registered."))
            return redirect("case_detail", case_id=case.pk)
    cases = list(selectors.cases_for(user).order_by("-registered_at")[:200])
    monitoring = list(selectors.monitoring_for(user).filter(status="active").order_by("ends_on")[:200])
    return render(request, "tracing/cases.html", {
        "cases": [(c, mask_name(c.resident.name)) for c in cases],
        "monitoring": [(m, mask_name(m.resident.name)) for m in monitoring],
        "kinds": CaseKind.choices, "errors": errors, "can_manage": user.can(Perm.MANAGE_CASES),
        "prefill": request.GET.get("resident", ""), "today": timezone.localdate(),
    }, status=status)


def _window(request):
    """The search window posted (local times, within the platform's date bounds), else the last 14 days."""
    now = timezone.now()
    posted = request is not None and request.method == "POST"
    t_from = form_value(Moment, request.POST.get("from"), field="from", required=False) if posted else None
    t_to = form_value(Moment, request.POST.get("to"), field="to", required=False) if posted else None
    tz = timezone.get_current_timezone()
    t_from = timezone.make_aware(t_from, tz) if t_from and timezone.is_naive(t_from) else t_from
    t_to = timezone.make_aware(t_to, tz) if t_to and timezone.is_naive(t_to) else t_to
    return t_from or now - dt.timedelta(days=14), t_to or now


@login_required
def case_detail(request, case_id):
    user = request.user
    if not user.can(Perm.VIEW_CASES):
        raise PermissionDenied
    try:
        case = selectors.case_get(user, case_id)
    except NotFound:
        return _not_found(request)
    found, errors = None, {}
    try:
        t_from, t_to = _window(request)
    except ServiceError as exc:
        (t_from, t_to), errors = _window(None), exc.errors
    if request.method == "POST" and not errors:
        try:
            found = services.contacts_find(
                actor=user, case_id=case.pk, t_from=t_from, t_to=t_to,
                window_minutes=form_value(Minutes, request.POST.get("window_minutes") or 30, field="window_minutes"),
                min_overlap_minutes=form_value(Minutes, request.POST.get("min_overlap_minutes") or 0,
                                               field="min_overlap_minutes"),
                second_degree=bool(request.POST.get("second_degree")), request=request)
        except ServiceError as exc:
            errors = exc.errors
    contacts = list(selectors.contacts_for(user).filter(case=case).order_by("degree", "-minutes"))
    nodes, edges, root = selectors.chain_of(user, case)
    local = timezone.get_current_timezone()
    return render(request, "tracing/case.html", {
        "case": case, "name": mask_name(case.resident.name),
        "contacts": [(c, mask_name(c.resident.name)) for c in contacts],
        "found": found, "errors": errors, "can_manage": user.can(Perm.MANAGE_CASES),
        "t_from": timezone.localtime(t_from, local).strftime("%Y-%m-%dT%H:%M"),
        "t_to": timezone.localtime(t_to, local).strftime("%Y-%m-%dT%H:%M"),
        "window": request.POST.get("window_minutes", "30"), "overlap": request.POST.get("min_overlap_minutes", "0"),
        "chain_svg": chain.to_svg(nodes, edges, root), "statuses": ContactStatus,
    }, status=422 if errors else 200)


@login_required
@require_POST
def contact_decide(request, contact_id):
    try:
        contact = services.contact_decide(actor=request.user, contact_id=contact_id,
                                          confirm=request.POST.get("decision") == "confirm",
                                          note=request.POST.get("note", ""), request=request)
    except NotFound:
        return _not_found(request)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("case_list")
    return redirect("case_detail", case_id=contact.case_id)
