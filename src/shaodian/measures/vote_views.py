"""Vote pages for staff: issue personal links, show one's own links again, print them as QR codes, record paper
ballots. Every showing of a link is audited (votes.vote_links_show)."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shaodian.core.forms import HouseholdPrefillForm
from shaodian.core.shortcuts import need as _need
from shaodian.errors import ServiceError
from shaodian.measures import area, codec, selectors, votes
from shaodian.measures.forms import PaperVoteForm
from shaodian.security.roles import Perm


@login_required
def measure_votes(request, measure_id):
    """Staff issue personal voting links, show them again (their own, audited), record paper ballots, see the count."""
    user = request.user
    _need(user, Perm.VIEW_MEASURES)
    m = selectors.measure_get(user, measure_id)
    errors, status, links = {}, 200, []
    if request.method == "POST":
        _need(user, Perm.MANAGE_MEASURES)
        form = PaperVoteForm(request.POST)
        if form.is_valid():
            try:
                links = _vote_action(request, user, m, form.cleaned_data)
            except ServiceError as exc:
                errors, status = exc.errors, exc.status
            else:
                if links is None:
                    messages.success(request, _("Ballot recorded."))
                    return redirect("measure_votes", measure_id=m.pk)
        else:
            errors, status = {"general": [e for es in form.errors.values() for e in es]}, 422
    state = codec.load(m.state)
    ballots = list(m.votes.values_list("approve", flat=True))
    response = render(request, "measures/votes.html", {
        "m": m, "state": state, "links": links, "errors": errors, "tokens": m.vote_tokens.count(),
        "mine": m.vote_tokens.filter(issued_by=user).exclude(key_sealed="").count(),
        "households": area.households(user, m).count(), "valid": len(ballots), "approve": sum(ballots),
        "can_manage": user.can(Perm.MANAGE_MEASURES),
        # Back from the picker's own page (?household=): the paper ballot is filled in with that household.
        "picked": HouseholdPrefillForm(request.GET).filters()["household"] or "",
    }, status=status)
    if links:
        response["Cache-Control"] = "no-store"
    return response


def _vote_action(request, user, m, data: dict) -> list | None:
    """Links issued or shown again (each showing audited by the service); None when a paper ballot was recorded."""
    site = request.build_absolute_uri("/")
    if data["action"] == "open":
        return [(address, votes.vote_url(raw, site=site), False)
                for _pk, address, raw in votes.vote_open(actor=user, measure_id=m.pk)]
    if data["action"] == "show":
        return [(address, votes.vote_url(raw, site=site), voted)
                for _pk, address, raw, voted in votes.vote_links_show(actor=user, measure_id=m.pk)]
    votes.vote_record(actor=user, measure_id=m.pk, household_id=data["household_id"], approve=data["choice"] == "approve")
    return None


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
