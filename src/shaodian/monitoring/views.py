"""Staff pages: who is under monitoring (day n of N, last report, alerts), a person's period with its reports,
calls and link, the alerts to acknowledge, returnee lists with matching, and the risk areas."""

import uuid

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from shaodian.core.shortcuts import need
from shaodian.errors import ServiceError
from shaodian.monitoring import alerts, returnees, selectors, services
from shaodian.monitoring.forms import (AckForm, ActionForm, AlertFilterForm, CallForm, ImportForm, ListFilterForm,
                                       MatchForm, ReportForm, RiskAreaForm, StartForm, StopForm)
from shaodian.monitoring.models import RiskArea, RowStatus
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.tracing.models import MonitoringStatus


def _see(user):
    if not (user.can(Perm.VIEW_SCREENING) or user.can(Perm.MANAGE_MONITORING)):
        raise PermissionDenied


@login_required
def monitoring_list(request):
    user = request.user
    _see(user)
    wanted = ListFilterForm(request.GET).filters()
    status = wanted["status"]
    rows = selectors.monitoring_rows(user, status=status, alerts_only=wanted["alerts"])
    return render(request, "monitoring/list.html", {
        "rows": rows, "status": status, "alerts_only": wanted["alerts"], "statuses": MonitoringStatus.choices,
        "section": "monitoring",
        "open_alerts": len(selectors.open_alerts(user))})


@login_required
def monitoring_start(request):
    user = request.user
    need(user, Perm.MANAGE_MONITORING)
    form = StartForm(request.POST or None, initial={"days": 14})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                m = services.monitoring_start(actor=user, resident_id=d["resident_id"], reason=d["reason"], days=d["days"],
                                              note=d["note"])
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
            else:
                return redirect("monitoring_detail", monitoring_id=m.pk)
        status = status if status != 200 else 422
    return render(request, "monitoring/start.html", {"form": form, "errors": form.errors_by_field() if form.is_bound else {},
                                                     "values": form.values() if form.is_bound else {},
                                                     "section": "monitoring"}, status=status)


def _detail(request, m, *, report_form=None, call_form=None, stop_form=None, status=200, link=None, errors=None):
    user = request.user
    audit(user, AuditAction.READ, "monitoring", m.pk)
    qr = segno.make(link, error="m").svg_data_uri(scale=4, border=2) if link else None
    return render(request, "monitoring/detail.html", {
        "m": m, **selectors.period_detail(user, m), "section": "monitoring", "link": link, "qr": qr,
        "report_form": report_form or ReportForm(initial={"client_id": uuid.uuid4().hex}),
        "call_form": call_form or CallForm(), "stop_form": stop_form or StopForm(), "errors": errors or {},
        "active": m.status == MonitoringStatus.ACTIVE, "can_visit": user.can(Perm.VISIT),
        "can_manage": user.can(Perm.MANAGE_MONITORING),
        "has_link": m.links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).exists()}, status=status)


@login_required
def monitoring_detail(request, monitoring_id):
    user = request.user
    _see(user)
    m = services.period_get(user, monitoring_id)
    if request.method != "POST":
        return _detail(request, m)
    action = ActionForm(request.POST)
    if not action.is_valid():
        return _detail(request, m, status=422, errors=action.errors_by_field())
    act = action.cleaned_data["action"]
    site = request.build_absolute_uri("/")
    try:
        if act == "report":
            form = ReportForm(request.POST)
            if not form.is_valid():
                return _detail(request, m, report_form=form, status=422)
            d = form.cleaned_data
            services.worker_report(actor=user, monitoring_id=m.pk, client_id=d["client_id"], temperature=d["temperature"],
                                   symptoms=d["symptoms"], at=timezone.now())
        elif act == "call":
            form = CallForm(request.POST)
            if not form.is_valid():
                return _detail(request, m, call_form=form, status=422)
            services.call_log(actor=user, monitoring_id=m.pk, reached=form.cleaned_data["reached"] == "yes",
                              note=form.cleaned_data["note"])
        elif act == "link":
            return _detail(request, m, link=services.link_url(services.link_issue(actor=user, monitoring_id=m.pk), site=site))
        elif act == "show":
            raw = services.link_show(actor=user, monitoring_id=m.pk)
            return _detail(request, m, link=services.link_url(raw, site=site) if raw else None)
        elif act == "revoke":
            services.link_revoke(actor=user, monitoring_id=m.pk)
        else:
            form = StopForm(request.POST)
            if not form.is_valid():
                return _detail(request, m, stop_form=form, status=422)
            services.monitoring_stop(actor=user, monitoring_id=m.pk, note=form.cleaned_data["note"])
    except ServiceError as exc:
        return _detail(request, services.period_get(user, m.pk), status=exc.status,
                       errors={k: [str(x) for x in v] for k, v in exc.errors.items()})
    return redirect("monitoring_detail", monitoring_id=m.pk)


