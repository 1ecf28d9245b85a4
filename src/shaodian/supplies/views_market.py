"""Staff pages of markets and partners: prices, suppliers with memos, wartime activation and orders, freight
nodes with the reopening list, the equipment gap list, vehicles with their drivers and disinfections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shaodian.checkpoints.models import PassStatus
from shaodian.core.shortcuts import need
from shaodian.errors import ServiceError
from shaodian.places.models import Place, PlaceKind
from shaodian.security import crypto
from shaodian.security.audit import audit_list
from shaodian.security.roles import Perm
from shaodian.supplies import equipment, fleet, freight, partners, prices, selectors
from shaodian.supplies.forms import (
    ActivateForm, DisinfectionForm, DriverChangeForm, DriverForm, DriverLinkForm, ExportFormatForm, FreightStatusForm,
    HealthCheckForm, OrderForm, PriceForm, WhitelistForm,
)
from shaodian.supplies.models_fleet import Disinfection

LIST_LIMIT = 200


def _page(request, template, ctx, form=None, status=200):
    ctx = {**ctx, "section": "supplies"}
    if form is not None and form.is_bound:
        ctx["errors"], ctx["values"] = form.errors_by_field(), form.values()
    return render(request, template, ctx, status=status)


def _run(form, call):
    """Validate the form and run the service; the status to answer with (0: done)."""
    if not form.is_valid():
        return 422
    try:
        call(form.cleaned_data)
    except ServiceError as exc:
        form.add_service_errors(exc)
        return exc.status
    return 0


@login_required
def price_list(request):
    user = request.user
    need(user, Perm.VIEW_SUPPLIES)
    nodes = list(freight.freight_nodes_for(user).order_by("name")[:LIST_LIMIT])
    form = PriceForm(request.POST or None, items=selectors.items_active(), nodes=nodes)
    status = 200
    if request.method == "POST":
        need(user, Perm.MANAGE_SUPPLIES)
        status = _run(form, lambda d: prices.price_observe(actor=user, item_id=d["item"], price=d["price"],
                                                           freight_node_id=d["freight_node"], market=d["market"]))
        if not status:
            return redirect("supplies_prices")
    rows = list(prices.prices_for(user)[:LIST_LIMIT])
    return _page(request, "supplies/prices.html", {"rows": rows, "form": form,
                                                   "can_manage": user.can(Perm.MANAGE_SUPPLIES)}, form, status)


def _activation_places(user):
    return (Place.objects.for_user(user, Perm.PLAN_SUPPLIES)
            .filter(kind__in=[PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY], active=True)
            .order_by("code")[:LIST_LIMIT])


@login_required
def supplier_list(request):
    """Suppliers with masked contacts and their memos; wartime activation; the supply orders."""
    user = request.user
    need(user, Perm.VIEW_SUPPLIES)
    form = ActivateForm(request.POST or None, places=_activation_places(user))
    status = 200
    if request.method == "POST":
        need(user, Perm.PLAN_SUPPLIES)
        status = _run(form, lambda d: partners.supplies_wartime_activate(actor=user, node=d["node"]))
        if not status:
            return redirect("supplies_suppliers")
    suppliers = list(partners.suppliers_for(user)[:LIST_LIMIT])
    contacts = {s.pk: [{"name": c.name, "role": c.role, "phone": crypto.mask_phone(c.phone)} for c in s.contacts.all()]
                for s in suppliers}
    audit_list(user, "supplier", suppliers)
    return _page(request, "supplies/suppliers.html", {
        "suppliers": [(s, contacts[s.pk]) for s in suppliers], "memos": list(partners.memos_for(user)[:LIST_LIMIT]),
        "orders": list(partners.orders_for(user)[:LIST_LIMIT]), "form": form,
        "can_plan": user.can(Perm.PLAN_SUPPLIES), "can_manage": user.can(Perm.MANAGE_SUPPLIES)}, form, status)


@login_required
def order_advance(request):
    user = request.user
    need(user, Perm.MANAGE_SUPPLIES)
    form = OrderForm(request.POST or None)
    if request.method == "POST":
        status = _run(form, lambda d: partners.supply_order_advance(actor=user, order_id=d["order"],
                                                                    action=d["action"]))
        if not status:
            return redirect("supplies_suppliers")
        return _page(request, "supplies/refused.html", {"form": form, "back": "supplies_suppliers"}, form, status)
    return redirect("supplies_suppliers")


@login_required
def freight_list(request):
    user = request.user
    need(user, Perm.VIEW_SUPPLIES)
    form = FreightStatusForm(request.POST or None)
    status = 200
    if request.method == "POST":
        need(user, Perm.MANAGE_SUPPLIES)
        status = _run(form, lambda d: freight.freight_node_set_status(actor=user, node_id=d["node"],
                                                                      status=d["status"], reason=d["reason"]))
        if not status:
            return redirect("supplies_freight")
    rows, reopen = freight.freight_overview(user)
    return _page(request, "supplies/freight.html", {"rows": rows, "reopen": reopen, "form": form,
                                                    "can_manage": user.can(Perm.MANAGE_SUPPLIES)}, form, status)


@login_required
def equipment_gaps(request):
    user = request.user
    need(user, Perm.VIEW_SUPPLIES)
    if ExportFormatForm(request.GET).filters()["format"] == "xlsx":
        response = HttpResponse(equipment.gap_list_xlsx(user), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = 'attachment; filename="equipment-gaps.xlsx"'
        return response
    return _page(request, "supplies/equipment.html", {"rows": equipment.gap_list(user),
                                                      "items": list(equipment.equipment_items())})


def _vehicle_page(request, user, form=None, kind="", status=200):
    now = timezone.now()
    drivers = list(fleet.drivers_for(user).order_by("name")[:LIST_LIMIT])
    vehicles = list(fleet.vehicles_for(user)[:LIST_LIMIT])
    latest: dict[int, list] = {}
    for d in Disinfection.objects.filter(vehicle__in=vehicles).order_by("vehicle_id", "-at"):
        latest.setdefault(d.vehicle_id, []).append(d)
    rows = [{"v": v, "disinfections": latest.get(v.pk, [])[:3],
             "driver_ok": v.driver is not None and fleet.health_check_current(v.driver, now),
             "pass_status": PassStatus(v.permit.status(now)).label if v.permit else ""} for v in vehicles]
    people = [{"d": d, "phone": crypto.mask_phone(d.phone), "ok": fleet.health_check_current(d, now)} for d in drivers]
    audit_list(user, "driver", drivers)
    return _page(request, "supplies/vehicles.html", {
        "rows": rows, "drivers": people, "form": form, "kind": kind,
        "driver_form": kind in ("driver_new", "link", "whitelist"),
        "can_manage": user.can(Perm.MANAGE_SUPPLIES)}, form, status)


@login_required
def vehicle_list(request):
    """Vehicles with their pass, driver and health check; disinfection per trip; 换人不换车; health checks."""
    need(request.user, Perm.VIEW_SUPPLIES)
    return _vehicle_page(request, request.user)


VEHICLE_FORMS = {"disinfect": DisinfectionForm, "driver": DriverChangeForm, "check": HealthCheckForm,
                 "driver_new": DriverForm, "link": DriverLinkForm, "whitelist": WhitelistForm}


def _say_linked(request, driver) -> None:
    """Whether the driver is linked to a resident of the city: yes or no, nothing about who."""
    if driver.resident_id:
        messages.success(request, _("%(name)s is linked to a resident of the city.") % {"name": driver.name})
    else:
        messages.info(request, _("%(name)s is not linked to a resident of the city (no resident holds that ID number, "
                                 "or none was given).") % {"name": driver.name})


def _driver_call(request, kind):
    """The service behind a drivers' form: register, link or unlink, white list on or off."""
    user = request.user
    if kind == "driver_new":
        return lambda d: _say_linked(request, fleet.driver_register(
            actor=user, name=d["name"], phone=d["phone"], whitelisted=d["whitelisted"], id_number=d["id_number"]))
    if kind == "link":
        return lambda d: _say_linked(request, fleet.driver_link_set(actor=user, driver_id=d["driver"],
                                                                    id_number=d["id_number"]))
    return lambda d: fleet.driver_whitelist_set(actor=user, driver_id=d["driver"], whitelisted=d["whitelisted"],
                                                reason=d["reason"])


