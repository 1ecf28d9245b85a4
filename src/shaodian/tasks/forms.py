"""Page input of the task pages: forms check each field's shape; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shaodian.core.forms import BoundedDateTimeField, IdField, PageForm, QueryForm
from shaodian.schema_types import DB_INT_MAX
from shaodian.tasks.models import Kind, WhistleCategory
from shaodian.core.photos import MAX_UPLOAD


class PhotoField(forms.FileField):
    def clean(self, data, initial=None):
        f = super().clean(data, initial)
        if f and f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The photo may not exceed 10 MB."), code="too_large")
        return f


class TaskActForm(PageForm):
    """A tap on "my tasks": acknowledge, or complete with a note and perhaps a photo."""

    task = IdField()
    action = forms.ChoiceField(choices=[("acknowledge", "acknowledge"), ("complete", "complete")])
    note = forms.CharField(label=_("What was done"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    photo = PhotoField(label=_("Photo"), required=False)
    client_id = forms.CharField(max_length=64, required=False)


class DispatchForm(PageForm):
    kind = forms.ChoiceField(label=_("Kind of task"), choices=Kind.choices)
    node = forms.TypedChoiceField(label=_("Where"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    detail = forms.CharField(label=_("Detail"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_at = BoundedDateTimeField(label=_("Due at"))
    assignee = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    exception_reason = forms.CharField(label=_("Reason for an exception to the admission list"), max_length=500,
                                       required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, nodes=(), people=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [("", _("Choose"))] + [(p.pk, label) for p, label in nodes]
        self.fields["assignee"].choices = [("", _("Nobody yet (the place's pool)"))] + [(u.pk, str(u)) for u in people]
        self.fields["team"].choices = [("", _("No team"))] + [(t.pk, t.name) for t in teams]


class CancelForm(PageForm):
    cancel = forms.BooleanField()


class AdmissionForm(PageForm):
    community = forms.TypedChoiceField(label=_("Community"), coerce=int)
    name = forms.CharField(label=_("Name of the list"), max_length=100)
    kinds = forms.MultipleChoiceField(label=_("Accepted kinds"), choices=Kind.choices,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("Choose"))] + [(c.pk, c.name) for c in communities]


class WhistleForm(PageForm):
    department = forms.TypedChoiceField(label=_("Department"), coerce=int)
    category = forms.ChoiceField(label=_("Category"), choices=WhistleCategory.choices)
    need = forms.CharField(label=_("What is needed"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Choose"))] + [(d.pk, d.name) for d in departments]


class WhistleActForm(PageForm):
    action = forms.ChoiceField(choices=[("answer", "answer"), ("close", "close"), ("withdraw", "withdraw")])
    note = forms.CharField(label=_("Answer"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WorkforceForm(PageForm):
    """One form for the workforce page's actions; `action` says which fields count."""

    action = forms.ChoiceField(choices=[(a, a) for a in ("reassign", "shift", "training", "secondment", "commend",
                                                         "ratio")])
    worker = forms.TypedChoiceField(label=_("Worker"), coerce=int, required=False, empty_value=None)
    to_worker = forms.TypedChoiceField(label=_("Pass the open tasks to"), coerce=int, required=False, empty_value=None)
    start = BoundedDateTimeField(label=_("Start"), required=False)
    end = BoundedDateTimeField(label=_("End"), required=False)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)
    from_unit = forms.CharField(label=_("Lent by"), max_length=100, required=False)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ratio = forms.IntegerField(label=_("Residents per worker"), min_value=10, max_value=5000, required=False)

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose"))] + [(w.pk, f"{w} · {w.node.name}") for w in workers]
        self.fields["worker"].choices = choices
        self.fields["to_worker"].choices = choices


class MovedForm(QueryForm):
    """How many tasks the last reassignment passed on (`?moved=`, set by the redirect after it)."""

    moved = forms.IntegerField(required=False, min_value=0, max_value=DB_INT_MAX)
