"""Screening pages: campaigns and their live coverage, the closed campaign's report (page and xlsx),
and the grid worker's field page (today's doors in walking order, three taps a visit, works offline)."""

import io
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, pgettext
from django.views.decorators.http import require_POST

from shaodian.core.forms import local_input
from shaodian.core.shortcuts import need
from shaodian.errors import ServiceError
from shaodian.places.models import PlaceKind
from shaodian.places.selectors import scoped_places
from shaodian.screening import selectors, services
from shaodian.screening.forms import CampaignForm, TaskFilterForm, VisitForm
from shaodian.screening.models import CampaignStatus, VisitStatus
from shaodian.security.audit import audit, audit_list
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm


def area_choices(user):
    """The nodes a campaign or round may cover: the user's own and those below, down to the community."""
    kinds = [PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY, PlaceKind.GRID]
    rows = scoped_places(user).filter(kind__in=kinds, active=True).select_related("parent").order_by("code")[:2000]
    return [(p, f"{p.parent.name} · {p.name}" if p.parent else p.name) for p in rows]


@login_required
def screening_home(request):
    """Campaigns of the jurisdiction (running first) and, for staff, the form to start one."""
    user = request.user
    need(user, Perm.VIEW_SCREENING)
    form = CampaignForm(request.POST or None)
    errors, status = {}, 200
    if request.method == "POST":
        need(user, Perm.RUN_CAMPAIGNS)
        if form.is_valid():
            d = form.cleaned_data
            try:
                campaign = services.campaign_start(actor=user, place_id=d["place"], name=d["name"], purpose=d["purpose"],
                                                   questions=d["questions"], deadline=d["deadline"])
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("campaign_detail", campaign_id=campaign.pk)
        errors, status = form.errors_by_field(), 422
    campaigns = list(selectors.campaigns_for(user).select_related("place").order_by("status", "-started_at")[:200])
    values = form.values() if request.method == "POST" else {
        "deadline": local_input(timezone.now() + timezone.timedelta(days=3))}
    return render(request, "screening/home.html", {
        "campaigns": campaigns, "can_run": user.can(Perm.RUN_CAMPAIGNS), "can_visit": user.can(Perm.VISIT),
        "places": area_choices(user) if user.can(Perm.RUN_CAMPAIGNS) else [], "errors": errors, "values": values,
    }, status=status)


@login_required
def campaign_detail(request, campaign_id):
    """Live coverage of one campaign per child node of the user's level; the report once closed."""
    user = request.user
    need(user, Perm.VIEW_SCREENING)
    campaign = selectors.campaign_get(user, campaign_id)
    cov = selectors.coverage_for(user, campaign)
    status = TaskFilterForm(request.GET).filters()["status"]
    tasks = []
    if cov["level"] in ("grid", "community"):
        tasks = selectors.visit_tasks_for(user, campaign, status=status)
        audit_list(user, "visit_task", tasks, query={"campaign": campaign.pk, "status": status})
    may_close = (user.can(Perm.RUN_CAMPAIGNS) and campaign.status == CampaignStatus.RUNNING
                 and selectors.campaigns_run_by(user).filter(pk=campaign.pk).exists())
    return render(request, "screening/campaign.html", {
        "campaign": campaign, "cov": cov, "tasks": tasks, "statuses": VisitStatus.choices, "status": status,
        "may_close": may_close, "closed": campaign.status == CampaignStatus.CLOSED,
    })


@login_required
@require_POST
def campaign_close(request, campaign_id):
    user = request.user
    need(user, Perm.RUN_CAMPAIGNS)
    try:
        services.campaign_close(actor=user, campaign_id=campaign_id)
    except ServiceError as exc:
        campaign = selectors.campaign_get(user, campaign_id)
        return render(request, "screening/campaign.html", {
            "campaign": campaign, "cov": selectors.coverage_for(user, campaign), "tasks": [],
            "statuses": VisitStatus.choices, "errors": exc.errors, "closed": campaign.status == CampaignStatus.CLOSED,
        }, status=exc.status)
    return redirect("campaign_detail", campaign_id=campaign_id)