@login_required
def vehicle_action(request, kind):
    """One of the vehicle page's forms: a disinfection, a driver change, a driver's health check, a new driver,
    a driver's link to a resident, the white list."""
    user = request.user
    need(user, Perm.MANAGE_SUPPLIES)
    if request.method != "POST" or kind not in VEHICLE_FORMS:
        return redirect("supplies_vehicles")
    if kind in ("driver_new", "link", "whitelist"):
        form_class = VEHICLE_FORMS[kind]
        form = form_class(request.POST)
        call = _driver_call(request, kind)
    elif kind == "driver":
        form = DriverChangeForm(request.POST, drivers=fleet.drivers_for(user).order_by("name")[:LIST_LIMIT])
        call = lambda d: fleet.vehicle_driver_change(actor=user, vehicle_id=d["vehicle"], driver_id=d["driver"])  # noqa: E731
    elif kind == "check":
        form = HealthCheckForm(request.POST)
        call = lambda d: fleet.driver_health_check(actor=user, driver_id=d["driver"], negative=d["negative"])  # noqa: E731
    else:
        form = DisinfectionForm(request.POST)
        call = lambda d: fleet.disinfection_record(actor=user, vehicle_id=d["vehicle"], trip=d["trip"],  # noqa: E731
                                                   agent=d["agent"], site=d["site"])
    status = _run(form, call)
    if not status:
        return redirect("supplies_vehicles")
    return _vehicle_page(request, user, form, kind, status)
