"""Writes of health monitoring: putting a person under monitoring, self-report links, follow-up calls,
reports typed on a page, risk areas. Each in one transaction, audited; reads of periods scoped to the actor."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.monitoring import reports
from shaodian.monitoring.models import FollowUpCall, ReportLink, ReportSource, RiskArea
from shaodian.people.selectors import resident_get
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped, scoped
from shaodian.tracing.exemptions import quarantine_exemptions
from shaodian.tracing.flags import health_flags_refresh
from shaodian.tracing.models import MONITORING_TASKS, Monitoring, MonitoringReason, MonitoringStatus
from shaodian.tracing.transitions import monitoring_transition

DAYS_MIN, DAYS_MAX = 1, 28
NOTE_MAX = 200
SHANGHAI = reports.SHANGHAI
# Reasons a person is put under monitoring by hand; contacts come from tracing's confirmations.
START_REASONS = (MonitoringReason.HOME_QUARANTINE, MonitoringReason.KEY_PERSON, MonitoringReason.CLOSE_CONTACT)
# Reasons that keep a person at home: never for a white-listed supply driver (SUP-6), who is followed as a key person
# (tracing.exemptions: the same question tracing asks when it confirms a contact).
QUARANTINE_REASONS = (MonitoringReason.HOME_QUARANTINE, MonitoringReason.CLOSE_CONTACT)


def periods_for(user, perm=(Perm.VIEW_SCREENING, Perm.MANAGE_MONITORING)):
    return scoped(user, Monitoring.objects.all(), perm, via="resident__")


def period_get(user, pk, perm=(Perm.VIEW_SCREENING, Perm.MANAGE_MONITORING)) -> Monitoring:
    return get_scoped(periods_for(user, perm).select_related("resident"), pk)


def _clean(text) -> str:
    return " ".join(str(text or "").split())


def monitoring_start(*, actor, resident_id, reason: str, days: int, note: str = "",
                     today: dt.date | None = None) -> Monitoring:
    """Put a resident of the actor's jurisdiction under monitoring from today for `days` days."""
    if not actor.can(Perm.MANAGE_MONITORING):
        raise ServiceError.forbidden()
    errors = ServiceError()
    if reason not in START_REASONS:
        errors.add("reason", Msg("请选择监测原因", "Choose a reason for the monitoring", "bad_reason"))
    if isinstance(days, bool) or not isinstance(days, int) or not DAYS_MIN <= days <= DAYS_MAX:
        errors.add("days", Msg(f"监测天数应在{DAYS_MIN}–{DAYS_MAX}天之间",
                               f"The monitoring lasts {DAYS_MIN} to {DAYS_MAX} days", "bad_days"))
    if len(_clean(note)) > NOTE_MAX:
        errors.add("note", Msg(f"说明最多{NOTE_MAX}字", f"The note has at most {NOTE_MAX} characters"))
    if errors.errors:
        raise errors
    try:
        resident = resident_get(actor, resident_id)
    except NotFound:
        raise ServiceError.one("resident_id", "人员不存在或不在您的管辖范围内",
                               "Unknown person, or outside your jurisdiction", "unknown_person") from None
    if reason in QUARANTINE_REASONS and quarantine_exemptions([resident.pk]):
        raise ServiceError.one("reason", "此人是白名单保供司机，平台不对其居家隔离；请按重点人员做健康监测（闭环管理）",
                               "This person drives a supply truck on the white list: the platform does not quarantine "
                               "them at home; follow them as a key person instead", "whitelisted_driver")
    today = today or timezone.localdate()
    with transaction.atomic():
        if Monitoring.objects.select_for_update().filter(resident=resident, status=MonitoringStatus.ACTIVE).exists():
            raise ServiceError.one("resident_id", "此人已在健康监测中", "This person is already under monitoring",
                                   "already_monitored")
        m = Monitoring.objects.create(resident=resident, reason=reason, starts_on=today,
                                      ends_on=today + dt.timedelta(days=days - 1),
                                      task=_clean(note) or str(MONITORING_TASKS.get(reason, "")))
        audit(actor, AuditAction.CREATE, "monitoring", m.pk,
              detail={"resident": resident.pk, "reason": reason, "days": days})
        health_flags_refresh({resident.pk})
    return m


