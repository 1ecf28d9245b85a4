"""Testing-round pages: rounds and sampling sites, one round's sampling, results and its unreached per grid."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shaodian.core.shortcuts import need
from shaodian.errors import ServiceError
from shaodian.screening import rounds
from shaodian.screening.forms import GridForm, ImportForm, ResultForm, RoundForm, SampleForm, SiteForm, WhichForm
from shaodian.screening.models import Result, Sample, TestKind
from shaodian.screening.views import area_choices
from shaodian.security import crypto
from shaodian.security.audit import audit_list
from shaodian.security.roles import Perm

SHEET_MAX_BYTES = 5 * 1024 * 1024


@login_required
def round_list(request):
    """Rounds seen from this level (ordered here, above or below) and the sampling sites; staff order rounds."""
    user = request.user
    need(user, Perm.VIEW_SCREENING)
    errors, status, values, what = {}, 200, {}, ""
    if request.method == "POST":
        need(user, Perm.RUN_CAMPAIGNS)
        which = WhichForm(request.POST)
        what = which.cleaned_data["what"] if which.is_valid() else "round"
        form = SiteForm(request.POST) if what == "site" else RoundForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if isinstance(form, SiteForm):
                    rounds.site_create(actor=user, place_id=d["place"], name=d["name"], address=d["address"],
                                       opens=d["opens"], closes=d["closes"])
                    return redirect("round_list")
                r = rounds.round_order(actor=user, place_id=d["place"], name=d["name"], kind=d["kind"], day=d["day"],
                                       every_days=d["every_days"], parent_id=d["parent"])
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("round_detail", testing_round_id=r.pk)
        errors, status, values = form.errors_by_field(), 422, form.values()
    all_rounds = list(rounds.rounds_for(user).select_related("place", "parent")[:200])
    return render(request, "screening/rounds.html", {
        "rounds": all_rounds, "sites": list(rounds.sites_for(user).select_related("place")[:200]),
        "can_run": user.can(Perm.RUN_CAMPAIGNS), "places": area_choices(user) if user.can(Perm.RUN_CAMPAIGNS) else [],
        "kinds": TestKind.choices, "errors": errors, "values": values, "what": what,
    }, status=status)


@login_required
def round_detail(request, testing_round_id):
    """Progress per grid, the unreached of a chosen grid (masked), sampling by code, results by hand or sheet."""
    user = request.user
    need(user, Perm.VIEW_SCREENING)
    r = rounds.round_get(user, testing_round_id)
    grid_form = GridForm(request.GET)
    grid_id = grid_form.cleaned_data.get("grid") if grid_form.is_valid() else None
    if grid_id is None and user.node.kind == "grid":
        grid_id = user.node_id
    progress = rounds.round_progress(user, r)
    unreached = rounds.unreached_in_grid(user, r, grid_id) if grid_id and user.can(Perm.VIEW_RESIDENTS) else []
    samples = list(Sample.objects.for_user(user, Perm.VIEW_SCREENING).filter(round=r)
                   .select_related("resident", "grid").order_by("-sampled_at")[:200])
    audit_list(user, "sample", samples, query={"round": r.pk})
    for s in samples:
        s.masked_name = crypto.mask_name(s.resident.name)
    return render(request, "screening/round.html", {
        "round": r, "progress": progress, "unreached": unreached, "grid_id": grid_id, "samples": samples,
        "sites": list(rounds.sites_for(user)[:100]), "can_sample": user.can(Perm.VISIT) or user.can(Perm.RUN_CAMPAIGNS),
        "can_run": user.can(Perm.RUN_CAMPAIGNS), "results": Result, "errors": request.session.pop("round_errors", {}),
        "message": request.session.pop("round_message", ""), "import_errors": request.session.pop("round_import", []),
    })


def _back(request, testing_round_id, *, errors=None, message="", import_errors=None):
    request.session["round_errors"] = {k: [str(m) for m in v] for k, v in (errors or {}).items()}
    request.session["round_message"] = message
    request.session["round_import"] = import_errors or []
    return redirect("round_detail", testing_round_id=testing_round_id)


@login_required
@require_POST
def round_sample(request, testing_round_id):
    """A scanned personal code or a typed ID number: this person was sampled."""
    user = request.user
    form = SampleForm(request.POST)
    if not form.is_valid():
        return _back(request, testing_round_id, errors=form.errors_by_field())
    try:
        sample, created = rounds.sample_record(actor=user, round_id=testing_round_id, code=form.cleaned_data["code"],
                                               site_id=form.cleaned_data["site"])
    except ServiceError as exc:
        return _back(request, testing_round_id, errors=exc.errors)
    from django.utils.translation import gettext as _

    return _back(request, testing_round_id, message=_("Sampled.") if created else _("Already sampled in this round."))


@login_required
@require_POST
def round_result(request, testing_round_id):
    user = request.user
    form = ResultForm(request.POST)
    if not form.is_valid():
        return _back(request, testing_round_id, errors=form.errors_by_field())
    try:
        rounds.result_set(actor=user, sample_id=form.cleaned_data["sample"], result=form.cleaned_data["result"])
    except ServiceError as exc:
        return _back(request, testing_round_id, errors=exc.errors)
    return _back(request, testing_round_id)


def _sheet_rows(upload) -> list[tuple]:
    """(ID number, result) of each row after the header, from xlsx or csv; raises ServiceError on an unreadable file."""
    data = upload.read(SHEET_MAX_BYTES + 1)
    if len(data) > SHEET_MAX_BYTES:
        raise ServiceError.one("file", "文件超过 5 MB", "The file is larger than 5 MB", "too_large")
    if data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            rows = [tuple(row[:2]) for row in ws.iter_rows(min_row=2, values_only=True)]
        except Exception:  # noqa: BLE001 - any damage to the workbook is one answer
            raise ServiceError.one("file", "无法读取该 Excel 文件", "The workbook cannot be read", "bad_file") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise ServiceError.one("file", "无法识别文件编码", "Unknown text encoding", "bad_file") from None
        rows = [tuple((row + ["", ""])[:2]) for row in list(csv.reader(io.StringIO(text)))[1:]]
    return [r for r in rows if any(c not in (None, "") for c in r)]


@login_required
@require_POST
def round_import(request, testing_round_id):
    user = request.user
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _back(request, testing_round_id, errors=form.errors_by_field())
    try:
        report = rounds.results_import(actor=user, round_id=testing_round_id, rows=_sheet_rows(form.cleaned_data["file"]))
    except ServiceError as exc:
        return _back(request, testing_round_id, errors=exc.errors)
    from django.utils.translation import gettext as _

    return _back(request, testing_round_id, message=_("Results imported: %(n)d.") % {"n": report["updated"]},
                 import_errors=report["errors"])
