from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.people import selectors, services
from shaodian.people.forms import ResidentEditForm
from shaodian.people.models import DocumentType, SpecialGroup
from shaodian.places.selectors import grids_for
from shaodian.security.crypto import mask_id_number, mask_phone
from shaodian.schema_types import ParamId, form_value
from shaodian.security.roles import Perm
from shaodian.web.shortcuts import need as _need, not_found as _not_found


@login_required
def resident_list(request):
    """Search residents: name prefix, last 4 of ID/phone, full number or address; keyset pages."""
    user = request.user
    _need(user, Perm.VIEW_RESIDENTS)
    params = {
        "q": request.GET.get("q", "")[:100],
        "grid": request.GET.get("grid") or None,
        "tag": request.GET.get("tag") or None,
        "cursor": request.GET.get("cursor") or None,
    }
    error = None
    try:
        params["grid"] = form_value(ParamId, params["grid"], field="grid", required=False, label=("网格", "Grid"))
        page = selectors.resident_search(user, request=request, **params)
    except ServiceError as exc:
        page, error = selectors.Page([], None), exc
    context = {
        "page": page,
        "rows": [(r, mask_id_number(r.id_number), mask_phone(r.phone)) for r in page.items],
        "error": error,
        "params": params,
        # Only id and name: a district has hundreds of grids, each with a GeoJSON boundary.
        "grids": grids_for(user).only("id", "name") if user.node.kind != "grid" else [],
        "groups": SpecialGroup.choices,
    }
    if request.htmx and params["cursor"]:
        return render(request, "people/_rows.html", context)
    return render(request, "people/list.html", context, status=422 if error else 200)


@login_required
def resident_detail(request, resident_id):
    return _detail_page(request, resident_id)


def _detail_page(request, resident_id, *, reveal: dict | None = None, status: int = 200):
    user = request.user
    _need(user, Perm.VIEW_RESIDENTS)
    try:
        resident = selectors.resident_get(user, resident_id, request=request)
    except NotFound:
        return _not_found(request)
    response = render(
        request,
        "people/detail.html",
        {
            "r": resident,
            "id_masked": mask_id_number(resident.id_number),
            "phone_masked": mask_phone(resident.phone),
            "links": resident.links.select_related("household").order_by("-is_current", "ended_at", "id"),
            "care_notes": resident.care_notes.all(),
            "can_reveal_phone": user.can(Perm.REVEAL_PHONE) and resident.phone,
            "can_reveal_id": user.can(Perm.REVEAL_ID),
            "can_edit": user.can(Perm.EDIT_RESIDENTS),
            "health": selectors.health_flags_of(user, resident.pk),
            "reveal": reveal or {},
        },
        status=status,
    )
    if reveal and "value" in reveal:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def resident_reveal(request, resident_id):
    """Full number for a stated purpose, in the response body only (never a message, cookie or URL)."""
    field = request.POST.get("field", "")
    try:
        value = services.resident_reveal(
            actor=request.user, resident_id=resident_id, field=field, purpose=request.POST.get("purpose", ""), request=request
        )
    except NotFound:
        return _not_found(request)
    except ServiceError as exc:
        if request.htmx:
            return render(request, "people/_reveal.html", {"error": exc, "field": field, "resident_id": resident_id}, status=200)
        return _detail_page(request, resident_id, reveal={"field": field, "error": exc}, status=exc.status)
    if request.htmx:
        return render(request, "people/_reveal.html", {"value": value, "field": field})
    # Without htmx the detail page itself carries the value; a redirect would need a message (a cookie).
    return _detail_page(request, resident_id, reveal={"field": field, "value": value})


@login_required
def household_detail(request, household_id):
    user = request.user
    _need(user, Perm.VIEW_RESIDENTS)
    try:
        household, members = selectors.household_get(user, household_id, request=request)
    except NotFound:
        return _not_found(request)
    return render(
        request,
        "people/household.html",
        {
            "h": household,
            "members": [(m, mask_id_number(m.id_number), mask_phone(m.phone)) for m in members],
            "can_add": user.can(Perm.EDIT_RESIDENTS),
        },
    )


