"""Page input for tree edits: the choices offered are exactly the ones the services accept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.places import selectors
from shaodian.places.models import Place


class _PlaceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return f"{obj.name} · {obj.get_kind_display()}"


class PlaceMoveForm(forms.Form):
    """Move a node under another parent: only nodes of an allowed kind inside the user's jurisdiction."""

    parent = _PlaceChoice(
        queryset=Place.objects.none(), label=_("Move under"), empty_label=None,
        error_messages={
            "required": _("Choose the new parent."),
            "invalid_choice": _("This node cannot hang there: choose one of the parents offered."),
        },
    )

    def __init__(self, *args, user, place: Place, **kwargs):
        super().__init__(*args, prefix="move", **kwargs)
        self.fields["parent"].queryset = selectors.move_parents(user, place)


class PlaceMergeForm(forms.Form):
    """Merge a node into another of the same kind inside the user's jurisdiction."""

    target = _PlaceChoice(
        queryset=Place.objects.none(), label=_("Merge into"), empty_label=None,
        error_messages={
            "required": _("Choose the node to merge into."),
            "invalid_choice": _("A node can only merge into another open node of the same level: choose one offered."),
        },
    )

    def __init__(self, *args, user, place: Place, **kwargs):
        super().__init__(*args, prefix="merge", **kwargs)
        self.fields["target"].queryset = selectors.merge_targets(user, place)


class PlaceEditActionForm(forms.Form):
    """Which of the two edit forms was sent: a move (the default) or a merge."""

    action = forms.ChoiceField(required=False, choices=[("move", "move"), ("merge", "merge")])

    def merging(self) -> bool:
        return self.is_valid() and self.cleaned_data["action"] == "merge"
