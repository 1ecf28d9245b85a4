"""Task pages: my tasks (phone first), dispatch, the commanders' overview, a task, the admission lists."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from shaodian.core.shortcuts import need
from shaodian.errors import NotFound, ServiceError
from shaodian.places.models import Place, PlaceKind
from shaodian.security.audit import audit, audit_list
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm
from shaodian.tasks import selectors, services
from shaodian.tasks.forms import AdmissionForm, CancelForm, DispatchForm, TaskActForm
from shaodian.tasks.models import AdmissionList, Kind, Status, Team

LIST_LIMIT = 200


@login_required
def my_tasks(request):
    """我的任务: acknowledge with one tap, complete with a note (and a photo) in a second."""
    user = request.user
    need(user, Perm.DO_TASKS)
    form, errors, status = TaskActForm(), {}, 200
    if request.method == "POST":
        form = TaskActForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["action"] == "acknowledge":
                    services.task_acknowledge(actor=user, task_id=d["task"])
                else:
                    services.task_complete(actor=user, task_id=d["task"], note=d["note"],
                                           photo=d["photo"].read() if d["photo"] else None, client_id=d["client_id"])
            except NotFound:
                form.add_error(None, str(_not_found()))
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("task_mine")
        errors, status = {"task": form.data.get("task", ""), **form.errors_by_field()}, 422
    rows = list(selectors.my_tasks(user)[:LIST_LIMIT])
    audit_list(user, "task", rows)
    done = selectors.my_tasks(user, live_only=False).filter(status=Status.DONE).order_by("-closed_at")[:10]
    return render(request, "tasks/mine.html", {"rows": rows, "done": list(done), "errors": errors,
                                               "now": timezone.now(), "section": "tasks"}, status=status)


def _not_found():
    from shaodian.errors import NOT_FOUND

    return NOT_FOUND


def _nodes(user):
    places = Place.objects.for_user(user, Perm.DISPATCH_TASKS).filter(
        kind__in=[PlaceKind.STREET, PlaceKind.COMMUNITY, PlaceKind.GRID], active=True).select_related("parent")
    return [(p, f"{p.parent.name} · {p.name}" if p.parent else p.name) for p in places.order_by("code")[:2000]]


@login_required
def dispatch(request):
    user = request.user
    need(user, Perm.DISPATCH_TASKS)
    nodes = _nodes(user)
    node_ids = [p.pk for p, _ in nodes] + [user.node_id]
    people = [u for u in User.objects.filter(node_id__in=node_ids, is_active=True).order_by("node__code", "username")
              [:1000] if u.can(Perm.DO_TASKS)]
    teams = list(Team.objects.for_user(user, Perm.DISPATCH_TASKS)[:500])
    form = DispatchForm(request.POST or None, nodes=nodes, people=people, teams=teams)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                t = services.task_dispatch(
                    actor=user, kind=d["kind"], node=Place.objects.get(pk=d["node"]), title=d["title"],
                    detail=d["detail"], due_at=d["due_at"], exception_reason=d["exception_reason"],
                    assignee=User.objects.filter(pk=d["assignee"]).first() if d["assignee"] else None,
                    team=Team.objects.filter(pk=d["team"]).first() if d["team"] else None)
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("task_detail", task_id=t.pk)
        return render(request, "tasks/dispatch.html", {"form": form, "errors": form.errors_by_field(),
                                                       "section": "tasks"}, status=422)
    return render(request, "tasks/dispatch.html", {"form": form, "errors": {}, "section": "tasks"})


@login_required
def overview(request):
    """Commanders: live and overdue work per community, the overdue list and the filed exceptions."""
    user = request.user
    need(user, Perm.VIEW_SCREENING)
    now = timezone.now()
    live = selectors.tasks_for(user).filter(status__in=selectors.LIVE)
    overdue = list(live.filter(due_at__lt=now).order_by("due_at")[:50])
    exceptions = list(selectors.tasks_for(user).exclude(exception_reason="").order_by("-created_at")[:50])
    audit_list(user, "task", overdue + exceptions)
    return render(request, "tasks/overview.html", {
        "rows": selectors.overview(user, now=now), "overdue": overdue, "exceptions": exceptions, "now": now,
        "section": "tasks"})


@login_required
def task_detail(request, task_id):
    user = request.user
    if not (user.can(Perm.DO_TASKS) or user.can(Perm.VIEW_SCREENING)):
        need(user, Perm.VIEW_SCREENING)
    t = selectors.task_get(user, task_id)
    errors, status = {}, 200
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.task_cancel(actor=user, task_id=t.pk)
            except NotFound:
                raise
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("task_detail", task_id=t.pk)
        errors, status = form.errors_by_field(), 422
    audit(user, AuditAction.READ, "task", t.pk)
    can_cancel = t.is_live and selectors.tasks_for(user, Perm.DISPATCH_TASKS).filter(pk=t.pk).exists()
    return render(request, "tasks/detail.html", {"t": t, "errors": errors, "can_cancel": can_cancel,
                                                 "has_photo": t.evidence_photo is not None, "section": "tasks"},
                  status=status)


@login_required
def task_photo(request, task_id):
    user = request.user
    t = selectors.task_get(user, task_id)
    if t.evidence_photo is None:
        raise NotFound
    audit(user, AuditAction.READ, "task_photo", t.pk)
    return HttpResponse(bytes(t.evidence_photo), content_type="image/jpeg",
                        headers={"Cache-Control": "private, no-store"})


@login_required
def admission(request):
    """准入清单: what each community of the jurisdiction accepts from above; dispatchers keep them."""
    user = request.user
    need(user, Perm.VIEW_SCREENING)
    communities = list(Place.objects.for_user(user, Perm.VIEW_SCREENING).filter(
        kind=PlaceKind.COMMUNITY, active=True).order_by("code")[:500])
    lists = {a.place_id: a for a in AdmissionList.objects.for_user(user, Perm.VIEW_SCREENING)}
    can_edit = user.can(Perm.DISPATCH_TASKS)
    form, status = AdmissionForm(communities=communities), 200
    if request.method == "POST":
        need(user, Perm.DISPATCH_TASKS)
        form = AdmissionForm(request.POST, communities=communities)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.admission_list_set(actor=user, community=Place.objects.get(pk=d["community"]),
                                            name=d["name"], kinds=d["kinds"])
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("task_admission")
        status = 422
    labels = dict(Kind.choices)
    rows = [{"community": c, "list": lists.get(c.pk),
             "kinds": [labels[k] for k in lists[c.pk].kinds if k in labels] if c.pk in lists else []}
            for c in communities]
    return render(request, "tasks/admission.html", {"rows": rows, "form": form, "errors": form.errors_by_field(),
                                                    "can_edit": can_edit, "kinds": Kind.choices,
                                                    "section": "tasks"}, status=status)