@login_required
def resident_create(request):
    user = request.user
    _need(user, Perm.EDIT_RESIDENTS)
    try:
        household_id = form_value(ParamId, request.GET.get("household") or request.POST.get("household_id"),
                                  field="household_id")
    except ServiceError:
        return _not_found(request)
    errors: dict = {}
    duplicates = []
    status_dupes = False
    values = {"name": "", "id_number": "", "phone": "", "document_type": "resident_id", "tags": []}
    if request.method == "POST":
        values = {
            "name": request.POST.get("name", ""),
            "id_number": request.POST.get("id_number", ""),
            "phone": request.POST.get("phone", ""),
            "document_type": request.POST.get("document_type", "resident_id"),
            "tags": request.POST.getlist("tags"),
        }
        # Same name with the same birth date or phone: ask before registering a second record.
        duplicates = _possible_duplicates(user, values)
        if duplicates and not request.POST.get("confirm_new"):
            status_dupes = True
        else:
            status_dupes = False
            try:
                resident = services.resident_create(actor=user, household_id=household_id, request=request, **values)
            except ServiceError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Resident registered."))
                return redirect("resident_detail", resident_id=resident.pk)
    try:
        household = selectors.households_for(user).get(pk=int(household_id))
    except (ValueError, TypeError, selectors.Household.DoesNotExist):
        return _not_found(request)
    return render(
        request,
        "people/create.html",
        {
            "h": household,
            "errors": errors,
            "values": values,
            "duplicates": duplicates,
            "document_types": DocumentType.choices,
            "groups": SpecialGroup.choices,
            "ask_confirm": status_dupes,
        },
        status=422 if errors else 200,
    )


def _possible_duplicates(user, values) -> list:
    from shaodian.people import idcard

    birth = None
    try:
        if values["document_type"] == "resident_id":
            birth = idcard.birth_date_of(idcard.validate_resident_id(values["id_number"]))
        phone = idcard.validate_phone(values["phone"])
    except idcard.InvalidNumber:
        return []  # the form will report the bad number itself
    return selectors.possible_duplicates(user, name=" ".join(values["name"].split()), birth_date=birth, phone=phone)


@login_required
def resident_edit(request, resident_id):
    """Correct a resident's name, phone and special groups; care needs for each group.

    The stored phone never reaches the page: the field shows it masked, an empty field keeps it,
    and seeing it in full stays the one audited way (reveal, with a purpose).
    """
    user = request.user
    _need(user, Perm.EDIT_RESIDENTS)
    try:
        resident = selectors.resident_get(user, resident_id, request=request)
    except NotFound:
        return _not_found(request)
    errors: dict = {}
    form = ResidentEditForm(initial={"name": resident.name, "tags": resident.tag_list}, stored_phone=resident.phone)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "care":
                services.care_note_save(
                    actor=user, resident_id=resident.pk, group=request.POST.get("group", ""),
                    note=request.POST.get("note", ""), carer_name=request.POST.get("carer_name", ""),
                    carer_phone=request.POST.get("carer_phone", ""), request=request,
                )
            else:
                form = ResidentEditForm(request.POST, stored_phone=resident.phone)
                if not form.is_valid():
                    raise ServiceError({f: [Msg(str(e), str(e))] for f, es in form.errors.items() for e in es})
                changes = {"name": form.cleaned_data["name"], "tags": form.cleaned_data["tags"]}
                phone = form.phone_change()
                if phone is not None:
                    changes["phone"] = phone
                services.resident_update(actor=user, resident_id=resident.pk, request=request, **changes)
        except ServiceError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Saved."))
            return redirect("resident_detail", resident_id=resident.pk)
    return render(
        request,
        "people/edit.html",
        {"r": resident, "form": form, "errors": errors, "groups": SpecialGroup.choices,
         "name_value": form["name"].value() or "", "tags_value": form["tags"].value() or [],
         "phone_masked": form.masked_phone, "can_reveal_phone": user.can(Perm.REVEAL_PHONE) and resident.phone,
         "notes": {c.group: c for c in resident.care_notes.all()}},
        status=422 if errors else 200,
    )
