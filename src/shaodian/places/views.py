from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shaodian.errors import ServiceError
from shaodian.places import child_counts, selectors, services
from shaodian.places.forms import PlaceEditActionForm, PlaceMergeForm, PlaceMoveForm
from shaodian.places.models import PlaceKind
from shaodian.security.roles import Perm


@login_required
def place_browse(request, place_id=None):
    """The tree from the user's node down; a grid shows its buildings, units and households."""
    user = request.user
    if not user.can(Perm.VIEW_PLACES):
        raise PermissionDenied
    if place_id is None:
        return redirect("place_detail", place_id=user.node_id)
    return _browse(request, selectors.place_get(user, place_id))


def _browse(request, place, *, move_form=None, merge_form=None, status=200):
    user = request.user
    children = selectors.place_children(user, place.pk)[1]
    counts = {}
    if user.can(Perm.VIEW_RESIDENTS) and place.kind != PlaceKind.GRID:
        counts = child_counts.resident_counts(user, place, children)
    rows = [(c, counts.get(c.pk)) for c in children]
    buildings = selectors.grid_buildings(user, place) if place.kind == PlaceKind.GRID else None
    features = [
        {"type": "Feature", "geometry": c.boundary,
         "properties": {"name": c.name.removeprefix(place.name) or c.name, "url": f"/places/{c.pk}/"}}
        for c, _n in rows if c.boundary
    ]
    if place.boundary:
        features.insert(0, {"type": "Feature", "geometry": place.boundary, "properties": {"name": place.name, "self": True}})
    points = [[b.latitude, b.longitude, b.name] for b in buildings or [] if b.latitude is not None]
    edit = None
    if user.can(Perm.EDIT_HIERARCHY) and place.active:
        move_form = move_form or PlaceMoveForm(user=user, place=place)
        merge_form = merge_form or PlaceMergeForm(user=user, place=place)
        if move_form.fields["parent"].queryset.exists() or merge_form.fields["target"].queryset.exists():
            edit = {"move": move_form, "merge": merge_form, "open": status != 200}
    return render(
        request,
        "places/browse.html",
        {
            "place": place,
            "rows": rows,
            "crumbs": selectors.place_breadcrumbs(user, place),
            "buildings": buildings,
            "can_residents": user.can(Perm.VIEW_RESIDENTS),
            "map": {"features": features, "points": points} if features else None,
            "edit": edit,
        },
        status=status,
    )


@login_required
def building_detail(request, building_id):
    user = request.user
    building, units = selectors.building_get(user, building_id)
    return render(
        request,
        "places/building.html",
        {"building": building, "units": units, "crumbs": selectors.place_breadcrumbs(user, building.grid)},
    )


@login_required
def place_edit(request, place_id):
    """Move a node under another parent, or merge it into a node of the same level (撤并)."""
    user = request.user
    if not user.can(Perm.EDIT_HIERARCHY) or request.method != "POST":
        raise PermissionDenied
    place = selectors.place_get(user, place_id)
    merging = PlaceEditActionForm(request.POST).merging()
    form_class = PlaceMergeForm if merging else PlaceMoveForm
    form = form_class(request.POST, user=user, place=place)
    if form.is_valid():
        try:
            if merging:
                target = form.cleaned_data["target"]
                merged = services.place_merge(actor=user, source=place, target=target)
                messages.success(request, _("%(source)s was merged into %(target)s.") % {"source": place.name, "target": target.name})
                if merged.moved_users:
                    names = "、".join(str(u) for u in merged.moved_users)
                    messages.info(request, ngettext(
                        "%(count)d account now works at %(target)s: %(names)s.",
                        "%(count)d accounts now work at %(target)s: %(names)s.",
                        len(merged.moved_users),
                    ) % {"count": len(merged.moved_users), "target": target.name, "names": names})
                return redirect("place_detail", place_id=target.pk)
            parent = form.cleaned_data["parent"]
            services.place_move(actor=user, node=place, new_parent=parent)
            messages.success(request, _("%(node)s now hangs under %(parent)s.") % {"node": place.name, "parent": parent.name})
            return redirect("place_detail", place_id=place.pk)
        except ServiceError as exc:
            for name, msgs in exc.errors.items():
                form.add_error(None if name not in form.fields else name, [str(m) for m in msgs])
    forms = {"merge_form": form} if merging else {"move_form": form}
    return _browse(request, place, status=422, **forms)
