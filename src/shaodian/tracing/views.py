import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST

from shaodian.core.shortcuts import not_found as _not_found
from shaodian.errors import NotFound, ServiceError
from shaodian.schema_types import Day, Minutes, Moment, ParamId, form_value
from shaodian.security.audit import audit_list
from shaodian.security.crypto import mask_name
from shaodian.security.roles import Perm
from shaodian.tracing import chain, selectors, services
from shaodian.tracing.forms import ContactBulkForm, ContactFilterForm
from shaodian.tracing.models import CaseKind


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


PAGE_SIZE = 50
FILTER_KEYS = ("status", "degree", "min_score", "place", "day", "sort", "page")


def _back(data) -> str:
    """The case page's filters and page, rebuilt from known keys only (never a free URL)."""
    given = QueryDict(data.get("back", "") if hasattr(data, "get") else "")
    keep = QueryDict(mutable=True)
    for k in FILTER_KEYS:
        if given.get(k):
            keep[k] = given[k][:20]
    return keep.urlencode()


def _to_case(case_id, back: str):
    url = reverse("case_detail", args=[case_id])
    return redirect(f"{url}?{back}#contacts" if back else f"{url}#contacts")


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
        except ValueError:
            errors = {"window_minutes": [_("Enter numbers of minutes")]}
    places = selectors.case_places(user, case)
    filters = ContactFilterForm(request.GET or None, places=places)
    chosen = filters.filters()
    page = Paginator(selectors.case_contacts(user, case, **{k: v for k, v in chosen.items()}), PAGE_SIZE).get_page(
        request.GET.get("page"))
    contacts = selectors.with_exposures(list(page.object_list))
    audit_list(user, "contact", contacts, request=request, query={"case": case.pk, **{
        k: str(v) for k, v in chosen.items()}, "page": page.number})
    nodes, edges, root = selectors.chain_of(user, case)
    local = timezone.get_current_timezone()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tracing/case.html", {
        "case": case, "name": mask_name(case.resident.name),
        "contacts": [(c, mask_name(c.resident.name)) for c in contacts], "page": page,
        "filters": filters, "query": query.urlencode(), "back": request.GET.urlencode(),
        "bulk": ContactBulkForm(), "filtered": bool(chosen.keys() - {"sort"}),
        "found": found, "errors": errors, "can_manage": user.can(Perm.MANAGE_CASES),
        "t_from": timezone.localtime(t_from, local).strftime("%Y-%m-%dT%H:%M"),
        "t_to": timezone.localtime(t_to, local).strftime("%Y-%m-%dT%H:%M"),
        "window": request.POST.get("window_minutes", "30"), "overlap": request.POST.get("min_overlap_minutes", "0"),
        "chain_svg": chain.to_svg(nodes, edges, root),
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
        case_id = request.POST.get("case", "")
        return _to_case(case_id, _back(request.POST)) if case_id.isdigit() else redirect("case_list")
    messages.success(request, _("Contact confirmed.") if contact.status == "confirmed" else _("Contact dismissed."))
    return _to_case(contact.case_id, _back(request.POST))


@login_required
@require_POST
def contacts_decide(request, case_id):
    """One decision, with one reason, on the ticked contacts or on the top proposals."""
    form = ContactBulkForm(request.POST)
    back = _back(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields and field != "contacts" else ""
            messages.error(request, f"{label}：{'；'.join(errs)}" if label else "；".join(errs))
        return _to_case(case_id, back)
    data = form.cleaned_data
    try:
        done = services.contacts_decide(
            actor=request.user, case_id=case_id, confirm=data["decision"] == "confirm", note=data["note"],
            contact_ids=data["contacts"] if data["which"] == "selected" else None,
            top=data["top"] if data["which"] == "top" else None, min_score=data["min_score"], request=request)
    except NotFound:
        return _not_found(request)
    except ServiceError as exc:
        for msgs in exc.errors.values():
            for m in msgs:
                messages.error(request, str(m))
        return _to_case(case_id, back)
    messages.success(request, ngettext("%(n)d contact decided.", "%(n)d contacts decided.", len(done)) % {"n": len(done)})
    return _to_case(case_id, back)
