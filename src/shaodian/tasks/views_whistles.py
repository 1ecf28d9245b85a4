"""Whistle pages (吹哨报到) and the workforce page (overload flags, 统筹补缺, training, secondments, commendations)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from shaodian.core.shortcuts import need
from shaodian.errors import ServiceError
from shaodian.security.audit import audit, audit_list
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.tasks import services, whistles, workforce
from shaodian.tasks.forms import MovedForm, WhistleActForm, WhistleForm, WorkforceForm
from shaodian.tasks.models import Commendation, Training, WhistleStatus

LIST_LIMIT = 200
SEE = whistles.SEE
ACTIONS = ("reassign", "shift", "training", "secondment", "commend", "ratio")


def _see(user):
    if not any(user.can(p) for p in SEE):
        raise PermissionDenied


@login_required
def whistle_list(request):
    user = request.user
    _see(user)
    can_raise = user.can(Perm.DISPATCH_TASKS)
    departments = list(whistles.departments_for(user)[:200]) if can_raise else []
    form, status = WhistleForm(departments=departments), 200
    if request.method == "POST":
        need(user, Perm.DISPATCH_TASKS)
        form = WhistleForm(request.POST, departments=departments)
        if form.is_valid():
            d = form.cleaned_data
            try:
                w = whistles.whistle_raise(actor=user, department_id=d["department"], category=d["category"],
                                           need=d["need"])
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("whistle_detail", whistle_id=w.pk)
        status = 422
    rows = list(whistles.whistles_for(user).order_by("-raised_at")[:LIST_LIMIT])
    audit_list(user, "whistle", rows)
    return render(request, "tasks/whistles.html", {
        "rows": rows, "form": form, "errors": form.errors_by_field(), "can_raise": can_raise and departments,
        "now": timezone.now(), "section": "tasks"}, status=status)


@login_required
def whistle_detail(request, whistle_id):
    user = request.user
    _see(user)
    w = whistles.whistle_get(user, whistle_id)
    form, status = WhistleActForm(), 200
    if request.method == "POST":
        form = WhistleActForm(request.POST)
        if form.is_valid():
            try:
                whistles.whistle_act(actor=user, whistle_id=w.pk, action=form.cleaned_data["action"],
                                     note=form.cleaned_data["note"])
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("whistle_detail", whistle_id=w.pk)
        status = 422
    audit(user, AuditAction.READ, "whistle", w.pk)
    answerer = w.status == WhistleStatus.RAISED and user.pk in {u.pk for u in whistles._answerers(w.department)}
    raiser = user.can(Perm.DISPATCH_TASKS) and w.status in (WhistleStatus.RAISED, WhistleStatus.ANSWERED) and \
        whistles.Whistle.objects.for_user(user, Perm.DISPATCH_TASKS).filter(pk=w.pk).exists()
    return render(request, "tasks/whistle.html", {
        "w": w, "events": list(w.events.select_related("actor")), "form": form, "errors": form.errors_by_field(),
        "answerer": answerer, "raiser": raiser, "now": timezone.now(), "section": "tasks"}, status=status)


def _act(user, d) -> str:
    """Run the workforce action the form names; the message to show."""
    action = d["action"]
    worker = workforce.worker_get(user, d["worker"]) if d["worker"] else None
    if action == "reassign":
        to = workforce.worker_get(user, d["to_worker"]) if d["to_worker"] else None
        n = services.tasks_reassign(actor=user, from_worker=worker, to_worker=to)
        return f"{n}"
    if action == "shift":
        workforce.shift_record(actor=user, worker=worker, start=d["start"], end=d["end"])
    elif action == "training":
        workforce.training_add(actor=user, worker=worker, title=d["title"], passed_on=d["starts_on"],
                               valid_until=d["ends_on"])
    elif action == "secondment":
        workforce.secondment_add(actor=user, worker=worker, from_unit=d["from_unit"], starts_on=d["starts_on"],
                                 ends_on=d["ends_on"])
    elif action == "commend":
        workforce.commendation_give(actor=user, worker=worker, title=d["title"], reason=d["reason"])
    elif action == "ratio":
        if d["ratio"] is None:
            raise ServiceError.one("ratio", "此项必填", "This field is required", "missing")
        workforce.workload_rule_set(actor=user, node=user.node, residents_per_worker=d["ratio"])
    return ""


@login_required
def workforce_page(request):
    user = request.user
    need(user, Perm.MANAGE_WORKFORCE)
    workers = list(workforce.workers_for(user)[:1000])
    forms = {a: WorkforceForm(workers=workers, auto_id=f"{a}-%s") for a in ACTIONS}
    moved = MovedForm(request.GET).filters()["moved"]
    errors, status, moved = {}, 200, "" if moved is None else str(moved)
    if request.method == "POST":
        form = WorkforceForm(request.POST, workers=workers, auto_id="posted-%s")
        if form.is_valid():
            try:
                moved = _act(user, form.cleaned_data)
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                return redirect(f"{request.path}?moved={moved}" if moved else request.path)
        action = form.data.get("action", "")
        if action in forms:  # the refused form comes back filled in, with its errors beside its fields
            form.auto_id = f"{action}-%s"
            forms[action] = form
        errors = {action: form.errors_by_field(), "general": form.errors_by_field().get("general", [])}
        status = 422
    rows = workforce.workforce_rows(user)
    audit_list(user, "worker", [r.worker.pk for r in rows])
    return render(request, "tasks/workforce.html", {
        "rows": rows, "gaps": workforce.secondment_gaps(user), "f": forms, "errors": errors,
        "workers": workers, "moved": moved, "ratio": workforce.ratio_for(user.node),
        "trainings": list(Training.objects.for_user(user, Perm.MANAGE_WORKFORCE).select_related("worker")
                          .order_by("-passed_on")[:50]),
        "commendations": list(Commendation.objects.for_user(user, Perm.MANAGE_WORKFORCE).select_related("worker")
                              .order_by("-given_on")[:50]),
        "section": "tasks"}, status=status)
