"""Staff pages: the complaint list, the 12345 operator's form, a complaint with its actions, KPIs, reviews."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shaodian.complaints import classify, export, intake, kpi, reviews, selectors, services
from shaodian.complaints.forms import (ActForm, DecideForm, HotlineForm, KpiFilterForm, ListFilterForm, RevealForm,
                                      form_errors)
from shaodian.complaints.models import Category, IntakeRefusal, ReviewOutcome, Status
from shaodian.errors import NotFound, ServiceError
from shaodian.measures.models import ClosureOrderedBy
from shaodian.places.models import PlaceKind
from shaodian.security.audit import audit, audit_list
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.places.selectors import scoped_places
from shaodian.core.shortcuts import need

LIST_LIMIT = 200


def place_choices(places) -> list:
    """(place, label) for communities and grids, each labelled with its street or community."""
    rows = places.filter(kind__in=[PlaceKind.COMMUNITY, PlaceKind.GRID], active=True).select_related("parent")
    return [(p, f"{p.parent.name} · {p.name}" if p.parent else p.name) for p in rows.order_by("code")[:2000]]


@login_required
def complaint_list(request):
    user = request.user
    need(user, Perm.VIEW_COMPLAINTS)
    wanted = ListFilterForm(request.GET).filters()
    status, category = wanted["status"], wanted["category"]
    qs = selectors.complaints_for(user).select_related("place").order_by("-filed_at")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if wanted["late"]:
        qs = qs.filter(escalated_at__isnull=False)
    rows = list(qs[:LIST_LIMIT])
    audit_list(user, "complaint", rows, query={"status": status, "category": category})
    floods = IntakeRefusal.objects.filter(at__gte=timezone.now() - dt.timedelta(hours=24)).count()
    return render(request, "complaints/list.html", {
        "rows": rows, "statuses": Status.choices, "categories": Category.choices, "status": status,
        "category": category, "late": wanted["late"], "floods": floods, "now": timezone.now(),
        "can_handle": user.can(Perm.HANDLE_COMPLAINTS), "can_export": user.can(Perm.EXPORT)})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def complaint_export(request):
    """The filtered list as .xlsx: reporters masked, anonymous ones left out, audited (export.py)."""
    user = request.user
    need(user, Perm.VIEW_COMPLAINTS)
    need(user, Perm.EXPORT)
    try:
        wanted = ListFilterForm(request.GET).filters()
        data, _n = export.complaints_export(user=user, status=wanted["status"], category=wanted["category"])
    except ServiceError as exc:
        if exc.status == 403:
            raise
        messages.error(request, "; ".join(str(m) for msgs in exc.errors.values() for m in msgs))
        return redirect("complaint_list")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="complaints-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def complaint_new(request):
    """The 12345 operator's form: type the call, get a suggested category, confirm it, file."""
    user = request.user
    need(user, Perm.HANDLE_COMPLAINTS)
    places = place_choices(scoped_places(user))
    form = HotlineForm(request.POST or None, request.FILES or None, places=places)
    errors, status, suggested = {}, 200, ""
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["step"] == "suggest":
            suggested = classify.suggest(form.cleaned_data["text"])
            data = form.data.copy()
            data["category"] = suggested
            form = HotlineForm(data, places=places)
            form.is_valid()
        elif form.is_valid():
            d = form.cleaned_data
            try:
                c, code = intake.complaint_file(
                    actor=user, channel=d["channel"], text=d["text"], place_id=d["place"], category=d["category"],
                    reporter_name=d["reporter_name"], reporter_phone=d["reporter_phone"], anonymous=d["anonymous"],
                    on_behalf_reason=d["on_behalf_reason"], address=d["address"],
                    photo=d["photo"].read() if d["photo"] else None)
            except ServiceError as exc:
                errors, status = exc.errors, exc.status
            else:
                request.session[f"complaint_code_{c.pk}"] = code
                return redirect("complaint_detail", complaint_id=c.pk)
        else:
            errors, status = form_errors(form), 422
    return render(request, "complaints/new.html", {
        "form": form, "errors": errors, "suggested": suggested,
        "suggested_label": Category(suggested).label if suggested else ""}, status=status)


def _detail(request, c, *, errors=None, status=200, reveal=False):
    user = request.user
    audit(user, AuditAction.READ, "complaint", c.pk)
    return render(request, "complaints/detail.html", {
        "c": c, "reporter": selectors.reporter_view(user, c, reveal=reveal),
        "events": list(c.events.select_related("actor")), "duplicates": list(c.duplicates.only("pk", "number")),
        "code": request.session.pop(f"complaint_code_{c.pk}", ""), "categories": Category.choices,
        "errors": errors or {}, "can_handle": user.can(Perm.HANDLE_COMPLAINTS), "now": timezone.now(),
        "has_photo": selectors.complaints_for(user).filter(pk=c.pk, photo__isnull=False).exists()}, status=status)


