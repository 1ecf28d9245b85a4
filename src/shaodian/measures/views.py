"""Measure pages: list and proposal, detail with timeline and action forms, gate, votes, zones, closures;
and, without login, the public register and a household's voting page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shaodian.core.shortcuts import need as _need
from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.measures import closures, codec, labels, lifecycle, rules, selectors, services, votes
from shaodian.core.forms import PageForm
from shaodian.measures import forms
from shaodian.measures.forms import ProposalForm
from shaodian.measures.models import ClosureOrderedBy, ClosureType, MeasureStatus, StaticLevelKey, ZoneLevel
from shaodian.measures.presenters import gaps_view
from shaodian.places.models import Building
from shaodian.places.selectors import scoped_places
from shaodian.schema_types import Moment, form_value, with_displayable_times
from shaodian.security.roles import Perm

LIST_LIMIT = 200



def _when(value: str):
    """A datetime-local input (local time) or an ISO string; None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    parsed = form_value(Moment, value, field="general")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _number(value, name: str, cast=int):
    try:
        return cast(value or 0)
    except (TypeError, ValueError):
        raise ServiceError.one(name, "请输入数字", "Enter a number") from None


def _local(dt_value) -> str:
    return timezone.localtime(dt_value).strftime("%Y-%m-%dT%H:%M") if dt_value else ""


RESTRICTIONS = [(r.value, rules.RESTRICTION_LABELS[r]) for r in rules.Restriction]


# --- list and proposal -------------------------------------------------------------------------------


@login_required
def measure_list(request):
    user = request.user
    _need(user, Perm.VIEW_MEASURES)
    errors, status = {}, 200
    now = timezone.now()
    values = {"starts_at": _local(now + timezone.timedelta(days=2)), "ends_at": _local(now + timezone.timedelta(days=9)),
              "zone": "controlled", "static_level": "controlled", "restrictions": []}
    areas = _area_choices(user) if user.can(Perm.PROPOSE_MEASURE) else []
    if request.method == "POST":
        _need(user, Perm.PROPOSE_MEASURE)
        form = ProposalForm(request.POST, areas=areas)
        values = form.values()
        if form.is_valid():
            try:
                m = services.measure_propose(actor=user, **form.service_kwargs())
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Measure proposed."))
                return redirect("measure_detail", measure_id=m.pk)
        errors, status = form.errors_by_field(), 422
    rows = [with_displayable_times(m, "starts_at", "ends_at")
            for m in selectors.measures_for(user).order_by("-created_at")[:LIST_LIMIT]]
    states = [(m, _status_label(m, now)) for m in rows]
    return render(request, "measures/list.html", {
        "rows": states, "errors": errors, "values": values, "can_propose": user.can(Perm.PROPOSE_MEASURE),
        "areas": areas,
        "zones": ZoneLevel.choices, "levels": StaticLevelKey.choices, "restrictions": RESTRICTIONS,
        "limit": LIST_LIMIT,
    }, status=status)


def _status_label(m, now) -> str:
    state = codec.load(m.state)
    return labels.status_label(state, lifecycle.effective_status(state, now))


def _area_choices(user) -> list[tuple[str, str]]:
    """Nodes of the jurisdiction and, for the finest zones, buildings (a district lists its streets and communities)."""
    places = scoped_places(user).filter(kind__in=["district", "street", "community", "grid"], active=True).order_by("code")
    out = [(f"place:{p.pk}", f"{p.name}") for p in places[:300]]
    out += [(f"building:{pk}", address) for pk, address in
            Building.objects.for_user(user, Perm.PROPOSE_MEASURE).order_by("address").values_list("pk", "address")[:500]]
    return out


# --- detail and actions -------------------------------------------------------------------------------


