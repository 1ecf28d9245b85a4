from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import render

from shaodian.core.forms import PageForm
from shaodian.schema_types import DB_INT_MAX
from shaodian.security.devices import remember_device
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm
from shaodian.security.selectors import audit_for

LOCKED_ZH = "登录失败次数过多，账号已暂时锁定，请15分钟后再试或联系管理员。"
LOCKED_EN = "Too many failed logins: the account is locked for 15 minutes. Try later or ask an administrator."


class BoundedAuthenticationForm(AuthenticationForm):
    """Django sets the username's max_length after building the field, so its validator never runs:
    check it here, before authenticate() — and so django-axes — ever sees an oversized name."""

    def clean_username(self):
        username = self.cleaned_data.get("username") or ""
        limit = User._meta.get_field("username").max_length
        if len(username) > limit:
            raise ValidationError(f"用户名最多 {limit} 个字符 / A username has at most {limit} characters",
                                  code="max_length")
        return username


class LoginView(auth_views.LoginView):
    template_name = "security/login.html"
    redirect_authenticated_user = True
    authentication_form = BoundedAuthenticationForm

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_device(self.request, response, form.get_user().get_username())
        return response


def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes answers once a username is locked."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"{LOCKED_ZH} / {LOCKED_EN}", "msg_zh": LOCKED_ZH, "msg_en": LOCKED_EN}, status=403)
    return render(request, "security/locked.html", {"zh": LOCKED_ZH, "en": LOCKED_EN}, status=403)


AUDIT_PAGE = 50


class AuditFilterForm(PageForm):
    """The audit log's filters, read from the query string: an unknown action or a bad page mark filters nothing."""

    actor = forms.CharField(required=False, max_length=150, strip=True)
    action = forms.ChoiceField(required=False, choices=[("", ""), *AuditAction.choices])
    before = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX)

    def filters(self) -> dict:
        if not self.is_valid():
            # Keep what is valid: a typo in one filter should not drop the others.
            return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return self.cleaned_data


@login_required
def audit_list(request):
    """Supervisors read who touched which personal data, newest first (scoped to their own tree)."""
    if not request.user.can(Perm.VIEW_AUDIT):
        raise PermissionDenied
    rows = audit_for(request.user)
    wanted = AuditFilterForm(request.GET).filters()
    actor, action, before = wanted.get("actor") or "", wanted.get("action") or "", wanted.get("before")
    if actor:
        rows = rows.filter(actor_name=actor)
    if action:
        rows = rows.filter(action=action)
    if before:
        rows = rows.filter(id__lt=before)
    page = list(rows.order_by("-id")[: AUDIT_PAGE + 1])
    more = len(page) > AUDIT_PAGE
    page = page[:AUDIT_PAGE]
    return render(
        request,
        "security/audit.html",
        {
            "rows": page,
            "next": page[-1].pk if more else None,
            "actions": AuditAction.choices,
            "actor": actor,
            "action": action,
        },
    )