@login_required
def campaign_report(request, campaign_id):
    """The campaign's report as a workbook: one row per grid of the user's jurisdiction, with the totals."""
    from openpyxl import Workbook

    user = request.user
    need(user, Perm.VIEW_SCREENING)
    campaign = selectors.campaign_get(user, campaign_id)
    rows = selectors.report_rows(user, campaign)
    wb = Workbook()
    ws = wb.active
    ws.title = "coverage"
    ws.append([_("Campaign"), campaign.name])
    ws.append([_("Purpose"), campaign.purpose])
    ws.append([_("Area"), campaign.place.name])
    ws.append([_("Started"), timezone.localtime(campaign.started_at).strftime("%Y-%m-%d %H:%M")])
    ws.append([_("Closed"), timezone.localtime(campaign.closed_at).strftime("%Y-%m-%d %H:%M") if campaign.closed_at
               else _("Running")])
    ws.append([])
    ws.append([_("Street"), _("Community"), _("Grid"), _("Households"), _("Reached"), pgettext("visit outcome", "Refused"), pgettext("visit outcome", "Not reached"),
               _("With symptoms"), _("Coverage rate")])
    for r in rows:
        ws.append([r["street"], r["community"], r["grid"], r["total"], r["reached"], r["refused"], r["open"],
                   r["symptomatic"], r["percent"]])
    total, reached = sum(r["total"] for r in rows), sum(r["reached"] for r in rows)
    ws.append([_("Total"), "", "", total, reached, sum(r["refused"] for r in rows), total - reached,
               sum(r["symptomatic"] for r in rows), (reached * 1000 // total) / 10 if total else 0.0])
    buf = io.BytesIO()
    wb.save(buf)
    audit(user, AuditAction.EXPORT, "campaign", campaign.pk, detail={"grids": len(rows)}, count=len(rows))
    response = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.xlsx"'
    return response


# ---------------------------------------------------------------- the field page


@login_required
def field(request):
    """The grid worker's doors for today in walking order; each visit in at most three taps, queued offline."""
    user = request.user
    need(user, Perm.VISIT)
    message, status = "", 200
    if request.method == "POST":
        # Without its script the page posts each visit here; the script sends the same to POST /api/v1/visits.
        form = VisitForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                [result] = services.visits_record(actor=user, items=[{
                    "client_id": d["client_id"], "task": d["task"], "outcome": d["outcome"],
                    "people_present": d["people_present"], "symptomatic": d["symptomatic"], "notes": d["notes"]}])
            except ServiceError as exc:
                message, status = str(exc), exc.status
            else:
                if result["status"] == "rejected":
                    message, status = result["reason"], 422
                else:
                    return redirect("screening_field")
        else:
            message, status = _("The visit could not be read: try again."), 422
    tasks = selectors.visits_today(user)
    audit_list(user, "visit_task", tasks, query={"page": "field"})
    config = {"api": "/api/v1/visits", "sw": reverse("screening_sw"), "scope": reverse("screening_field"),
              "login": reverse("login"), "tz": settings.TIME_ZONE, "text": _field_texts()}
    return render(request, "screening/field.html", {
        "tasks": tasks, "config": config, "message": message, "client_id": uuid.uuid4().hex,
        "today": timezone.localdate(),
    }, status=status)


def _field_texts() -> dict:
    return {
        "online": _("Online"), "offline": _("Offline"), "queue": _("To upload"),
        "saved": _("Saved"), "queued": _("Saved on this phone: sent when the network returns"),
        "rejected": _("Refused by the server"), "login": _("Your login has expired: log in again (nothing queued is lost)"),
        "storage_full": _("Not recorded: this phone's storage is full. Connect to upload the queue."),
        "reached": _("Reached"), "nobody_home": _("Nobody home"), "refused": pgettext("visit outcome", "Refused"),
    }