@login_required
def complaint_detail(request, complaint_id):
    need(request.user, Perm.VIEW_COMPLAINTS)
    c = selectors.complaint_get(request.user, complaint_id)
    if request.method != "POST":
        return _detail(request, c)
    reveal = RevealForm(request.POST)
    if reveal.is_valid() and reveal.cleaned_data["reveal"]:
        return _detail(request, c, reveal=True)
    form = ActForm(request.POST)
    if not form.is_valid():
        return _detail(request, c, errors=form_errors(form), status=422)
    try:
        services.complaint_act(actor=request.user, complaint_id=c.pk, action=form.cleaned_data["action"],
                               note=form.cleaned_data["note"], category=form.cleaned_data["category"])
    except ServiceError as exc:
        return _detail(request, selectors.complaint_get(request.user, c.pk), errors=exc.errors, status=exc.status)
    return redirect("complaint_detail", complaint_id=c.pk)


@login_required
def complaint_photo(request, complaint_id):
    need(request.user, Perm.VIEW_COMPLAINTS)
    row = selectors.complaints_for(request.user).filter(pk=complaint_id).values_list("photo", flat=True).first()
    if not row:
        raise NotFound
    audit(request.user, AuditAction.READ, "complaint_photo", complaint_id)
    return HttpResponse(bytes(row), content_type="image/jpeg")


@login_required
def complaint_kpi(request):
    user = request.user
    need(user, Perm.VIEW_COMPLAINTS)
    category = KpiFilterForm(request.GET).filters()["category"]
    data = kpi.kpis(user, category=category)
    outcomes = (selectors.reviews_for(user).exclude(outcome="").values("community__name", "outcome")
                .annotate(n=Count("pk")).order_by("community__name", "outcome"))
    labels = dict(ReviewOutcome.choices)
    return render(request, "complaints/kpi.html", {
        **data, "categories": Category.choices, "category": category,
        "outcomes": [{**o, "label": labels[o["outcome"]]} for o in outcomes]})


@login_required
def review_list(request):
    need(request.user, Perm.VIEW_COMPLAINTS)
    rows = list(selectors.reviews_for(request.user)[:LIST_LIMIT])
    return render(request, "complaints/reviews.html", {"rows": rows})


@login_required
def review_detail(request, review_id):
    user = request.user
    need(user, Perm.VIEW_COMPLAINTS)
    r = selectors.review_get(user, review_id)
    errors, status = {}, 200
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            errors, status = form_errors(form), 422
        else:
            try:
                reviews.review_decide(actor=user, review_id=r.pk, **form.cleaned_data)
            except ServiceError as exc:
                errors, status = exc.errors, exc.status
            else:
                return redirect("complaint_review", review_id=r.pk)
    # Who ordered each closure, named in the reader's language (the evidence keeps the code).
    orderers = dict(ClosureOrderedBy.choices)
    closures = [{**c, "ordered_by_label": orderers.get(c.get("ordered_by"), "")} for c in r.evidence.get("closures", [])]
    return render(request, "complaints/review.html", {
        "r": r, "closures": closures, "form": form, "errors": errors, "outcomes": ReviewOutcome.choices,
        "can_decide": user.can(Perm.DECIDE_REVIEW) and r.decided_at is None}, status=status)


@require_POST
@login_required
def reviews_run(request):
    """Run the detection rules now (they also run every hour through the outbox)."""
    need(request.user, Perm.DECIDE_REVIEW)
    reviews.reviews_detect()
    return redirect("complaint_reviews")


@login_required
def routing(request):
    """The routing table: which body handles each category, at which level; district and city staff change it."""
    from shaodian.complaints.forms import RoutingForm
    from shaodian.complaints.models import RoutingRule
    from shaodian.complaints.routing import DEFAULT_ROUTES

    user = request.user
    need(user, Perm.VIEW_COMPLAINTS)
    errors, status = {}, 200
    form = RoutingForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            errors, status = form_errors(form), 422
        else:
            try:
                services.routing_rule_set(actor=user, **form.cleaned_data)
            except ServiceError as exc:
                errors, status = exc.errors, exc.status
            else:
                return redirect("complaint_routing")
    rules = dict(RoutingRule.objects.values_list("category", "pk"))
    overrides = {r.category: r for r in RoutingRule.objects.all()}
    levels = dict(PlaceKind.choices)
    rows = []
    for code, label in Category.choices:
        rule = overrides.get(code)
        level, body = (rule.level, rule.body) if rule else DEFAULT_ROUTES[code]
        rows.append({"label": label, "level": levels[level], "body": body, "changed": code in rules})
    may_change = user.can(Perm.HANDLE_COMPLAINTS) and user.node and user.node.kind in (PlaceKind.CITY,
                                                                                        PlaceKind.DISTRICT)
    return render(request, "complaints/routing.html", {"rows": rows, "form": form, "errors": errors,
                                                       "may_change": may_change}, status=status)
