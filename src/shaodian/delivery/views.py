"""Delivery pages: the day's demand and rounds, entering demand and links, a round's door list with a tap per door."""

import uuid

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shaodian.core.shortcuts import need
from shaodian.delivery import demand, rounds, selectors
from shaodian.delivery.forms import (BuildingPickForm, CloseForm, DemandForm, GroupOrderForm, LinkForm, PublicDemandForm,
                                     RoundForm, TapForm, WhichForm)
from shaodian.delivery.models import RoundStatus, StopStatus
from shaodian.errors import NotFound, ServiceError
from shaodian.people.selectors import households_for
from shaodian.places.models import Building
from shaodian.security.audit import audit_list
from shaodian.security.roles import Perm

CHOICES_MAX = 500


def _may_see(user) -> bool:
    return user.can(Perm.VIEW_SUPPLIES) or user.can(Perm.REQUEST_SUPPLIES) or user.can(Perm.DELIVER)


def _need_writer(user) -> None:
    if not user.can(Perm.REQUEST_SUPPLIES):
        need(user, Perm.DELIVER)


def _households(user):
    return list(households_for(user).order_by("address").values_list("pk", "address")[:CHOICES_MAX])


def _buildings(user):
    return list(Building.objects.for_user(user, Perm.REQUEST_SUPPLIES).order_by("address")
                .values_list("pk", "address")[:CHOICES_MAX])


@login_required
def delivery_home(request):
    """The day at a glance: demand per community, today's rounds, doors not reached (special-group first)."""
    user = request.user
    if not _may_see(user):
        need(user, Perm.VIEW_SUPPLIES)
    today = timezone.localdate()
    todays = list(selectors.rounds_for(user).filter(day=today).select_related("volunteer")[:200])
    unreached = list(selectors.unreached_on(user, today)[:200])
    audit_list(user, "delivery_stop", unreached, query={"day": str(today)})
    staff = user.can(Perm.VIEW_SUPPLIES) or user.can(Perm.REQUEST_SUPPLIES)
    progress = selectors.round_progress(user, todays)
    for r in todays:
        r.progress = progress.get(r.pk, {})
    return render(request, "delivery/home.html", {
        "today": today, "rounds": todays, "unreached": unreached,
        "demand": selectors.demand_by_community(user, today) if staff else [], "staff": staff,
        "can_request": user.can(Perm.REQUEST_SUPPLIES), "section": "delivery"})


@login_required
def demand_new(request):
    """The grid worker's page: a household's need, a building's group order, a household's request link."""
    user = request.user
    need(user, Perm.REQUEST_SUPPLIES)
    households, buildings = _households(user), _buildings(user)
    picked = WhichForm(request.POST or None)
    which = picked.cleaned_data["form"] if picked.is_bound and picked.is_valid() else ""
    forms = {"demand": DemandForm(request.POST if which == "demand" else None, households=households, prefix="d"),
             "group": GroupOrderForm(request.POST if which == "group" else None, buildings=buildings, prefix="g"),
             "link": LinkForm(request.POST if which == "link" else None, households=households, prefix="l",
                              initial={"days": demand.LINK_DAYS})}
    done, link_url, status = "", "", 200
    form = forms.get(which)
    if form is not None:
        if form.is_valid():
            d = form.cleaned_data
            try:
                if which == "demand":
                    demand.demand_submit(actor=user, household_id=d["household"], kind=d["kind"],
                                         quantity=d["quantity"], note=d["note"])
                elif which == "group":
                    demand.group_order_submit(actor=user, building_id=d["building"], kind=d["kind"],
                                              quantity=d["quantity"], households=d["households"], note=d["note"])
                else:
                    _link, raw = demand.demand_link_issue(actor=user, household_id=d["household"], days=d["days"])
                    link_url = request.build_absolute_uri(f"/public/need/{raw}/")
                done = which
            except (ServiceError, NotFound) as exc:
                form.add_service_errors(exc if isinstance(exc, ServiceError) else ServiceError.one(
                    "household", "未找到，或不在您的管辖范围内", "Not found, or outside your jurisdiction"))
                status = 422
        else:
            status = 422
    return render(request, "delivery/demand_new.html", {"forms": forms, "done": done, "link_url": link_url,
                                                        "section": "delivery"}, status=status)


