"""Import pages: the sheet template, the upload and the error report (export: views_export.py)."""

import io
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from shaodian.errors import Msg, ServiceError
from shaodian.people import excel
from shaodian.people.forms import ImportForm
from shaodian.people.import_transfers import transfer_requests_from_import as import_transfers_service
from shaodian.people.models import ImportJob
from shaodian.security.roles import Perm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(wb, filename: str) -> HttpResponse:
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def import_template(request):
    if not request.user.can(Perm.IMPORT):
        raise PermissionDenied
    return _xlsx_response(excel.template_workbook(), "residents-template.xlsx")


@login_required
def resident_import(request):
    user = request.user
    if not user.can(Perm.IMPORT):
        raise PermissionDenied
    context: dict = {"max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024), "jobs": ImportJob.objects.filter(actor=user).order_by("-id")[:10]}
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, max_bytes=settings.IMPORT_MAX_BYTES)
        try:
            if not form.is_valid():
                raise ServiceError({f: [Msg(e, e, "file")] for f, es in form.errors_by_field().items() for e in es})
            upload = form.cleaned_data["file"]
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                result = excel.residents_import(actor=user, path=tmp.name, filename=upload.name)
        except ServiceError as exc:
            context["error"] = exc
            status = 422
        else:
            context["job"] = result.job
            context["sample_errors"] = result.errors[:20]
            context["elsewhere"] = sum(1 for e in result.errors if e.code == "elsewhere")
    return render(request, "people/import.html", context, status=status)


@login_required
@require_POST
def import_transfers(request, job_id):
    """Send a transfer request for every row of this import whose person is registered elsewhere."""
    if not request.user.can(Perm.IMPORT):
        raise PermissionDenied
    try:
        sent, failed = import_transfers_service(actor=request.user, job_id=job_id)
    except ServiceError:
        raise PermissionDenied from None
    if sent:
        messages.success(request, ngettext("%(n)d transfer request was sent.", "%(n)d transfer requests were sent.", sent) % {"n": sent})
    if failed:
        messages.error(request, ngettext("%(n)d request could not be sent.", "%(n)d requests could not be sent.", failed) % {"n": failed})
    return redirect("transfer_list")


@login_required
def import_errors(request, job_id):
    if not request.user.can(Perm.IMPORT):
        raise PermissionDenied
    job = get_object_or_404(ImportJob, pk=job_id, actor=request.user)
    return _xlsx_response(excel.error_workbook(job), f"import-{job.pk}-errors.xlsx")
