"""One transition function per state machine of tracing besides contacts': cases and monitoring periods.

Each has a small table of legal moves (as `CONTACT_MOVES` for contacts): an illegal move is refused
with its reason, Chinese first; the moves are written together, each is audited, and the health
flags of the people concerned are refreshed in the same transaction. Callers lock the rows.
"""

from django.db import models, transaction
from django.utils import translation

from shaodian.errors import Msg, ServiceError
from shaodian.security.audit import audit, client_ip, current_channel
from shaodian.security.models import AuditAction, AuditLog
from shaodian.tracing.flags import health_flags_refresh
from shaodian.tracing.models import Case, CaseStatus, Monitoring, MonitoringStatus

# (from, to) → the name of the move, as the audit row records it.
CASE_MOVES: dict[tuple[str, str], str] = {
    (CaseStatus.ACTIVE, CaseStatus.RECOVERED): "close",
}
# A period ends (at term, early, or when the person becomes a case) and starts again when a dismissed
# contact is confirmed once more: its row is reused.
MONITORING_MOVES: dict[tuple[str, str], str] = {
    (MonitoringStatus.ACTIVE, MonitoringStatus.ENDED): "end",
    (MonitoringStatus.ENDED, MonitoringStatus.ACTIVE): "restart",
}
NOTE_MAX = 200


def label(choices: type[models.TextChoices], status: str) -> tuple[str, str]:
    """A status's name in Chinese and in English."""
    name = choices(status).label
    with translation.override("zh-hans"):
        zh = str(name)
    with translation.override("en"):
        return zh, str(name)


def refusals(rows, to: str, moves: dict, choices: type[models.TextChoices], *, field: str, zh_noun: str,
             en_noun: str) -> ServiceError:
    """The reasons moving these rows to `to` is refused, one message per status they are in (empty if legal)."""
    errors = ServiceError()
    if to not in choices.values:
        errors.add(field, Msg("未知的状态", f"Unknown status: {to}", "unknown_status"))
        return errors
    illegal: dict[str, int] = {}
    for row in rows:
        if (row.status, to) not in moves:
            illegal[row.status] = illegal.get(row.status, 0) + 1
    for status, n in illegal.items():
        (zh_from, en_from), (zh_to, en_to) = label(choices, status), label(choices, to)
        errors.add(field, Msg(f"{n}个{zh_noun}已是「{zh_from}」，不能改为「{zh_to}」",
                              f"{n} {en_noun}(s) are {en_from.lower()} and cannot become {en_to.lower()}", "illegal_move"))
    return errors


def audit_moves(actor, object_type: str, rows, before: dict, to: str, moves: dict, *,
                detail: dict | None = None) -> None:
    """One audit row per move: from, to, the move's name and the person (by internal id only; no typed text)."""
    channel = current_channel()
    AuditLog.objects.bulk_create([
        AuditLog(actor=actor, actor_name=getattr(actor, "username", ""), action=AuditAction.UPDATE,
                 object_type=object_type, object_id=str(r.pk), channel=channel, ip=client_ip(),
                 detail={"from": before[r.pk], "to": to, "move": moves[(before[r.pk], to)], "resident": r.resident_id,
                         "batch": len(rows), **(detail or {})})
        for r in rows
    ], batch_size=2000)


def _clean(note) -> str:
    return " ".join(str(note or "").split())


def cases_transition(*, actor, cases: list[Case], to: str, note: str = "", detail: dict | None = None) -> list[Case]:
    """Move cases (locked by the caller) to `to`: all moves legal or none made; each audited, flags refreshed."""
    note = _clean(note)
    errors = refusals(cases, to, CASE_MOVES, CaseStatus, field="status", zh_noun="病例", en_noun="case")
    if len(note) > NOTE_MAX:
        errors.add("note", Msg(f"说明最多{NOTE_MAX}字", f"The note has at most {NOTE_MAX} characters"))
    if errors.errors:
        raise errors
    if not cases:
        return []
    before = {c.pk: c.status for c in cases}
    with transaction.atomic():
        Case.objects.filter(pk__in=list(before)).update(status=to)
        for c in cases:
            c.status = to
        for c in cases:  # one by one: the note is typed by a person and audit() masks numbers in it
            audit(actor, AuditAction.UPDATE, "case", c.pk,
                  detail={"from": before[c.pk], "to": to, "move": CASE_MOVES[(before[c.pk], to)],
                          "resident": c.resident_id, **({"note": note} if note else {}), **(detail or {})})
        health_flags_refresh({c.resident_id for c in cases})
    return cases


def monitoring_transition(*, actor, rows: list[Monitoring], to: str, task: str | None = None,
                          detail: dict | None = None) -> list[Monitoring]:
    """Move monitoring periods (locked by the caller) to `to`, optionally saying why in the task; as cases_transition."""
    errors = refusals(rows, to, MONITORING_MOVES, MonitoringStatus, field="status", zh_noun="健康监测", en_noun="monitoring")
    if task is not None and len(_clean(task)) > NOTE_MAX:
        errors.add("note", Msg(f"说明最多{NOTE_MAX}字", f"The note has at most {NOTE_MAX} characters"))
    if errors.errors:
        raise errors
    if not rows:
        return []
    before = {m.pk: m.status for m in rows}
    changes = {"status": to} if task is None else {"status": to, "task": _clean(task)}
    with transaction.atomic():
        Monitoring.objects.filter(pk__in=list(before)).update(**changes)
        for m in rows:
            for name, value in changes.items():
                setattr(m, name, value)
        audit_moves(actor, "monitoring", rows, before, to, MONITORING_MOVES, detail=detail)
        health_flags_refresh({m.resident_id for m in rows})
    return rows