def _detail_context(user, m):
    now = timezone.now()
    effective = lifecycle.effective_status(codec.load(m.state), now)
    m = with_displayable_times(m, "starts_at", "ends_at")
    state = with_displayable_times(codec.load(m.state), "starts_at", "ends_at")
    ev = state.evaluation
    groups: dict[str, int] = {}
    for p in ev.special_group_people if ev else ():
        for g in p.groups:
            groups[g.value] = groups.get(g.value, 0) + 1
    return {
        "m": m, "state": state, "effective": effective.value, "status_label": labels.status_label(state, effective),
        "timeline": labels.timeline(state),
        "sent_back": [(labels.label(labels.ROLE_LABELS, s.role), s.at, s.reasons) for s in state.sent_back],
        "verdict_label": labels.label(labels.VERDICT_LABELS, state.post_evaluation.verdict)
        if state.post_evaluation else "",
        "restriction_labels": [rules.RESTRICTION_LABELS[r] for r in state.restrictions],
        "groups": [(labels.label(labels.GROUP_LABELS, g), n) for g, n in sorted(groups.items())],
        "gaps": gaps_view(user, state),
        "notice_text": selectors.notice_text(m, state),
        "may": {"propose": user.can(Perm.PROPOSE_MEASURE), "evaluate": user.can(Perm.EVALUATE_MEASURE),
                "legal": user.can(Perm.LEGAL_REVIEW), "approve": user.can(Perm.APPROVE_MEASURE),
                "manage": user.can(Perm.MANAGE_MEASURES),
                "withdraw": user.can(Perm.PROPOSE_MEASURE) and _may_withdraw(user, state)},
        "starts_local": _local(state.starts_at), "ends_local": _local(state.ends_at),
        "closures": list(m.closures.filter(removed_at__isnull=True).select_related("place")),
        "levels": [(lv, labels.LEVEL_LABELS[lv]) for lv in ("street", "district", "city")],
        "verdicts": list(labels.VERDICT_LABELS.items()),
        "open_tasks": [t.name for t in state.recovery_tasks if t.done_at is None],
        "tokens": m.vote_tokens.count(), "ballots": m.votes.count(),
    }


def _may_withdraw(user, state) -> bool:
    try:
        return lifecycle.may_withdraw(state, lifecycle.Level(user.node.kind))
    except (AttributeError, ValueError):
        return False


@login_required
def measure_detail(request, measure_id):
    return _detail_page(request, measure_id)


def _detail_page(request, measure_id, form: PageForm | None = None, status: int = 200):
    """The detail page; after a refused action, with its form's messages and what was typed."""
    user = request.user
    _need(user, Perm.VIEW_MEASURES)
    m = selectors.measure_get(user, measure_id)
    return render(request, "measures/detail.html", {**_detail_context(user, m),
                                                    "errors": form.errors_by_field() if form else {},
                                                    "posted": form.data if form else {}}, status=status)


# Each lifecycle action of the detail page: its service, and the form that reads its fields.
ACTIONS = {
    "evaluate": (services.measure_evaluate, forms.EvaluateForm),
    "submit": (services.measure_submit, forms.NoInputForm),
    "legal_approve": (services.measure_legal_approve, forms.LegalApproveForm),
    "legal_return": (services.measure_legal_return, forms.ReasonsForm),
    "approve": (services.measure_approve, forms.NoInputForm),
    "decline": (services.measure_decline, forms.ReasonsForm),
    "notice": (services.measure_publish_notice, forms.NoticeForm),
    "vote_close": (votes.vote_close, forms.NoInputForm),
    "gate": (services.gate_check, forms.NoInputForm),
    "enter_force": (services.measure_enter_force, forms.NoInputForm),
    "extend": (services.measure_extend, forms.ExtendForm),
    "lift": (services.measure_lift, forms.ReasonForm),
    "withdraw": (services.measure_withdraw, forms.ReasonForm),
    "recovery": (services.measure_recovery_start, forms.TasksForm),
    "task_done": (services.measure_recovery_task_done, forms.TaskForm),
    "post_evaluate": (services.measure_post_evaluate, forms.PostEvaluateForm),
}


@login_required
@require_POST
def measure_act(request, measure_id):
    """One lifecycle action from the detail page; a refusal is shown there with its reason (422)."""
    user = request.user
    _need(user, Perm.VIEW_MEASURES)
    selectors.measure_get(user, measure_id)
    chosen = forms.ActionForm(request.POST, actions=ACTIONS)
    if not chosen.is_valid():
        return _detail_page(request, measure_id, chosen, status=422)
    service, form_class = ACTIONS[chosen.cleaned_data["action"]]
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail_page(request, measure_id, form, status=422)
    try:
        service(actor=user, measure_id=measure_id, **form.cleaned_data)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        form.add_service_errors(exc)
        return _detail_page(request, measure_id, form, status=exc.status)
    messages.success(request, _("Done."))
    return redirect("measure_detail", measure_id=measure_id)


# --- gate ---------------------------------------------------------------------------------------------


