"""Plan and route pages of the supply officer: build a plan, read its shortages, confirm it, route it, print it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shaodian.core.shortcuts import need
from shaodian.delivery import plans, routes
from shaodian.delivery.forms import DecideForm, PlanForm, RouteForm
from shaodian.delivery.models import DeliveryOrder, PlanStatus
from shaodian.errors import ServiceError
from shaodian.security.roles import Perm
from shaodian.supplies.selectors import warehouses_for


def _may_read(user) -> None:
    if not user.can(Perm.PLAN_SUPPLIES):
        need(user, Perm.VIEW_SUPPLIES)


@login_required
def plan_list(request):
    user = request.user
    _may_read(user)
    areas = [(p.pk, p.name) for p in plans.areas_for(user).order_by("code")[:500]] if user.can(Perm.PLAN_SUPPLIES) else []
    form = PlanForm(request.POST or None, areas=areas, initial={"day": timezone.localdate()})
    status = 200
    if request.method == "POST":
        need(user, Perm.PLAN_SUPPLIES)
        if form.is_valid():
            try:
                plan = plans.plan_build(actor=user, area_id=form.cleaned_data["area"], day=form.cleaned_data["day"])
                return redirect("delivery_plan", plan_id=plan.pk)
            except ServiceError as exc:
                form.add_service_errors(exc)
        status = 422
    rows = list(plans.plans_for(user).select_related("place", "created_by")[:100])
    return render(request, "delivery/plans.html", {"rows": rows, "form": form, "can_plan": bool(areas),
                                                   "section": "delivery"}, status=status)


def _plan_page(request, plan, *, errors=None, route_form=None, status=200):
    user = request.user
    orders = list(DeliveryOrder.objects.filter(plan=plan).select_related("place", "warehouse"))
    warehouse_ids = sorted({o.warehouse_id for o in orders})
    choices = [(w.pk, w.name) for w in warehouses_for(user).filter(pk__in=warehouse_ids)]
    route_form = route_form or RouteForm(warehouses=choices, initial={"vehicles": 3, "capacity_kg": 2000})
    return render(request, "delivery/plan.html", {
        "plan": plan, "lines": list(plan.lines.select_related("warehouse", "community", "item")), "orders": orders,
        "runs": list(plan.route_runs.select_related("warehouse")), "errors": errors or {},
        "is_draft": plan.status == PlanStatus.DRAFT, "is_confirmed": plan.status == PlanStatus.CONFIRMED,
        "can_plan": user.can(Perm.PLAN_SUPPLIES), "route_form": route_form, "section": "delivery"}, status=status)


@login_required
def plan_detail(request, plan_id):
    _may_read(request.user)
    return _plan_page(request, plans.plan_get(request.user, plan_id))


@login_required
@require_POST
def plan_decide(request, plan_id):
    """Confirm (the person's decision that moves the stock) or discard a draft plan."""
    user = request.user
    need(user, Perm.PLAN_SUPPLIES)
    plan = plans.plan_get(user, plan_id)
    form = DecideForm(request.POST)
    decision = form.cleaned_data["decision"] if form.is_valid() else ""
    try:
        if decision == "confirm":
            plans.plan_confirm(actor=user, plan_id=plan.pk)
        elif decision == "discard":
            plans.plan_discard(actor=user, plan_id=plan.pk)
        else:
            raise ServiceError.one("general", "请选择确认或作废", "Choose confirm or discard")
    except ServiceError as exc:
        return _plan_page(request, plans.plan_get(user, plan_id), errors=exc.errors, status=exc.status)
    return redirect("delivery_plan", plan_id=plan.pk)


@login_required
@require_POST
def plan_route(request, plan_id):
    user = request.user
    need(user, Perm.PLAN_SUPPLIES)
    plan = plans.plan_get(user, plan_id)
    choices = [(w.pk, w.name) for w in warehouses_for(user)]
    form = RouteForm(request.POST, warehouses=choices)
    if form.is_valid():
        d = form.cleaned_data
        try:
            run = routes.route_plan(actor=user, plan_id=plan.pk, warehouse_id=d["warehouse"], vehicles=d["vehicles"],
                                    capacity_kg=d["capacity_kg"])
            return redirect("delivery_route", run_id=run.pk)
        except ServiceError as exc:
            form.add_service_errors(exc)
    return _plan_page(request, plan, route_form=form, status=422)


@login_required
def route_detail(request, run_id):
    """The routes on an SVG map with the stop list, and one printable sheet per driver."""
    _may_read(request.user)
    run = routes.run_get(request.user, run_id)
    return render(request, "delivery/route.html", {"run": run, "map": routes.route_map(run),
                                                   "sheets": routes.route_sheets(run), "section": "delivery"})