@login_required
def round_new(request):
    user = request.user
    need(user, Perm.REQUEST_SUPPLIES)
    buildings = _buildings(user)
    picked = Building.objects.for_user(user, Perm.REQUEST_SUPPLIES).filter(
        pk__in=[b for b, _a in buildings[:1]]).first()
    volunteers = [(u.pk, f"{u.display_name or u.username}") for u in rounds.volunteers_for(user, picked)] if picked else []
    pick = BuildingPickForm(request.POST) if request.method == "POST" else None
    if pick is not None and pick.is_valid():
        chosen = Building.objects.for_user(user, Perm.REQUEST_SUPPLIES).filter(pk=pick.cleaned_data["building"]).first()
        if chosen is not None:
            volunteers = [(u.pk, u.display_name or u.username) for u in rounds.volunteers_for(user, chosen)]
    form = RoundForm(request.POST or None, buildings=buildings, volunteers=volunteers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                r = rounds.round_create(actor=user, building_id=d["building"], volunteer_id=d["volunteer"],
                                        drop_point=d["drop_point"], goods=d["goods"])
                return redirect("delivery_round", round_id=r.pk)
            except ServiceError as exc:
                form.add_service_errors(exc)
            except NotFound:
                form.add_error("building", str(ServiceError.forbidden().errors["general"][0]))
        status = 422
    return render(request, "delivery/round_new.html", {"form": form, "section": "delivery"}, status=status)


def _round_page(request, r, *, tap_form=None, close_form=None, status=200):
    stops = rounds.walking_order(r.stops.all())
    for s in stops:  # drawn into the page: a form sent twice (a flaky network) is the same tap
        s.client_id = uuid.uuid4().hex
    audit_list(request.user, "delivery_stop", stops, query={"round": r.pk})
    open_stops = [s for s in stops if s.status != StopStatus.DELIVERED]
    config = {"round": r.pk, "api": "/api/v1/delivery/rounds/{round}/taps", "sw": reverse("delivery_sw"),
              "scope": "/delivery/rounds/", "text": _round_texts()}
    return render(request, "delivery/round.html", {
        "r": r, "stops": stops, "open_stops": open_stops, "is_open": r.status == RoundStatus.OPEN,
        "tap_form": tap_form, "close_form": close_form, "config": config,
        "delivered": sum(1 for s in stops if s.status == StopStatus.DELIVERED), "section": "delivery"}, status=status)


def _round_texts() -> dict:
    """What the round page's script shows, translated here (the page carries it as JSON: no inline script)."""
    return {
        "online": _("Online"), "offline": _("Offline"),
        "queued": _("Saved on this phone: sent when the network returns"),
        "login": _("Your login has expired: log in again (nothing queued is lost)"),
        "storage_full": _("Not recorded: this phone's storage is full. Connect to upload the queue."),
        "reason": _("Say why the door was not reached"),
        "waiting": _("Waiting to be sent"),
        "delivered": _("Delivered"), "unreached": _("Not reached"),
        "progress": _("%(d)s of %(n)s doors delivered"),
        "close_waiting": _("Taps still wait on this phone: connect and let them be sent before closing the round."),
        "close_offline": _("Closing the round needs the network."),
        "refused": _("Refused by the server"),
    }


@login_required
@never_cache
def round_detail(request, round_id):
    user = request.user
    if not _may_see(user):
        need(user, Perm.DELIVER)
    return _round_page(request, selectors.round_get(user, round_id))


@login_required
@require_POST
def round_tap(request, round_id):
    user = request.user
    _need_writer(user)
    r = selectors.round_get(user, round_id)
    form = TapForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if not r.stops.filter(pk=d["stop"]).exists():
            raise NotFound
        try:
            rounds.stop_mark(actor=user, stop_id=d["stop"], status=d["status"], client_id=d["client_id"],
                             reason=d["reason"])
            return redirect(f"/delivery/rounds/{r.pk}/#stop-{d['stop']}")
        except ServiceError as exc:
            form.add_service_errors(exc)
    return _round_page(request, r, tap_form=form, status=422)


@login_required
@require_POST
def round_close(request, round_id):
    user = request.user
    _need_writer(user)
    r = selectors.round_get(user, round_id)
    form = CloseForm(request.POST, stops=rounds.walking_order(r.stops.exclude(status=StopStatus.DELIVERED)))
    if form.is_valid():
        try:
            rounds.round_close(actor=user, round_id=r.pk, reasons=form.reasons())
            return redirect("delivery_round", round_id=r.pk)
        except ServiceError as exc:
            form.add_service_errors(exc)
    return _round_page(request, r, close_form=form, status=422)


@never_cache
def public_need(request, token):
    """A household's request page, opened from its link without an account."""
    try:
        link = demand.link_open(token)
    except NotFound:
        return render(request, "delivery/public_link_gone.html", {"why": "unknown"}, status=404)
    except ServiceError as exc:
        return render(request, "delivery/public_link_gone.html",
                      {"why": exc.errors["general"][0].code, "msg": exc.errors["general"][0]}, status=410)
    form = PublicDemandForm(request.POST or None)
    made, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = demand.demand_submit_by_link(token=token, lines=form.lines(), note=form.cleaned_data["note"])
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = 422
        else:
            status = 422
    return render(request, "delivery/public_need.html", {"link": link, "form": form, "made": made}, status=status)