@login_required
def measure_gate(request, measure_id):
    """Every special-group person inside, the gaps left and who must close each; carers are named here."""
    user = request.user
    _need(user, Perm.VIEW_MEASURES)
    m = selectors.measure_get(user, measure_id)
    errors, status = {}, 200
    if request.method == "POST":
        form = forms.GateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data.pop("action") == "check":
                    services.gate_check(actor=user, measure_id=m.pk)
                else:
                    services.care_assign(actor=user, measure_id=m.pk, **data)
            except ServiceError as exc:
                if exc.status == 403:
                    raise PermissionDenied from None
                form.add_service_errors(exc)
                status = exc.status
            else:
                messages.success(request, _("Saved."))
                return redirect("measure_gate", measure_id=m.pk)
        errors, status = form.errors_by_field(), (status if status != 200 else 422)
    m.refresh_from_db()
    state = codec.load(m.state)
    rows, hidden = selectors.gate_people(user, m)
    return render(request, "measures/gate.html", {
        "m": m, "state": state, "gaps": gaps_view(user, state), "rows": rows, "hidden": hidden,
        "errors": errors, "can_manage": user.can(Perm.MANAGE_MEASURES) or user.can(Perm.EVALUATE_MEASURE),
    }, status=status)


# --- zones, closures, risk -------------------------------------------------------------------------------


@login_required
def zone_list(request):
    """Zones of the measures not yet ended, by designation, with the breadth warning where one was raised."""
    user = request.user
    _need(user, Perm.VIEW_MEASURES)
    now = timezone.now()
    live = [MeasureStatus.APPROVED, MeasureStatus.NOTICE_PUBLISHED, MeasureStatus.IN_FORCE, MeasureStatus.EVALUATED,
            MeasureStatus.LEGAL_REVIEW, MeasureStatus.DRAFT]
    rows = selectors.measures_for(user).filter(status__in=live).order_by("zone", "area_name")[:LIST_LIMIT]
    zones = {z: [] for z, _l in ZoneLevel.choices}
    for m in rows:
        m = with_displayable_times(m, "starts_at", "ends_at")
        state = codec.load(m.state)
        effective = lifecycle.effective_status(state, now)
        if effective.value in ("in_force", "notice_published", "approved", "evaluated", "legal_review", "draft"):
            zones[m.zone].append((m, labels.status_label(state, effective),
                                  labels.label(labels.GRANULARITY_LABELS, m.granularity)))
    return render(request, "measures/zones.html", {
        "zones": [(z, label, zones[z]) for z, label in ZoneLevel.choices]})


@login_required
def closure_list(request):
    user = request.user
    _need(user, Perm.VIEW_MEASURES)
    errors, status, values = {}, 200, {}
    if request.method == "POST":
        _need(user, Perm.MANAGE_CLOSURES)
        form = forms.ClosureForm(request.POST, flag_choices=list(labels.PLACE_FLAG_LABELS.items()))
        values = form.values()
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "flags":
                    closures.place_flags_set(actor=user, place_id=data["flags_place"], flags=data["flags"])
                    messages.success(request, _("Negative-list flags saved."))
                else:
                    closures.closure_create(actor=user, place_id=data["place"], description=data["description"],
                                            closure_type=data["closure_type"],
                                            emergency_channel=data["emergency_channel"],
                                            on_duty_contact=data["on_duty_contact"],
                                            ordered_by=data["ordered_by"] or "government",
                                            ordered_by_name=data["ordered_by_name"])
                    messages.success(request, _("Closure recorded."))
            except NotFound:
                form.add_error("place", str(Msg("地点不存在或不在您的管辖范围内", "Unknown place, or outside your jurisdiction")))
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
            else:
                return redirect("closure_list")
        errors = form.errors_by_field()
    places = list(scoped_places(user).filter(active=True, kind__in=["community", "grid", "street"]).order_by("code")[:300])
    return render(request, "measures/closures.html", {
        "rows": list(selectors.closures_for(user).filter(removed_at__isnull=True).order_by("-created_at")[:LIST_LIMIT]),
        "refused": closures.refused_closures(user), "errors": errors, "values": values, "places": places,
        "flagged": [(p, labels.flag_labels(p.flag_list)) for p in places if p.flags], "types": ClosureType.choices,
        "orderers": ClosureOrderedBy.choices,
        "flags": list(labels.PLACE_FLAG_LABELS.items()), "can_manage": user.can(Perm.MANAGE_CLOSURES),
    }, status=status)
