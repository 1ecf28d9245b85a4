"""Page input of residents and transfers, validated by Django forms before a service sees it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.core.forms import QUERY_VALUE_MAX, ClippedCharField, IdField, PageForm, QueryForm, SchemaField
from shaodian.people.models import DocumentType, LinkKind, SpecialGroup
from shaodian.schema_types import ParamId
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


class RevealForm(PageForm):
    """Which full number to show, and why (the service refuses an unknown field or a missing purpose)."""

    field = forms.CharField(max_length=20, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)


class ResidentCreateForm(PageForm):
    """A new resident at a household; names and numbers are judged by the service (one set of rules with the API)."""

    household_id = IdField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=200, required=False, strip=False)
    id_number = forms.CharField(label=_("Document number"), max_length=64, required=False, strip=False)
    phone = forms.CharField(label=_("Phone"), max_length=64, required=False, strip=False)
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices, required=False)
    tags = forms.MultipleChoiceField(label=_("Special groups"), choices=SpecialGroup.choices, required=False)
    confirm_new = forms.BooleanField(required=False)

    def clean_document_type(self):
        return self.cleaned_data["document_type"] or DocumentType.RESIDENT_ID

    def person(self) -> dict:
        """The person's fields as resident_create takes them."""
        return {k: self.cleaned_data[k] for k in ("name", "id_number", "phone", "document_type", "tags")}


class CareNoteForm(PageForm):
    """What one special group of a resident needs and who cares for them (the service checks name and phone)."""

    group = forms.CharField(max_length=32, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, strip=False)
    carer_name = forms.CharField(max_length=200, required=False, strip=False)
    carer_phone = forms.CharField(max_length=64, required=False, strip=False)


class ResidentQueryForm(PageForm):
    """The residents list's filters, as an export keeps them."""

    q = forms.CharField(max_length=100, required=False)
    grid = SchemaField(ParamId, label_pair=("网格", "Grid"), required=False)
    tag = forms.CharField(max_length=32, required=False)

    def query(self) -> dict:
        data = self.cleaned_data
        return {"q": data["q"], "grid": str(data["grid"]) if data["grid"] else None, "tag": data["tag"] or None}


class ResidentListForm(PageForm):
    """The residents list's search (cut at 100 characters, as typed), grid, group and page mark; a grid or a
    group that is none is a message on the page."""

    q = ClippedCharField(clip=100)
    grid = SchemaField(ParamId, label_pair=("网格", "Grid"), required=False)
    tag = forms.CharField(max_length=32, required=False)
    cursor = forms.CharField(max_length=20, required=False)

    def params(self) -> dict:
        d = self.cleaned_data
        return {"q": d["q"], "grid": d["grid"], "tag": d["tag"] or None, "cursor": d["cursor"] or None}


class PickerQueryForm(QueryForm):
    """What the people picker is asked: which kind, for which form field, for what, back to where, and the search."""

    kind = forms.ChoiceField(required=False, choices=[("resident", "resident"), ("household", "household")],
                             initial="resident")
    field = forms.RegexField(regex=r"^[a-z][a-z_]{0,31}\Z", required=False)
    next = forms.CharField(required=False, max_length=QUERY_VALUE_MAX)
    q = ClippedCharField(clip=100)
    within = ClippedCharField(clip=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["for"] = ClippedCharField(clip=16)  # a Python keyword, hence not declared above

    def filters(self) -> dict:
        out = super().filters()
        out["field"] = out["field"] or f"{out['kind']}_id"
        return out


class ImportForm(PageForm):
    """An .xlsx of residents, within the size the server accepts."""

    file = forms.FileField(error_messages={"required": _("Please choose a file to upload")})

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(_("The file is too large (limit %(mb)d MB)") % {"mb": self.max_bytes // (1024 * 1024)})
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Only .xlsx files can be imported"))
        return upload


class EditWhichForm(forms.Form):
    """The edit page has two forms: the person's (default) and a care note (`form=care`)."""

    form = forms.CharField(max_length=10, required=False)

    def which(self) -> str:
        return self.cleaned_data["form"] if self.is_valid() else ""
