"""The risk page: the riskiest buildings with each indicator's value and contribution; a person confirms each level."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shaodian.errors import NotFound, ServiceError
from shaodian.risk import indicators, labels, selectors, services
from shaodian.security.roles import Perm
from shaodian.core.shortcuts import need as _need, not_found as _not_found

RISK_ROWS = 50


@login_required
def risk_page(request):
    """The riskiest buildings with each indicator's value and contribution; a person confirms each level."""
    user = request.user
    _need(user, Perm.CONFIRM_RISK)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            services.risk_confirm(actor=user, building_id=request.POST.get("building_id"),
                                  level=request.POST.get("level", ""), note=request.POST.get("note", ""), request=request)
        except NotFound:
            return _not_found(request)
        except ServiceError as exc:
            errors, status = exc.errors, exc.status
        else:
            messages.success(request, _("Risk level confirmed."))
            return redirect("measure_risk")
    rows = indicators.assess_buildings(user)[:RISK_ROWS]
    confirmed = {c.building_id: c for c in selectors.risk_confirmations_for(user).order_by("confirmed_at")}
    return render(request, "risk/risk.html", {
        "rows": [(r, confirmed.get(r["building_id"]), labels.label(r["level"])) for r in rows],
        "available": True, "risk_levels": list(labels.RISK_LABELS.items()), "errors": errors, "limit": RISK_ROWS,
    }, status=status)
