from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shaodian.core.forms import HouseholdPrefillForm
from shaodian.core.shortcuts import need as _need
from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.people import idcard, selectors, services
from shaodian.people.forms import (CareNoteForm, EditWhichForm, ResidentCreateForm, ResidentEditForm,
                                  ResidentListForm, RevealForm)
from shaodian.people.models import DocumentType, SpecialGroup
from shaodian.places.selectors import grids_for
from shaodian.security.crypto import mask_id_number, mask_phone
from shaodian.security.roles import Perm


@login_required
def resident_list(request):
    """Search residents: name prefix, last 4 of ID/phone, full number or address; keyset pages."""
    user = request.user
    _need(user, Perm.VIEW_RESIDENTS)
    form = ResidentListForm(request.GET)
    params = {"q": "", "grid": None, "tag": None, "cursor": None}
    error = None
    try:
        if not form.is_valid():
            raise ServiceError(form.errors_by_field())
        params = form.params()
        page = selectors.resident_search(user, **params)
    except ServiceError as exc:
        page, error = selectors.Page([], None), exc
        params["q"] = form.cleaned_data.get("q", "")  # the search box keeps what was typed
    context = {
        "page": page,
        "rows": [(r, mask_id_number(r.id_number), mask_phone(r.phone)) for r in page.items],
        "error": error,
        "params": params,
        "grid_options": _grid_options(user, params["grid"]) if user.node.kind != "grid" else "",
        "groups": SpecialGroup.choices,
    }
    if request.htmx and params["cursor"]:
        return render(request, "people/_rows.html", context)
    return render(request, "people/list.html", context, status=422 if error else 200)


def _grid_options(user, selected) -> str:
    """The grid filter's <option>s in one join: a district has 800 grids, and rendering them through the
    template (or format_html) took most of a commander's list page. Ids are ints; names are escaped."""
    rows = grids_for(user).values_list("id", "name")  # no boundaries: each grid has a GeoJSON one
    return mark_safe("".join(  # noqa: S308 - every value is an int or escaped here
        f'<option value="{pk}"{" selected" if pk == selected else ""}>{escape(name)}</option>' for pk, name in rows
    ))


@login_required
def resident_detail(request, resident_id):
    return _detail_page(request, resident_id)


def _detail_page(request, resident_id, *, reveal: dict | None = None, status: int = 200):
    user = request.user
    _need(user, Perm.VIEW_RESIDENTS)
    resident = selectors.resident_get(user, resident_id)
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
    form = RevealForm(request.POST)
    field = form.data.get("field", "")[:20]
    try:
        if not form.is_valid():
            raise ServiceError({f: [Msg(e, e)] for f, es in form.errors_by_field().items() for e in es})
        value = services.resident_reveal(actor=request.user, resident_id=resident_id, **form.cleaned_data)
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
    household, members = selectors.household_get(user, household_id)
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
    errors: dict = {}
    duplicates = []
    ask_confirm = False
    values = {"name": "", "id_number": "", "phone": "", "document_type": "resident_id", "tags": []}
    if request.method == "POST":
        form = ResidentCreateForm(request.POST)
        valid = form.is_valid()
        if "household_id" in form.errors:
            raise NotFound
        household_id = form.cleaned_data["household_id"]
        values = {k: v for k, v in form.values().items() if k in values}
        if valid:
            # Same name with the same birth date or phone: ask before registering a second record.
            duplicates = _possible_duplicates(user, form.person())
            ask_confirm = bool(duplicates) and not form.cleaned_data["confirm_new"]
            if not ask_confirm:
                try:
                    resident = services.resident_create(actor=user, household_id=household_id, **form.person())
                except ServiceError as exc:
                    errors = exc.errors  # kept whole: a refusal's code offers the transfer request
                else:
                    messages.success(request, _("Resident registered."))
                    return redirect("resident_detail", resident_id=resident.pk)
        errors = errors or form.errors_by_field()
    else:
        household_id = HouseholdPrefillForm(request.GET).filters()["household"]
        if household_id is None:
            raise NotFound
    return render(
        request,
        "people/create.html",
        {
            "h": household_in_scope(user, household_id),
            "errors": errors,
            "values": values,
            "duplicates": duplicates,
            "document_types": DocumentType.choices,
            "groups": SpecialGroup.choices,
            "ask_confirm": ask_confirm,
        },
        status=422 if errors else 200,
    )


def household_in_scope(user, household_id) -> "selectors.Household":
    """A household of the user's jurisdiction, or NotFound (the 404 page)."""
    try:
        return selectors.households_for(user).get(pk=int(household_id))
    except (ValueError, TypeError, OverflowError, selectors.Household.DoesNotExist):
        raise NotFound from None


def _possible_duplicates(user, values) -> list:
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
    resident = selectors.resident_get(user, resident_id)
    errors: dict = {}
    form = ResidentEditForm(initial={"name": resident.name, "tags": resident.tag_list}, stored_phone=resident.phone)
    if request.method == "POST":
        try:
            if EditWhichForm(request.POST).which() == "care":
                care = CareNoteForm(request.POST)
                if not care.is_valid():
                    raise ServiceError({f: [Msg(e, e)] for f, es in care.errors_by_field().items() for e in es})
                services.care_note_save(actor=user, resident_id=resident.pk, **care.cleaned_data)
            else:
                form = ResidentEditForm(request.POST, stored_phone=resident.phone)
                if not form.is_valid():
                    raise ServiceError({f: [Msg(str(e), str(e))] for f, es in form.errors.items() for e in es})
                changes = {"name": form.cleaned_data["name"], "tags": form.cleaned_data["tags"]}
                phone = form.phone_change()
                if phone is not None:
                    changes["phone"] = phone
                services.resident_update(actor=user, resident_id=resident.pk, **changes)
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
