"""Page input of residents and transfers, validated by Django forms before a service sees it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.people.models import DocumentType, LinkKind, SpecialGroup
from shaodian.security.crypto import mask_phone


class TransferRequestForm(forms.Form):
    household_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    name = forms.CharField(label=_("Name"), max_length=64)
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.RESIDENT_ID)
    id_number = forms.CharField(label=_("Document number"), max_length=32,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "class": "mono"}))
    link_kind = forms.ChoiceField(label=_("Relation"), choices=LinkKind.choices, initial=LinkKind.LIVES_HERE)
    note = forms.CharField(label=_("Note to the holding side"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class TransferDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline transfer"))])
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("Reason (required to decline)")}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and len((data.get("reason") or "").strip()) < 2:
            self.add_error("reason", _("Please give a reason for declining."))
        return data


class ResidentEditForm(forms.Form):
    """The phone is never sent to the page: it shows masked, and an empty field keeps the stored number."""

    name = forms.CharField(label=_("Name"), max_length=64)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    tags = forms.MultipleChoiceField(label=_("Special groups"), choices=SpecialGroup.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, stored_phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_phone = stored_phone
        self.masked_phone = mask_phone(stored_phone) if stored_phone else ""
        self.fields["phone"].widget = forms.TextInput(attrs={
            "type": "tel", "class": "mono", "autocomplete": "off",
            "placeholder": self.masked_phone or _("No phone number"),
        })

    def phone_change(self) -> str | None:
        """The new phone, "" to remove it, or None to keep the stored one."""
        if self.cleaned_data.get("clear_phone"):
            return ""
        typed = "".join(self.cleaned_data.get("phone", "").split())
        if not typed or typed == self.masked_phone:
            return None
        return typed
