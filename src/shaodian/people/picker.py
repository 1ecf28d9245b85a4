"""The people picker: find a resident or a household by name, ID-number tail or address, for a form field.

A form that needs a person (a pass holder, a paper ballot's household) includes people/_picker.html.
Typing asks `people_pick` (htmx) for a few radio buttons named like the form's field; without
script, a link opens the same search as a page whose results link back to the form.
Results are scoped like every list of residents, show masked numbers only, and are audited.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from shaodian.errors import ServiceError
from shaodian.people.forms import PickerQueryForm
from shaodian.people.models import Resident
from shaodian.places.models import Place
from shaodian.people.selectors import _ADDRESS_HINT, _DIGITS, _name_prefix, households_for, residents_for, search_filter
from shaodian.security.audit import audit_list
from shaodian.security.crypto import mask_id_number, mask_name
from shaodian.security.roles import Perm

PICK_LIMIT = 8
KINDS = ("resident", "household")


@dataclass
class Choice:
    pk: int
    name: str  # full for roles that browse residents, 张*明 for the others
    number: str  # masked document number, or the members of a household
    where: str  # the address, or only the grid for roles that do not browse residents


@dataclass
class Picked:
    choices: list[Choice]
    more: bool


def _residents_scope(user, purpose: str) -> tuple[QuerySet, bool]:
    """The residents the user may pick, and whether it may see them unmasked.

    Issuers of passes who do not browse residents (the supply task force) pick holders in their
    own jurisdiction, as the pass service accepts them, but see masked names and no address.
    """
    if user.can(Perm.VIEW_RESIDENTS):
        return residents_for(user), True
    if purpose == "pass" and user.can(Perm.ISSUE_PASS):
        return Resident.objects.for_user(user, Perm.ISSUE_PASS), False
    raise PermissionDenied


def _is_address(q: str) -> bool:
    """What the resident search reads as an address (see selectors.search_filter)."""
    return not _DIGITS.fullmatch(q) and bool(_ADDRESS_HINT.search(q) or len(q) > 6)


def _match(qs: QuerySet, q: str, *, full: bool) -> QuerySet:
    if not full and _is_address(q):
        # An address search walks whole buildings: only for roles that browse residents.
        raise ServiceError.one("q", "请输入姓名或证件号码后4位", "Enter a name or the last 4 characters of the ID number",
                               "picker")
    condition = search_filter(q)
    return _name_prefix(qs, q) if condition is None else qs.filter(condition)


def people_pick(user, *, q: str, kind: str = "resident", purpose: str = "", within: str = "") -> Picked:
    """Up to PICK_LIMIT residents or households matching what was typed; audited like any list."""
    q = " ".join((q or "").split())[:100]
    if kind not in KINDS:
        raise ServiceError.one("kind", "未知的查找类型", "Unknown kind of search", "picker")
    if kind == "household":
        return _households(user, q, within=within)
    qs, full = _residents_scope(user, purpose)
    if not q or (not full and len(q) < 2):
        return Picked([], False)
    rows = list(_match(qs, q, full=full).select_related("household", "grid").order_by("name", "id")[: PICK_LIMIT + 1])
    more, rows = len(rows) > PICK_LIMIT, rows[:PICK_LIMIT]
    audit_list(user, "resident", rows, query={"picker": purpose or "resident", "q": q})
    return Picked([
        Choice(r.pk, r.name if full else mask_name(r.name), mask_id_number(r.id_number),
               r.household.address if full else r.grid.name)
        for r in rows
    ], more)


def _within(households: QuerySet, within: str) -> QuerySet:
    """Narrow to one unit, building or node of the tree ("unit:12", "building:3", "place:7"); unknown: nothing."""
    kind, _sep, pk = (within or "").partition(":")
    if not kind:
        return households
    if not pk.isdigit():
        return households.none()
    if kind == "unit":
        return households.filter(unit_id=int(pk))
    if kind == "building":
        return households.filter(unit__building_id=int(pk))
    if kind == "place":
        place = Place.objects.filter(pk=int(pk)).only("kind").first()
        return households.filter(**{f"{place.kind}_id": place.pk}) if place else households.none()
    return households.none()


def _households(user, q: str, *, within: str = "") -> Picked:
    """Households found by their address, or by the name or ID tail of someone living there."""
    if not user.can(Perm.VIEW_RESIDENTS):
        raise PermissionDenied
    if not q:
        return Picked([], False)
    households = _within(households_for(user), within)
    if _is_address(q):
        found = households.filter(address__contains=q)
    else:
        people = _match(residents_for(user), q, full=True)
        found = households.filter(Q(pk__in=people.values("household_id")))
    rows = list(found.order_by("address", "id")[: PICK_LIMIT + 1])
    more, rows = len(rows) > PICK_LIMIT, rows[:PICK_LIMIT]
    members: dict[int, list[str]] = {}
    for household_id, name in (residents_for(user).filter(household_id__in=[h.pk for h in rows])
                               .order_by("id").values_list("household_id", "name")):
        members.setdefault(household_id, []).append(name)
    audit_list(user, "household", rows, query={"picker": "household", "q": q, "within": within})
    return Picked([
        Choice(h.pk, h.address, "、".join(members.get(h.pk, [])[:4]) + ("…" if len(members.get(h.pk, [])) > 4 else ""), "")
        for h in rows
    ], more)


@login_required
def picker(request):
    """Answer the picker: radio buttons for htmx, a page with links back to the form without script."""
    user = request.user
    asked = PickerQueryForm(request.GET).filters()
    kind, field, purpose, q, within = asked["kind"], asked["field"], asked["for"], asked["q"], asked["within"]
    back = asked["next"]
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith("/"):
        back = ""
    error = None
    try:
        picked = people_pick(user, q=q, kind=kind, purpose=purpose, within=within)
    except ServiceError as exc:
        picked, error = Picked([], False), exc
    context = {
        "picked": picked, "error": error, "q": q, "kind": kind, "field": field, "purpose": purpose, "next": back,
        "within": within,
        "back_param": "household" if kind == "household" else "resident",
        "join": "&" if "?" in back else "?",
    }
    if request.htmx:
        return render(request, "people/_picker_results.html", context)
    return render(request, "people/pick.html", context, status=422 if error else 200)
