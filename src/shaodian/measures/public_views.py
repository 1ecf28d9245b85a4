"""Pages without login: an index, the register of announced and in-force measures, a household's voting page.
No personal data on any of them."""

from django.shortcuts import render
from django.utils import timezone

from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.measures import codec, rules, selectors, votes


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
    try:
        t = votes.token_measure(token)
    except NotFound:
        return render(request, "web/error.html", {"code": 404}, status=404)
    errors, status, done = {}, 200, False
    if request.method == "POST":
        choice = request.POST.get("choice")
        if choice not in ("approve", "reject"):
            errors, status = {"choice": [Msg("请选择同意或不同意", "Choose approve or reject")]}, 422
        else:
            try:
                votes.vote_cast(token=token, approve=choice == "approve")
            except ServiceError as exc:
                errors, status = exc.errors, exc.status
            else:
                done = True
    state = codec.load(t.measure.state)
    return render(request, "measures/vote.html", {
        "m": t.measure, "state": state, "restriction_labels": [rules.RESTRICTION_LABELS[r] for r in state.restrictions],
        "errors": errors, "done": done}, status=status)
