"""Closing a case from its page (结案): a reason, then a confirmation step, then the same service the API calls."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from shaodian.core.forms import PageForm
from shaodian.core.shortcuts import need
from shaodian.errors import ServiceError
from shaodian.security.crypto import mask_name
from shaodian.security.roles import Perm
from shaodian.tracing import selectors, services
from shaodian.tracing.models import Case, CaseCloseReason, CaseStatus
from shaodian.tracing.transitions import NOTE_MAX


class CaseCloseForm(PageForm):
    """The reason (required), an optional note, and whether the person has seen the confirmation step."""

    reason = forms.ChoiceField(label=gettext_lazy("Reason for closing"),
                               choices=[("", gettext_lazy("Choose a reason")), *CaseCloseReason.choices],
                               error_messages={"required": gettext_lazy("Choose a reason for closing the case."),
                                               "invalid_choice": gettext_lazy("Choose a reason for closing the case.")})
    note = forms.CharField(label=gettext_lazy("Note"), max_length=NOTE_MAX, required=False,
                           widget=forms.TextInput(attrs={"maxlength": NOTE_MAX}))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Ids of its own: the case page has other forms with a note (id_note) beside this one.
        kwargs.setdefault("auto_id", "close_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("reason") == CaseCloseReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("Say why the case is closed."))
        return data


def close_context(user, case: Case) -> dict:
    """What the case page needs for its close card: the empty form for a manager of an active case."""
    active = case.status == CaseStatus.ACTIVE
    return {"close_form": CaseCloseForm() if active and user.can(Perm.MANAGE_CASES) else None}


def _closed_already(request, case: Case):
    when = timezone.localtime(case.closed_at).strftime("%Y-%m-%d %H:%M") if case.closed_at else ""
    who = str(case.closed_by) if case.closed_by_id else ""
    if when and who:
        text = _("This case was already closed on %(when)s by %(who)s: it cannot be closed again.") % {
            "when": when, "who": who}
    else:
        text = _("This case is already closed: it cannot be closed again.")
    messages.error(request, text)
    return redirect("case_detail", case_id=case.pk)


@login_required
@require_POST
def case_close(request, case_id):
    """First post: the reason, checked, and a page asking to confirm; second post (confirmed): the case is closed."""
    user = request.user
    need(user, Perm.MANAGE_CASES)
    case = selectors.case_get(user, case_id)
    if case.status != CaseStatus.ACTIVE:
        return _closed_already(request, case)
    form = CaseCloseForm(request.POST)
    status = 200
    if form.is_valid() and form.cleaned_data["confirmed"]:
        data = form.cleaned_data
        try:
            services.case_close(actor=user, case_id=case.pk, reason=data["reason"], note=data["note"])
        except ServiceError as exc:
            case.refresh_from_db()
            if case.status != CaseStatus.ACTIVE:  # closed by someone else since the page was shown
                return _closed_already(request, case)
            form.add_service_errors(exc)
            status = exc.status
        else:
            messages.success(request, _("Case closed."))
            return redirect("case_detail", case_id=case.pk)
    elif not form.is_valid():
        status = 422
    data = getattr(form, "cleaned_data", {})
    return render(request, "tracing/case_close.html", {
        "case": case, "name": mask_name(case.resident.name), "form": form,
        "confirming": status == 200, "reason_label": CaseCloseReason(data["reason"]).label if data.get("reason") else "",
    }, status=status)