@login_required
def alert_list(request):
    user = request.user
    _see(user)
    errors, status = {}, 200
    if request.method == "POST":
        form = AckForm(request.POST)
        if form.is_valid():
            try:
                alerts.alert_acknowledge(actor=user, alert_id=form.cleaned_data["alert_id"], note=form.cleaned_data["note"])
                return redirect("monitoring_alerts")
            except ServiceError as exc:
                errors, status = {k: [str(x) for x in v] for k, v in exc.errors.items()}, exc.status
        else:
            errors, status = form.errors_by_field(), 422
    return render(request, "monitoring/alerts.html", {
        "items": selectors.open_alerts(user, include_acknowledged=AlertFilterForm(request.GET).filters()["all"]),
        "errors": errors,
        "section": "monitoring", "can_ack": user.can(Perm.VISIT) or user.can(Perm.MANAGE_MONITORING)}, status=status)


@login_required
def risk_areas(request):
    user = request.user
    _see(user)
    form = RiskAreaForm(request.POST or None)
    status = 200
    if request.method == "POST":
        need(user, Perm.MANAGE_MONITORING)
        if form.is_valid():
            try:
                services.risk_area_add(actor=user, **form.cleaned_data)
                return redirect("monitoring_risk_areas")
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
        status = status if status != 200 else 422
    today = timezone.localdate()
    return render(request, "monitoring/risk_areas.html", {
        "areas": list(RiskArea.objects.all()[:300]), "today": today, "form": form, "section": "monitoring",
        "errors": form.errors_by_field() if form.is_bound else {}, "can_manage": user.can(Perm.MANAGE_MONITORING)},
        status=status)


@login_required
def returnee_lists(request):
    user = request.user
    _see(user)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        need(user, Perm.RUN_CAMPAIGNS)
        if form.is_valid():
            d = form.cleaned_data
            try:
                lst = returnees.returnee_import(actor=user, filename=d["file"].name, content=d["file"].read(),
                                                title=d["title"], follow_up_days=d["follow_up_days"])
                return redirect("monitoring_returnee_list", returnee_list_id=lst.pk)
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
        status = status if status != 200 else 422
    return render(request, "monitoring/returnees.html", {
        "lists": selectors.lists_summary(user), "form": form, "section": "monitoring",
        "errors": form.errors_by_field() if form.is_bound else {}, "can_import": user.can(Perm.RUN_CAMPAIGNS)},
        status=status)


@login_required
def returnee_list(request, returnee_list_id):
    user = request.user
    _see(user)
    lst = returnees.list_get(user, returnee_list_id)
    errors, status, match_row = {}, 200, None
    if request.method == "POST":
        form = MatchForm(request.POST)
        if form.is_valid():
            try:
                returnees.row_match(actor=user, list_id=lst.pk, row_id=form.cleaned_data["row_id"],
                                    resident_id=form.cleaned_data["resident_id"])
                return redirect("monitoring_returnee_list", returnee_list_id=lst.pk)
            except ServiceError as exc:
                errors, status = {k: [str(x) for x in v] for k, v in exc.errors.items()}, exc.status
        else:
            errors, status = form.errors_by_field(), 422
        match_row = str(form.data.get("row_id", ""))
    audit(user, AuditAction.READ, "returnee_list", lst.pk)
    rows = selectors.list_rows(user, lst)
    return render(request, "monitoring/returnee_list.html", {
        "lst": lst, "rows": rows, "errors": errors, "section": "monitoring", "match_row": match_row,
        "can_match": user.can(Perm.RUN_CAMPAIGNS) and user.can(Perm.VIEW_RESIDENTS), "statuses": RowStatus,
        "counts": {s: sum(1 for x in rows if x["r"].status == s) for s in RowStatus.values}}, status=status)
