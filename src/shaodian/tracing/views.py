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

from shaodian.core.forms import PageNumberForm, ResidentPrefillForm
from shaodian.errors import ServiceError
from shaodian.security.audit import audit_list
from shaodian.security.crypto import mask_name
from shaodian.security.roles import Perm
from shaodian.tracing import chain, selectors, services
from shaodian.tracing.forms import (
    CaseRegisterForm,
    ContactBulkForm,
    ContactDecisionForm,
    ContactFilterForm,
    ContactSearchForm,
)
from shaodian.tracing.models import CaseKind
from shaodian.tracing.views_close import close_context


@login_required
def case_list(request):
    user = request.user
    if not user.can(Perm.VIEW_CASES):
        raise PermissionDenied
    errors, status = {}, 200
    if request.method == "POST":
        form = CaseRegisterForm(request.POST)
        if form.is_valid():
            try:
                case = services.case_register(actor=user, **form.cleaned_data)
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Case registered."))
                return redirect("case_detail", case_id=case.pk)
        errors, status = form.errors_by_field(), 422
    cases = list(selectors.cases_for(user).order_by("-registered_at")[:200])
    monitoring = list(selectors.monitoring_for(user).filter(status="active").order_by("ends_on")[:200])
    return render(request, "tracing/cases.html", {
        "cases": [(c, mask_name(c.resident.name)) for c in cases],
        "monitoring": [(m, mask_name(m.resident.name)) for m in monitoring],
        "kinds": CaseKind.choices, "errors": errors, "can_manage": user.can(Perm.MANAGE_CASES),
        "prefill": ResidentPrefillForm(request.GET).filters()["resident"] or "", "today": timezone.localdate(),
    }, status=status)


def _window(search: ContactSearchForm | None) -> tuple[dt.datetime, dt.datetime]:
    """The search window posted (local times, within the platform's date bounds), else the last 14 days."""
    now = timezone.now()
    data = search.cleaned_data if search is not None and search.is_valid() else {}
    return data.get("from") or now - dt.timedelta(days=14), data.get("to") or now


PAGE_SIZE = 50
FILTER_KEYS = ("status", "degree", "min_score", "place", "day", "sort", "page")


def _back(form) -> str:
    """The case page's filters and page, rebuilt from known keys only (never a free URL)."""
    given = QueryDict(str(form.data.get("back", ""))[:2000])
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
    case = selectors.case_get(user, case_id)
    found, errors = None, {}
    search = ContactSearchForm(request.POST) if request.method == "POST" else None
    t_from, t_to = _window(search)
    if search is not None:
        if search.is_valid():
            data = search.cleaned_data
            try:
                found = services.contacts_find(
                    actor=user, case_id=case.pk, t_from=t_from, t_to=t_to,
                    window_minutes=30 if data["window_minutes"] is None else data["window_minutes"],
                    min_overlap_minutes=data["min_overlap_minutes"] or 0, second_degree=data["second_degree"])
            except ServiceError as exc:
                search.add_service_errors(exc)
        errors = search.errors_by_field()
    places = selectors.case_places(user, case)
    filters = ContactFilterForm(request.GET, places=places)
    chosen = filters.filters()
    page = Paginator(selectors.case_contacts(user, case, **{k: v for k, v in chosen.items()}), PAGE_SIZE).get_page(
        PageNumberForm(request.GET).filters()["page"])
    contacts = selectors.with_exposures(list(page.object_list))
    audit_list(user, "contact", contacts, query={"case": case.pk, **{
        k: str(v) for k, v in chosen.items()}, "page": page.number})
    nodes, edges, root = selectors.chain_of(user, case)
    local = timezone.get_current_timezone()
    # Links keep the valid filters only (a wrong or huge value is shown once, beside its field, and not carried on).
    query = filters.query()
    back = "&".join(q for q in (query, f"page={page.number}" if page.number > 1 else "") if q)
    return render(request, "tracing/case.html", {
        "case": case, "name": mask_name(case.resident.name),
        "contacts": [(c, mask_name(c.resident.name)) for c in contacts], "page": page,
        "filters": filters, "query": query, "back": back,
        "bulk": ContactBulkForm(), "filtered": bool(chosen.keys() - {"sort"}),
        "found": found, "errors": errors, "can_manage": user.can(Perm.MANAGE_CASES),
        "t_from": timezone.localtime(t_from, local).strftime("%Y-%m-%dT%H:%M"),
        "t_to": timezone.localtime(t_to, local).strftime("%Y-%m-%dT%H:%M"),
        "window": search.data.get("window_minutes", "30") if search else "30",
        "overlap": search.data.get("min_overlap_minutes", "0") if search else "0",
        "chain_svg": chain.to_svg(nodes, edges, root), **close_context(user, case),
    }, status=422 if errors else 200)


@login_required
@require_POST
def contact_decide(request, contact_id):
    form = ContactDecisionForm(request.POST)
    back = _back(form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            contact = services.contact_decide(actor=request.user, contact_id=contact_id,
                                              confirm=data["decision"] == "confirm", note=data["note"])
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Contact confirmed.") if contact.status == "confirmed" else _("Contact dismissed."))
            return _to_case(contact.case_id, back)
    for errs in form.errors.values():
        for e in errs:
            messages.error(request, e)
    case_id = form.cleaned_data.get("case")
    return _to_case(case_id, back) if case_id else redirect("case_list")


@login_required
@require_POST
def contacts_decide(request, case_id):
    """One decision, with one reason, on the ticked contacts or on the top proposals."""
    form = ContactBulkForm(request.POST)
    back = _back(form)
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
            top=data["top"] if data["which"] == "top" else None, min_score=data["min_score"])
    except ServiceError as exc:
        for msgs in exc.errors.values():
            for m in msgs:
                messages.error(request, str(m))
        return _to_case(case_id, back)
    messages.success(request, ngettext("%(n)d contact decided.", "%(n)d contacts decided.", len(done)) % {"n": len(done)})
    return _to_case(case_id, back)
