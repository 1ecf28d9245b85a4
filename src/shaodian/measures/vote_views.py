"""Vote pages for staff: issue personal links, show one's own links again, print them as QR codes, record paper
ballots. Every showing of a link is audited (votes.vote_links_show)."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shaodian.errors import ServiceError
from shaodian.measures import area, codec, selectors, votes
from shaodian.security.roles import Perm
from shaodian.web.shortcuts import need as _need


@login_required
def measure_votes(request, measure_id):
    """Staff issue personal voting links, show them again (their own, audited), record paper ballots, see the count."""
    user = request.user
    _need(user, Perm.VIEW_MEASURES)
    m = selectors.measure_get(user, measure_id)
    errors, status, links = {}, 200, []
    if request.method == "POST":
        _need(user, Perm.MANAGE_MEASURES)
        action = request.POST.get("action")
        try:
            if action == "open":
                links = [(address, votes.vote_url(raw, site=request.build_absolute_uri("/")), False)
                         for _pk, address, raw in votes.vote_open(actor=user, measure_id=m.pk)]
            elif action == "show":
                links = [(address, votes.vote_url(raw, site=request.build_absolute_uri("/")), voted)
                         for _pk, address, raw, voted in votes.vote_links_show(actor=user, measure_id=m.pk)]
            else:
                votes.vote_record(actor=user, measure_id=m.pk, household_id=request.POST.get("household_id"),
                                  approve=request.POST.get("choice") == "approve")
                messages.success(request, _("Ballot recorded."))
                return redirect("measure_votes", measure_id=m.pk)
        except ServiceError as exc:
            errors, status = exc.errors, exc.status
    state = codec.load(m.state)
    ballots = list(m.votes.values_list("approve", flat=True))
    response = render(request, "measures/votes.html", {
        "m": m, "state": state, "links": links, "errors": errors, "tokens": m.vote_tokens.count(),
        "mine": m.vote_tokens.filter(issued_by=user).exclude(key_sealed="").count(),
        "households": area.households(m).count(), "valid": len(ballots), "approve": sum(ballots),
        "can_manage": user.can(Perm.MANAGE_MEASURES),
    }, status=status)
    if links:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def measure_vote_sheet(request, measure_id):
    """A printable A4 sheet: one card per household that has not voted, with its QR code and link (audited)."""
    user = request.user
    _need(user, Perm.MANAGE_MEASURES)
    m = selectors.measure_get(user, measure_id)
    rows = votes.vote_links_show(actor=user, measure_id=m.pk, unvoted_only=True)
    cards = []
    for _pk, address, raw, _voted in rows:
        url = votes.vote_url(raw, site=request.build_absolute_uri("/"))
        cards.append({"address": address, "url": url, "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=2)})
    response = render(request, "measures/vote_sheet.html", {"m": m, "state": codec.load(m.state), "cards": cards})
    response["Cache-Control"] = "no-store"
    return response
