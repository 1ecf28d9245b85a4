"""The risk page: the riskiest buildings with each indicator's value and contribution; a person confirms each level."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shaodian.core.shortcuts import need as _need
from shaodian.errors import ServiceError
from shaodian.risk import indicators, labels, selectors, services
from shaodian.risk.forms import RiskConfirmForm
from shaodian.security.roles import Perm

RISK_ROWS = 50


@login_required
def risk_page(request):
    """The riskiest buildings with each indicator's value and contribution; a person confirms each level."""
    user = request.user
    _need(user, Perm.CONFIRM_RISK)
    errors, status = {}, 200
    if request.method == "POST":
        form = RiskConfirmForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                services.risk_confirm(actor=user, **form.cleaned_data)
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
            else:
                messages.success(request, _("Risk level confirmed."))
                return redirect("measure_risk")
        errors = form.errors_by_field()
    rows = indicators.assess_buildings(user)[:RISK_ROWS]
    confirmed = {c.building_id: c for c in selectors.risk_confirmations_for(user).order_by("confirmed_at")}
    return render(request, "risk/risk.html", {
        "rows": [(r, confirmed.get(r["building_id"]), labels.label(r["level"])) for r in rows],
        "available": True, "risk_levels": list(labels.RISK_LABELS.items()), "errors": errors, "limit": RISK_ROWS,
    }, status=status)
