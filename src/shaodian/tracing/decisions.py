"""A person's decisions on contacts: confirm (monitoring starts) or dismiss, one by one or many at once.

Every status change of a contact goes through `contacts_transition`, which checks each move against
`CONTACT_MOVES`, writes them together, audits each one and refreshes the people's health flags.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from shaodian.errors import Msg, ServiceError
from shaodian.security.audit import client_ip, current_channel
from shaodian.security.models import AuditAction, AuditLog
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped
from shaodian.tracing.models import (
    CONTACT_MOVES,
    EXEMPTION_TASKS,
    Case,
    CaseStatus,
    Contact,
    ContactStatus,
    Monitoring,
    MonitoringReason,
    MonitoringStatus,
)
from shaodian.tracing.exemptions import quarantine_exemptions
from shaodian.tracing.flags import health_flags_refresh
from shaodian.tracing.selectors import case_get, contacts_for
from shaodian.tracing.transitions import monitoring_transition

MONITORING_DAYS = 14
NOTE_MAX = 200
BULK_MAX = 1000  # one action decides at most this many people; more is a sign of a wrong filter


def _label(status: str) -> tuple[str, str]:
    label = ContactStatus(status).label
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        return zh, str(label)


def _clean_note(note) -> str:
    return " ".join(str(note or "").split())


def contacts_transition(*, actor, contacts: list[Contact], to: str, note: str = "") -> list[Contact]:
    """Move contacts (locked by the caller) to `to`: all moves legal or none made; each move audited."""
    note = _clean_note(note)
    errors = ServiceError()
    if to not in ContactStatus.values:
        raise ServiceError.one("decision", "决定应为确认或排除", "The decision must be confirm or dismiss")
    if len(note) > NOTE_MAX:
        errors.add("note", Msg(f"说明最多{NOTE_MAX}字", f"The note has at most {NOTE_MAX} characters"))
    illegal: dict[str, int] = {}
    for c in contacts:
        if (c.status, to) not in CONTACT_MOVES:
            illegal[c.status] = illegal.get(c.status, 0) + 1
    for status, n in illegal.items():
        (zh_from, en_from), (zh_to, en_to) = _label(status), _label(to)
        errors.add("decision", Msg(f"{n}个密接已是「{zh_from}」，不能改为「{zh_to}」",
                                   f"{n} contact(s) are {en_from.lower()} and cannot become {en_to.lower()}", "illegal_move"))
    if not note and any(CONTACT_MOVES.get((c.status, to)) for c in contacts):
        errors.add("note", Msg("更改已作出的决定须写明理由", "Changing a decision needs a written reason", "required"))
    if to == ContactStatus.CONFIRMED:
        cases = Case.objects.filter(resident_id__in={c.resident_id for c in contacts}, status=CaseStatus.ACTIVE).count()
        if cases:
            errors.add("decision", Msg(f"{cases}人已是在管病例，不作为密接管理",
                                       f"{cases} of them are active cases, not contacts", "already_case"))
    if errors.errors:
        raise errors
    if not contacts:
        return []
    now = timezone.now()
    before = {c.pk: c.status for c in contacts}
    ids = list(before)
    Contact.objects.filter(pk__in=ids).update(status=to, decided_by=actor, decided_at=now, note=note)
    for c in contacts:
        c.status, c.decided_by, c.decided_at, c.note = to, actor, now, note
    exempt: dict[int, str] = {}
    if to == ContactStatus.CONFIRMED:
        exempt = _start_monitoring(actor, contacts, now)
    else:
        ending = list(Monitoring.objects.select_for_update().filter(contact_id__in=ids, status=MonitoringStatus.ACTIVE))
        monitoring_transition(actor=actor, rows=ending, to=MonitoringStatus.ENDED)
    channel = current_channel()
    AuditLog.objects.bulk_create([
        AuditLog(actor=actor, actor_name=actor.username, action=AuditAction.UPDATE, object_type="contact",
                 object_id=str(c.pk), channel=channel, ip=client_ip(),
                 detail={"from": before[c.pk], "to": to, "case": c.case_id, "resident": c.resident_id, "batch": len(ids),
                         **({"exemption": exempt[c.resident_id]} if c.resident_id in exempt else {})})
        for c in contacts
    ], batch_size=2000)
    health_flags_refresh({c.resident_id for c in contacts})
    return contacts


def _start_monitoring(actor, contacts: list[Contact], now: dt.datetime) -> dict[int, str]:
    """Monitoring from the last exposure (or today) for 14 days; a contact's earlier monitoring row is reused.

    A close contact exempt from quarantine (a white-listed supply driver) is still confirmed and monitored, as a
    key person with the exemption written on the period, never as a close contact kept at home: their deliveries
    go on in a closed loop. Returns the exempt among them (resident id -> reason).
    """
    last = dict(Contact.objects.filter(pk__in=[c.pk for c in contacts]).annotate(last=Max("exposures__end"))
                .values_list("pk", "last"))
    existing = {m.contact_id: m for m in Monitoring.objects.select_for_update().filter(contact_id__in=list(last))}
    # An ended period starts again through its transition; its dates and task are set below.
    monitoring_transition(actor=actor, rows=[m for m in existing.values() if m.status != MonitoringStatus.ACTIVE],
                          to=MonitoringStatus.ACTIVE)
    # Only a close contact's monitoring keeps a person at home; a secondary contact's is a daily report anyway.
    exempt = quarantine_exemptions(c.resident_id for c in contacts if c.degree == 1)
    new, old = [], []
    for c in contacts:
        start = timezone.localtime(last.get(c.pk) or now).date()
        m = existing.get(c.pk) or Monitoring(contact=c)
        m.resident_id = c.resident_id
        m.reason = MonitoringReason.CLOSE_CONTACT if c.degree == 1 else MonitoringReason.SECONDARY_CONTACT
        m.starts_on, m.ends_on = start, start + dt.timedelta(days=MONITORING_DAYS)
        m.task = ("网格员每日两次电话随访测温，出现症状立即上报" if c.degree == 1 else "每日健康打卡")
        m.exemption = exempt.get(c.resident_id, "") if c.degree == 1 else ""
        if m.exemption:
            m.reason = MonitoringReason.KEY_PERSON
            with translation.override("zh-hans"):  # stored like the other tasks: the text of the day, in Chinese
                m.task = str(EXEMPTION_TASKS[m.exemption])
        (old if m.pk else new).append(m)
    Monitoring.objects.bulk_create(new, batch_size=2000)
    Monitoring.objects.bulk_update(old, ["resident_id", "reason", "starts_on", "ends_on", "task", "exemption"],
                                   batch_size=2000)
    return exempt


def _need(actor):
    if not actor.can(Perm.MANAGE_CASES):
        raise ServiceError.forbidden()


def contact_decide(*, actor, contact_id, confirm: bool, note: str = "") -> Contact:
    """A tracer confirms a contact (monitoring starts) or dismisses it, with a note."""
    _need(actor)
    with transaction.atomic():
        contact = get_scoped(contacts_for(actor).select_for_update(of=("self",)), contact_id)
        to = ContactStatus.CONFIRMED if confirm else ContactStatus.DISMISSED
        contacts_transition(actor=actor, contacts=[contact], to=to, note=note)
    return contact


def contacts_decide(*, actor, case_id, confirm: bool, note: str, contact_ids=None, top: int | None = None,
                    min_score: float | None = None) -> list[Contact]:
    """Confirm or dismiss many contacts of one case with one reason: a selection, or the top N proposals at or above a score."""
    _need(actor)
    case = case_get(actor, case_id)
    errors = ServiceError()
    if not _clean_note(note):
        errors.add("note", Msg("一次决定多人须写明理由", "A decision on several people needs a reason", "required"))
    if contact_ids is None:
        if top is None or not 1 <= top <= BULK_MAX:
            errors.add("top", Msg(f"人数应在1到{BULK_MAX}之间", f"The number of people must be 1 to {BULK_MAX}"))
        if min_score is not None and not 0 <= min_score <= 28 * 24 * 60:
            errors.add("min_score", Msg("暴露分钟数应在0到40320之间", "The score must be 0 to 40320 minutes"))
    else:
        try:
            contact_ids = sorted({int(x) for x in contact_ids})
        except (TypeError, ValueError):
            contact_ids = []
        if not 1 <= len(contact_ids) <= BULK_MAX:
            errors.add("contacts", Msg(f"请选择1到{BULK_MAX}个密接", f"Select 1 to {BULK_MAX} contacts"))
    if errors.errors:
        raise errors
    to = ContactStatus.CONFIRMED if confirm else ContactStatus.DISMISSED
    with transaction.atomic():
        qs = contacts_for(actor).filter(case=case).select_for_update(of=("self",))
        if contact_ids is None:
            picked = (qs.filter(status=ContactStatus.PROPOSED, minutes__gte=min_score or 0)
                      .exclude(resident__cases__status=CaseStatus.ACTIVE).order_by("-minutes", "pk"))
            contacts = list(picked[:top])
            if not contacts:
                raise ServiceError.one("min_score", "没有达到该分数的待确认密接", "No proposed contact at or above that score")
        else:
            contacts = list(qs.filter(pk__in=contact_ids).order_by("pk"))
            if len(contacts) != len(contact_ids):
                raise ServiceError.one("contacts", "部分所选密接不属于本病例或不在您的管辖范围内",
                                       "Some selected contacts are not of this case or outside your jurisdiction")
        return contacts_transition(actor=actor, contacts=contacts, to=to, note=note)
