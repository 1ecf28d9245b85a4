"""Pages without login: a resident reports a problem from a phone, and follows it by tracking number and code."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from shaodian.complaints import intake, services
from shaodian.complaints.forms import ReportForm, ReporterActForm, TrackForm, TrackLinkForm, form_errors
from shaodian.complaints.views import place_choices
from shaodian.errors import NotFound, ServiceError
from shaodian.places.models import Place
from shaodian.security.audit import client_ip


def _places():
    return place_choices(Place.objects.filter(kind="community"))


@never_cache
def report(request):
    form = ReportForm(request.POST or None, request.FILES or None, places=_places())
    errors, status = {}, 200
    if request.method == "POST":
        if not form.is_valid():
            errors, status = form_errors(form), 422
        else:
            d = form.cleaned_data
            try:
                c, code = intake.complaint_file(
                    channel="web", text=d["text"], place_id=d["place"], category=d["category"],
                    reporter_name=d["reporter_name"], reporter_phone=d["reporter_phone"], anonymous=d["anonymous"],
                    address=d["address"], photo=d["photo"].read() if d["photo"] else None,
                    source=client_ip() or "")
            except ServiceError as exc:
                errors, status = exc.errors, exc.status
            else:
                return render(request, "complaints/public_done.html", {"c": c, "code": code})
    return render(request, "complaints/public_report.html", {"form": form, "errors": errors}, status=status)


@never_cache
def track(request):
    """Look a report up by number and code; the reporter may then give feedback or reopen."""
    # The code never travels in an address (addresses end up in logs): a lookup by link carries the number only.
    posted = request.method == "POST"
    form = TrackForm(request.POST if posted else None, initial={"number": TrackLinkForm(request.GET).filters()["number"]})
    c, errors, status, done = None, {}, 200, ""
    if posted and form.is_valid():
        number, code = form.cleaned_data["number"], form.cleaned_data["code"]
        if form.cleaned_data["action"]:
            act = ReporterActForm(request.POST)
            if act.is_valid():
                d = act.cleaned_data
                satisfied = {"yes": True, "no": False}.get(d["satisfied"])
                try:
                    services.complaint_reporter_act(number=number, code=code, action=d["action"], satisfied=satisfied,
                                                    note=d["note"])
                    done = d["action"]
                except ServiceError as exc:
                    errors, status = exc.errors, exc.status
            else:
                errors, status = form_errors(act), 422
        try:
            c = services.reporter_complaint(number, code)
        except NotFound:
            errors, status = errors or {"general": [services.NOT_REPORTER]}, 404 if not errors else status
    elif posted:
        errors, status = form_errors(form), 422
    return render(request, "complaints/public_track.html", {
        "form": form, "c": c, "errors": errors, "done": done,
        "events": list(c.events.exclude(action="escalate")) if c else []}, status=status)