def monitoring_stop(*, actor, monitoring_id, note: str) -> Monitoring:
    """End a period early, with a reason, through tracing's transition function."""
    if not actor.can(Perm.MANAGE_MONITORING):
        raise ServiceError.forbidden()
    note = _clean(note)
    if not note:
        raise ServiceError.one("note", "请填写提前结束的原因", "Say why the monitoring ends early", "note_required")
    visible = period_get(actor, monitoring_id, Perm.MANAGE_MONITORING)
    with transaction.atomic():
        m = Monitoring.objects.select_for_update().get(pk=visible.pk)
        monitoring_transition(actor=actor, rows=[m], to=MonitoringStatus.ENDED, task=note)
        ReportLink.objects.filter(monitoring=m, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return m


# --- the self-report link -------------------------------------------------------------------------------------


def link_url(raw: str, *, site: str = "") -> str:
    path = f"/public/health/{raw}/"
    return (settings.PUBLIC_URL or site.rstrip("/")) + path


def link_issue(*, actor, monitoring_id, now: dt.datetime | None = None) -> str:
    """A new personal link for the period (earlier ones revoked); the raw token, shown once as link and QR."""
    if not actor.can(Perm.VISIT) and not actor.can(Perm.MANAGE_MONITORING):
        raise ServiceError.forbidden()
    visible = period_get(actor, monitoring_id)
    if visible.status != MonitoringStatus.ACTIVE:
        raise ServiceError.one("monitoring", "监测已结束，不能发放报告链接", "The monitoring has ended: no link",
                               "ended")
    now = now or timezone.now()
    raw = ReportLink.new_raw()
    expires = dt.datetime.combine(visible.ends_on + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
    with transaction.atomic():
        ReportLink.objects.filter(monitoring=visible, revoked_at__isnull=True).update(revoked_at=now)
        link = ReportLink.objects.create(monitoring=visible, key_hash=ReportLink.digest(raw), key_sealed=raw,
                                         expires_at=expires, issued_by=actor)
        audit(actor, AuditAction.CREATE, "report_link", link.pk, detail={"monitoring": visible.pk})
    return raw


def link_show(*, actor, monitoring_id, now: dt.datetime | None = None) -> str | None:
    """The period's live link again (to show its QR), audited; None if there is none."""
    visible = period_get(actor, monitoring_id)
    link = (ReportLink.objects.filter(monitoring=visible, revoked_at__isnull=True, expires_at__gt=now or timezone.now())
            .order_by("-pk").first())
    if link is None or not link.key_sealed:
        return None
    audit(actor, AuditAction.REVEAL, "report_link", link.pk, detail={"monitoring": visible.pk})
    return link.key_sealed


def link_revoke(*, actor, monitoring_id, now: dt.datetime | None = None) -> int:
    if not actor.can(Perm.VISIT) and not actor.can(Perm.MANAGE_MONITORING):
        raise ServiceError.forbidden()
    visible = period_get(actor, monitoring_id)
    with transaction.atomic():
        n = ReportLink.objects.filter(monitoring=visible, revoked_at__isnull=True).update(revoked_at=now or timezone.now())
        audit(actor, AuditAction.UPDATE, "report_link", visible.pk, detail={"revoked": n})
    return n


class LinkGone(Exception):
    """The link is unknown, revoked or expired, or its monitoring has ended: a page that says so, and nothing else."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def link_open(raw: str, now: dt.datetime | None = None) -> ReportLink:
    """The live link for a raw token (its period loaded), or LinkGone."""
    if not isinstance(raw, str) or not 10 <= len(raw) <= 64:
        raise LinkGone("unknown")
    link = ReportLink.objects.select_related("monitoring__resident").filter(key_hash=ReportLink.digest(raw)).first()
    if link is None:
        raise LinkGone("unknown")
    if link.revoked_at is not None:
        raise LinkGone("revoked")
    if link.expires_at <= (now or timezone.now()) or link.monitoring.status != MonitoringStatus.ACTIVE:
        raise LinkGone("expired")
    return link


def self_report(*, raw: str, client_id: str, temperature, symptoms: list[str], now: dt.datetime | None = None) -> dict:
    """A report through the personal link: for today, for the link's own period only."""
    now = now or timezone.now()
    link = link_open(raw, now)
    m = link.monitoring
    item = {"client_id": client_id or f"self-{uuid.uuid4()}", "monitoring": m.pk, "at": now.isoformat(),
            "temperature": temperature, "symptoms": symptoms}
    [result] = reports.reports_ingest(actor=None, items=[item], now=now, source=ReportSource.SELF,
                                      periods={m.pk: (m.starts_on, m.ends_on)})
    if result["status"] == "rejected":
        zh, _, en = result["reason"].partition(" / ")
        raise ServiceError.one("temperature" if "temperature" in result["code"] else "general", zh, en, result["code"])
    if result["status"] == "accepted":
        audit(None, AuditAction.CREATE, "health_report", m.pk, detail={"self": True}, channel="public")
    return result


def worker_report(*, actor, monitoring_id, client_id: str, temperature, symptoms: list[str], at: dt.datetime) -> dict:
    """A report the grid worker types on the person's page (a call, a door visit)."""
    item = {"client_id": client_id, "monitoring": int(monitoring_id), "at": at.isoformat(), "temperature": temperature,
            "symptoms": symptoms}
    [result] = reports.reports_ingest(actor=actor, items=[item])
    if result["status"] == "rejected":
        zh, _, en = result["reason"].partition(" / ")
        field = {"bad_temperature": "temperature", "temperature_range": "temperature", "future": "at",
                 "too_old": "at", "outside_period": "at"}.get(result["code"], "general")
        raise ServiceError.one(field, zh, en, result["code"])
    return result


def call_log(*, actor, monitoring_id, reached: bool, note: str = "", now: dt.datetime | None = None) -> FollowUpCall:
    if not actor.can(Perm.VISIT):
        raise ServiceError.forbidden()
    note = _clean(note)
    if len(note) > NOTE_MAX:
        raise ServiceError.one("note", f"说明最多{NOTE_MAX}字", f"The note has at most {NOTE_MAX} characters")
    visible = period_get(actor, monitoring_id, Perm.VISIT)
    with transaction.atomic():
        call = FollowUpCall.objects.create(monitoring=visible, reached=bool(reached), note=note, by=actor,
                                           at=now or timezone.now())
        audit(actor, AuditAction.CREATE, "follow_up_call", call.pk,
              detail={"monitoring": visible.pk, "reached": bool(reached)})
    return call


# --- risk areas -----------------------------------------------------------------------------------------------


def risk_area_add(*, actor, name: str, level: str, valid_from: dt.date, valid_to: dt.date) -> RiskArea:
    if not actor.can(Perm.MANAGE_MONITORING):
        raise ServiceError.forbidden()
    name = _clean(name)
    errors = ServiceError()
    if not name or len(name) > 100:
        errors.add("name", Msg("请填写地区名称（最多100字）", "Give the area's name (at most 100 characters)"))
    if level not in ("high", "medium"):
        errors.add("level", Msg("请选择风险等级", "Choose the risk level"))
    if valid_from and valid_to and valid_to < valid_from:
        errors.add("valid_to", Msg("结束日期早于开始日期", "The end date is before the start date", "bad_dates"))
    if errors.errors:
        raise errors
    with transaction.atomic():
        area = RiskArea.objects.create(name=name, level=level, valid_from=valid_from, valid_to=valid_to, created_by=actor)
        audit(actor, AuditAction.CREATE, "risk_area", area.pk, detail={"level": level})
    return area


def risky_on(areas: list[RiskArea], from_area: str, day: dt.date | None) -> bool:
    """Whether an arrival from `from_area` on `day` came from an area risky that day (its name within the text)."""
    if not from_area or day is None:
        return False
    return any(a.valid_from <= day <= a.valid_to and a.name in from_area for a in areas)
