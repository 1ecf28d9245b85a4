"""The self-report page without an account: a personal link (or its QR) opens one person's period, today's
form and nothing else. An unknown, revoked or expired link answers with a page that says so, and no data."""

import uuid

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from shaodian.errors import ServiceError
from shaodian.monitoring.forms import ReportForm
from shaodian.monitoring.models import HealthReport
from shaodian.monitoring.selectors import day_of
from shaodian.monitoring.services import LinkGone, link_open, self_report
from shaodian.security import crypto


@never_cache
def health_report(request, report_token):
    try:
        link = link_open(report_token)
    except LinkGone as gone:
        return render(request, "monitoring/public_gone.html", {"code": gone.code}, status=410 if gone.code != "unknown" else 404)
    m = link.monitoring
    form = ReportForm(request.POST or None, initial={"client_id": uuid.uuid4().hex})
    status, done = 200, False
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                self_report(raw=report_token, client_id=d["client_id"], temperature=d["temperature"],
                            symptoms=d["symptoms"])
                done = True
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
            except LinkGone as gone:
                return render(request, "monitoring/public_gone.html", {"code": gone.code}, status=410)
        if not done:
            status = status if status != 200 else 422
    today = timezone.localdate()
    n, days = day_of(m, today)
    return render(request, "monitoring/public_report.html", {
        "form": form if not done else ReportForm(initial={"client_id": uuid.uuid4().hex}), "done": done,
        "errors": form.errors_by_field() if form.is_bound and not done else {},
        "name": crypto.mask_name(m.resident.name), "day_n": n, "days": days, "ends_on": m.ends_on,
        "today_reports": list(HealthReport.objects.filter(monitoring=m, day=today).order_by("at"))}, status=status)
