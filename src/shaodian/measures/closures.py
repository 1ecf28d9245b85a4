"""Closures (封闭点) under the negative list (禁止封堵清单, CHK-3), and the flags that protect places."""

from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shaodian.errors import Msg, ServiceError
from shaodian.measures import rules
from shaodian.measures.models import Closure, ClosureOrderedBy
from shaodian.measures.selectors import closure_get, measure_get
from shaodian.places.models import Place
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, AuditLog
from shaodian.security.roles import Perm
from shaodian.places.selectors import scoped_places
from shaodian.security.scope import get_scoped

# Which form field each negative-list rule belongs to.
_FIELD = {"negative_list.forbidden_type": "closure_type", "negative_list.unknown_type": "closure_type",
          "negative_list.no_emergency_channel": "emergency_channel"}


def _need(actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise ServiceError.forbidden()


def _place(actor, place_id) -> Place:
    return get_scoped(scoped_places(actor), place_id)


def closure_create(*, actor, place_id, description: str, closure_type: str, emergency_channel: str,
                   on_duty_contact: str = "", measure_id=None, ordered_by: str = ClosureOrderedBy.GOVERNMENT,
                   ordered_by_name: str = "", now=None) -> Closure:
    """A closure that keeps its emergency channel; refused (and the refusal audited) if the negative list forbids it."""
    _need(actor, Perm.MANAGE_CLOSURES)
    place = _place(actor, place_id)
    measure = measure_get(actor, measure_id) if measure_id else None
    check = rules.check_closure(rules.Closure(
        str(place.pk), place.name, frozenset(place.flag_list), str(closure_type or ""),
        rules.EmergencyChannel(" ".join(str(emergency_channel or "").split()), str(on_duty_contact or "").strip())))
    errors = ServiceError()
    for v in check.violations:
        errors.add(_FIELD.get(v.code, "place"), Msg(v.reason_zh, v.reason_en, v.code))
    if not " ".join(str(description or "").split()):
        errors.add("description", Msg("请写明封闭位置", "Say where exactly"))
    if ordered_by not in ClosureOrderedBy.values:
        errors.add("ordered_by", Msg("请选择由谁决定封闭：政府或指挥部、物业公司、居（村）委会或个人",
                                     "Say who ordered it: government, property company, committee or an individual",
                                     "ordered_by"))
    elif ordered_by != ClosureOrderedBy.GOVERNMENT and not " ".join(str(ordered_by_name or "").split()):
        # A company, committee or person is named, so a review of over-blocking knows whom to ask.
        errors.add("ordered_by_name", Msg("请写明决定封闭的单位或个人名称", "Name the company, committee or person who ordered it",
                                          "ordered_by_name"))
    # Refused above the column's length, never cut: a cut description can name the wrong door.
    for name, text, limit in (("description", description, 200), ("emergency_channel", emergency_channel, 200),
                              ("on_duty_contact", on_duty_contact, 100), ("ordered_by_name", ordered_by_name, 100)):
        if len(" ".join(str(text or "").split())) > limit:
            errors.add(name, Msg(f"最多 {limit} 个字符", f"At most {limit} characters", "string_too_long"))
    if check.violations:
        # Nothing is closed; the attempt is kept so over-blocking can be reviewed (MEA-6).
        audit(actor, AuditAction.DENIED, "closure", "", detail={
            "place": place.pk, "codes": [v.code for v in check.violations], "type": str(closure_type)[:40],
            "reasons_zh": [v.reason_zh for v in check.violations], "reasons_en": [v.reason_en for v in check.violations]})
    if errors.errors:
        raise errors
    with transaction.atomic():
        closure = Closure(measure=measure, description=" ".join(description.split())[:200], closure_type=closure_type,
                          emergency_channel=" ".join(emergency_channel.split())[:200],
                          on_duty_contact=str(on_duty_contact or "").strip()[:100], ordered_by=ordered_by,
                          ordered_by_name=" ".join(str(ordered_by_name or "").split()), created_by=actor,
                          created_at=now or timezone.now())
        closure.locate_at(place)
        closure.save()
        audit(actor, AuditAction.CREATE, "closure", closure.pk,
              detail={"place": place.pk, "type": closure_type, "ordered_by": ordered_by})
    return closure


class ClosureState(models.TextChoices):
    """A closure's state, read from removed_at: in force until removed, by hand or with its measure."""

    IN_FORCE = "in_force", _("In force")
    REMOVED = "removed", _("Lifted")


# (from, to) → the name of the move, as the audit row records it. A removed closure stays removed:
# closing the place again is a new closure, checked against the negative list again.
CLOSURE_MOVES: dict[tuple[str, str], str] = {
    (ClosureState.IN_FORCE, ClosureState.REMOVED): "remove",
}


def closure_state(closure: Closure) -> str:
    return ClosureState.REMOVED if closure.removed_at is not None else ClosureState.IN_FORCE


def _label(state: str) -> tuple[str, str]:
    name = ClosureState(state).label
    with translation.override("zh-hans"):
        zh = str(name)
    with translation.override("en"):
        return zh, str(name)


def closures_transition(*, actor, closures: list[Closure], to: str, now, detail=None) -> list[Closure]:
    """Move closures (locked by the caller) to `to`: all moves legal or none made; each move audited."""
    if to not in ClosureState.values:
        raise ServiceError.one("status", "未知的状态", f"Unknown status: {to}", "unknown_status")
    illegal: dict[str, int] = {}
    for c in closures:
        if (closure_state(c), to) not in CLOSURE_MOVES:
            illegal[closure_state(c)] = illegal.get(closure_state(c), 0) + 1
    errors = ServiceError()
    for state, n in illegal.items():
        (zh_from, en_from), (zh_to, en_to) = _label(state), _label(to)
        errors.add("status", Msg(f"{n}个封闭点已是「{zh_from}」，不能改为「{zh_to}」",
                                 f"{n} closure(s) are {en_from.lower()} and cannot become {en_to.lower()}", "illegal_move"))
    if errors.errors:
        raise errors
    with transaction.atomic():
        for c in closures:
            before = closure_state(c)
            c.removed_at = now if to == ClosureState.REMOVED else None
            c.save(update_fields=["removed_at"])
            audit(actor, AuditAction.UPDATE, "closure", c.pk,
                  detail={"from": before, "to": to, "move": CLOSURE_MOVES[(before, to)], **(detail or {})})
    return closures


def closure_remove(*, actor, closure_id, now=None) -> Closure:
    """Lift a closure in force; a closure lifted already is refused."""
    _need(actor, Perm.MANAGE_CLOSURES)
    visible = closure_get(actor, closure_id)
    with transaction.atomic():
        closure = Closure.objects.select_for_update().get(pk=visible.pk)
        closures_transition(actor=actor, closures=[closure], to=ClosureState.REMOVED, now=now or timezone.now())
    return closure


def closures_end_with(measure, *, actor, now) -> list[Closure]:
    """A measure's closures end with it (expired or lifted): nothing stays shut after the term."""
    rows = list(Closure.objects.select_for_update().filter(measure=measure, removed_at__isnull=True).order_by("pk"))
    return closures_transition(actor=actor, closures=rows, to=ClosureState.REMOVED, now=now,
                               detail={"measure": measure.pk})


def place_flags_set(*, actor, place_id, flags) -> Place:
    """Mark a place on the negative list; taking a flag off needs command (a flag protects lives)."""
    _need(actor, Perm.MANAGE_CLOSURES)
    place = _place(actor, place_id)
    wanted = sorted({str(f) for f in flags or ()})
    unknown = [f for f in wanted if f not in set(rules.PlaceFlag)]
    if unknown:
        raise ServiceError.one("flags", f"未知的标记：{unknown[0]}", f"Unknown flag: {unknown[0]}")
    removed = set(place.flag_list) - set(wanted)
    if removed and not actor.can(Perm.APPROVE_MEASURE):
        raise ServiceError.one("flags", "撤销禁止封堵标记须由街道或区指挥部决定",
                               "Only street or district command may take a negative-list flag off", "forbidden", 403)
    place.flags = f",{','.join(wanted)}," if wanted else ""
    with transaction.atomic():
        place.save(update_fields=["flags"])
        audit(actor, AuditAction.UPDATE, "place_flags", place.pk, detail={"flags": wanted})
    return place


def refused_closures(user, limit: int = 20) -> list[dict]:
    """Recent refused closure attempts in the user's places, with the reasons (for review, MEA-6)."""
    if not user.can(Perm.VIEW_MEASURES):
        return []
    places = dict(scoped_places(user).values_list("pk", "name")) if user.can(Perm.VIEW_PLACES) else {}
    out = []
    for row in AuditLog.objects.filter(object_type="closure", action=AuditAction.DENIED).order_by("-at")[:500]:
        place = row.detail.get("place")
        if place in places:
            out.append({"at": row.at, "place": places[place], "reasons_zh": row.detail.get("reasons_zh", []),
                        "reasons_en": row.detail.get("reasons_en", []), "by": row.actor_label})
            if len(out) >= limit:
                break
    return out
