"""What every page form shares: fields read as the API reads them, and a service's refusal shown on its field.

A page validates its input with a form and hands the cleaned values to one service; whatever the
service refuses (`ServiceError`) lands next to the field it names, under "general" otherwise.
"""

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shaodian.errors import ServiceError
from shaodian.schema_types import DB_INT_MAX, Moment, form_value

# What a datetime-local input sends (seconds appear when the browser adds them), and ISO for scripts.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
QUERY_VALUE_MAX = 500  # longer than any filter, search or prefill a page takes from its address


class PageForm(forms.Form):
    def add_service_errors(self, exc: ServiceError) -> None:
        """Show the service's refusals next to the fields they concern."""
        for name, msgs in exc.errors.items():
            for msg in msgs:
                self.add_error(name if name in self.fields else None, str(msg))

    def errors_by_field(self) -> dict[str, list[str]]:
        """The errors keyed as the templates expect: non-field errors under "general"."""
        return {("general" if k == "__all__" else k): list(v) for k, v in self.errors.items()}

    def values(self) -> dict[str, Any]:
        """What was typed, to show again beside the errors (lists for multiple choices)."""
        out: dict[str, Any] = {}
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.SelectMultiple | forms.MultipleHiddenInput):
                out[name] = self.data.getlist(name) if hasattr(self.data, "getlist") else self.data.get(name, [])
            else:
                out[name] = self.data.get(name, "")
        return out


class QueryForm(PageForm):
    """A page's filters or prefill, read from its query string: a wrong value falls back to the field's default.

    A link or a bookmark is not a form someone just typed: an unknown status, a word where an id belongs or a
    megabyte of text shows the page as if that parameter were absent (the errors stay on the form to show).
    """

    def __init__(self, data=None, **kwargs):
        # Always bound: an empty query string is a valid request for the defaults.
        data = data if data is not None else {}
        # An overlong value is dropped before any field sees it: a field's own message would quote it back
        # (a megabyte in the page, once per error list).
        self.too_long = {k for k, vs in _lists(data) if any(len(str(v)) > QUERY_VALUE_MAX for v in vs)}
        if self.too_long:
            data = data.copy()
            for k in self.too_long:
                data.pop(k)
        super().__init__(data, **kwargs)

    def clean(self):
        for name in sorted(self.too_long & self.fields.keys()):
            self.add_error(name, _("This value is too long."))
        return super().clean()

    def filters(self) -> dict[str, Any]:
        """Every field's value: the one asked for when valid and given, else the field's default."""
        self.is_valid()
        out = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name) if name not in self.errors else None
            if value in field.empty_values:
                initial = self.get_initial_for_field(field, name)
                value = initial if initial is not None else field.to_python("")
            out[name] = value
        return out

    def query(self, *, without: tuple[str, ...] = ()) -> str:
        """The valid, non-default filters as a query string, to build links that keep them (never the raw input)."""
        kept = QueryDict(mutable=True)
        for name, value in self.filters().items():
            field = self.fields[name]
            if name in without or value in field.empty_values or value is False:
                continue
            if value == self.get_initial_for_field(field, name):
                continue
            kept[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return kept.urlencode()


class ClippedCharField(forms.CharField):
    """Text from an address cut at `clip` characters rather than refused (a search box, a label passed along)."""

    def __init__(self, *, clip: int, **kwargs):
        self.clip = clip
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value)[: self.clip]


class PageNumberForm(QueryForm):
    """Which page of a long list (`?page=`): anything but a page number shows the first page."""

    page = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX)


class ResidentPrefillForm(QueryForm):
    """A link from a resident's page (`?resident=`): whom a form is filled in for; anything but an id fills in nobody."""

    resident = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX)


def _lists(data):
    return data.lists() if hasattr(data, "lists") else ((k, v if isinstance(v, list | tuple) else [v])
                                                         for k, v in data.items())


class HouseholdPrefillForm(QueryForm):
    """A link to a form about one household (`?household=`): anything but an id is no household."""

    household = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX)


class SchemaField(forms.Field):
    """A field read with the same bounded type as the API (`schema_types`), answering the API's message."""

    def __init__(self, kind: Any, *, label_pair: tuple[str, str] | None = None, **kwargs):
        self.kind, self.label_pair = kind, label_pair
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip()
        try:
            return form_value(self.kind, value, field="value", label=self.label_pair or ("", ""))
        except ServiceError as exc:
            raise forms.ValidationError([_strip_label(str(m)) for msgs in exc.errors.values() for m in msgs]) from None


class LocalMomentField(SchemaField):
    """A date and time read as the API reads one; a wall time without offset is Asia/Shanghai's."""

    def __init__(self, **kwargs):
        super().__init__(Moment, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_current_timezone())
        return value


def _strip_label(text: str) -> str:
    # Without a label pair the message reads "：reason"; beside its field the reason alone is enough.
    return text.lstrip("：: ")


class IdField(forms.IntegerField):
    """An id typed or posted: digits within the database's range (never an overflow further on)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", DB_INT_MAX)
        super().__init__(**kwargs)


class IdListField(forms.Field):
    """Ticked ids (checkboxes); anything else than ids from the list is refused."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_items: int = 500, **kwargs):
        self.max_items = max_items
        super().__init__(**kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(values) > self.max_items:
            raise forms.ValidationError(_("Too many items selected."))
        try:
            ids = sorted({int(v) for v in values if str(v).isascii() and str(v).isdigit()})
        except (TypeError, ValueError):
            ids = []
        if len(ids) != len(set(values)) or any(not 0 < i <= DB_INT_MAX for i in ids):
            raise forms.ValidationError(_("Choose from the list."))
        return ids

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class BoundedDateTimeField(forms.DateTimeField):
    """A local date and time inside the window the platform works in (no year 1, no year 9999)."""

    default_error_messages = {"invalid": _("Enter a date and time, e.g. 2024-03-01 08:00."),
                              "out_of_range": _("The date must be between 2000-01-01 and 2100-12-31.")}

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATETIME_FORMATS, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                         **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not EARLIEST <= value.date() <= LATEST:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return value


def local_input(value: dt.datetime | None) -> str:
    """A time as a datetime-local input shows it (Asia/Shanghai wall time)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""
