"""Pages without login: an index, the register of announced and in-force measures, a household's voting page.
No personal data on any of them."""

from django.shortcuts import render
from django.utils import timezone

from shaodian.errors import ServiceError
from shaodian.measures import codec, rules, selectors, votes
from shaodian.measures.forms import BallotForm


def public_index(request):
    """What the public may open without logging in."""
    return render(request, "measures/public_index.html")


def public_register(request):
    """The register of measures announced and in force, without login and without personal data."""
    items = selectors.register_items(timezone.now())
    return render(request, "measures/public.html", {
        "announced": [i for i in items if i["state"] == "announced"],
        "in_force": [i for i in items if i["state"] == "in_force"]})


def public_vote(request, token):
    """A household's personal voting page: the measure, and approve or reject."""
    t = votes.token_measure(token)
    errors, status, done = {}, 200, False
    if request.method == "POST":
        form = BallotForm(request.POST)
        if form.is_valid():
            try:
                votes.vote_cast(token=token, approve=form.cleaned_data["choice"] == "approve")
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
            else:
                done = True
        if not done:
            errors, status = form.errors_by_field(), status if status != 200 else 422
    state = codec.load(t.measure.state)
    return render(request, "measures/vote.html", {
        "m": t.measure, "state": state, "restriction_labels": [rules.RESTRICTION_LABELS[r] for r in state.restrictions],
        "errors": errors, "done": done}, status=status)
