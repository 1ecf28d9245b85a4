"""Export pages: a small list downloads at once; a large one becomes a background job with progress and a download."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shaodian.core import exports
from shaodian.errors import ServiceError
from shaodian.people import export, selectors
from shaodian.people.forms import ResidentQueryForm
from shaodian.schema_types import ParamId, form_value
from shaodian.security.roles import Perm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(user, query: dict):
    grid = form_value(ParamId, query["grid"], field="grid", required=False, label=("网格", "Grid"))
    return selectors.resident_filter(user, q=query["q"], grid=grid, tag=query["tag"])


def _need_export(user) -> None:
    if not user.can(Perm.EXPORT):
        raise PermissionDenied


@login_required
def resident_export(request):
    """The list the user sees, as .xlsx (numbers masked): at once when small, else offered as a background job."""
    user = request.user
    _need_export(user)
    form = ResidentQueryForm(request.GET)
    try:
        if not form.is_valid():
            raise ServiceError.one("query", "筛选条件无效", "Invalid filters")
        query = form.query()
        qs = _filtered(user, query)
        n = qs.count()
        if n > settings.EXPORT_SYNC_MAX_ROWS:
            return render(request, "people/exports.html", {**_list_context(user), "offer": query, "offer_rows": n})
        out, _n = export.residents_export(actor=user, queryset=qs, query=query)
    except (ServiceError, ValueError):
        return render(request, "web/error.html", {"code": 400}, status=400)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"residents-{stamp}.xlsx", content_type=XLSX)


def _list_context(user) -> dict:
    jobs = list(exports.exports_of(user))
    for job in jobs:
        job.ready = exports.downloadable(job)
    return {"jobs": jobs, "keep_hours": settings.EXPORT_KEEP_HOURS,
            "sync_max": settings.EXPORT_SYNC_MAX_ROWS}


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request):
    """The user's own exports; a POST queues a new one for the worker."""
    user = request.user
    _need_export(user)
    if request.method == "POST":
        form = ResidentQueryForm(request.POST)
        try:
            if not form.is_valid():
                raise ServiceError.one("query", "筛选条件无效", "Invalid filters")
            query = form.query()
            n = _filtered(user, query).count()
            job = export.residents_export_queue(actor=user, query=query, rows_total=n)
        except (ServiceError, ValueError):
            return render(request, "web/error.html", {"code": 400}, status=400)
        return redirect("resident_export_detail", job_id=job.pk)
    return render(request, "people/exports.html", _list_context(user))


@login_required
def export_detail(request, job_id):
    """One export's progress; htmx polls the row until the file is ready."""
    user = request.user
    _need_export(user)
    job = exports.export_get(user, job_id)
    if job is None:
        raise Http404
    job.ready = exports.downloadable(job)
    context = {"job": job, "keep_hours": settings.EXPORT_KEEP_HOURS}
    if request.htmx:
        return render(request, "people/_export_row.html", context)
    return render(request, "people/export_detail.html", context)


@login_required
def export_download(request, job_id):
    result = export.export_download(actor=request.user, job_id=job_id)
    if result is None:
        raise Http404
    job, path = result
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.filename, content_type=XLSX)
