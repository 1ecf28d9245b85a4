"""Daily health reports: POST /api/v1/health-reports (one item or a batch), the self-report link and the
grid worker's page all land here, idempotent on client_id.

Each item is checked on its own, so one bad report never sinks a batch; the monitoring periods are read
in one query, the new rows stored in one INSERT, and the fever and symptom alerts of the new rows raised
in the same transaction. Missing reports are found by the periodic job (`alerts.alerts_scan`).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from shaodian.core.gcpause import gc_paused
from shaodian.errors import ServiceError
from shaodian.monitoring import rules
from shaodian.monitoring.alerts import alerts_from_reports
from shaodian.monitoring.models import HealthReport, ReportSource
from shaodian.security.roles import Perm
from shaodian.security.scope import scoped
from shaodian.tracing.models import Monitoring, MonitoringStatus

BATCH_MAX = 5000
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
WINDOW_DAYS = 3  # a report for a day older than this (Beijing time) is refused: call the person instead
SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # no daylight saving: a fixed offset is Asia/Shanghai, cheaper


class Rejected(Exception):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(en)
        self.code, self.reason = code, f"{zh} / {en}"


@dataclass(slots=True)
class Item:
    index: int
    client_id: str
    monitoring: int
    at: dt.datetime  # UTC
    day: dt.date
    temperature: float
    symptoms: str


def _client_id(item) -> str | None:
    client_id = item.get("client_id") if isinstance(item, dict) else None
    if isinstance(client_id, str) and 0 < len(client_id) <= 64 and client_id.isprintable():
        return client_id
    return None


def _parse_at(raw, now: dt.datetime) -> dt.datetime:
    if not isinstance(raw, str):
        raise Rejected("bad_time", "时间格式错误", "at must be an ISO 8601 string")
    try:
        at = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise Rejected("bad_time", "时间格式错误", "at is not ISO 8601") from None
    if at.tzinfo is None:
        raise Rejected("bad_time", "时间必须带时区", "at needs a UTC offset")
    at = at.astimezone(dt.UTC)
    if at > now + FUTURE_TOLERANCE:
        raise Rejected("future", "报告时间晚于当前时间", "The report is dated in the future")
    return at


SYMPTOM_SET = frozenset(rules.SYMPTOMS)
EIGHT_HOURS = dt.timedelta(hours=8)


def parse(index: int, item: dict, client_id: str, now: dt.datetime, earliest_day: dt.date) -> Item:
    monitoring = item.get("monitoring")
    if type(monitoring) is not int:  # the common case is an int: the rest are checked only when it is not
        if isinstance(monitoring, str) and monitoring.isascii() and monitoring.isdigit() and len(monitoring) < 19:
            monitoring = int(monitoring)
        if not isinstance(monitoring, int) or isinstance(monitoring, bool):
            monitoring = 0
    if not 0 < monitoring < 2**63:
        raise Rejected("unknown_monitoring", "健康监测不存在或不在您的管辖范围内",
                       "Unknown monitoring, or outside your jurisdiction")
    at = _parse_at(item.get("at"), now)
    day = (at + EIGHT_HOURS).date()  # Beijing time has no daylight saving
    if day < earliest_day:
        raise Rejected("too_old", f"只能补报{WINDOW_DAYS}天内的健康报告",
                       f"Reports older than {WINDOW_DAYS} days are refused")
    temperature = item.get("temperature")
    if type(temperature) is not float or not rules.TEMPERATURE_MIN <= temperature <= rules.TEMPERATURE_MAX:
        problem = rules.temperature_problem(temperature)
        if problem:
            raise Rejected(*problem)
        temperature = float(temperature)
    symptoms = item.get("symptoms")
    if not symptoms:
        return Item(index, client_id, monitoring, at, day, temperature, "")
    if not isinstance(symptoms, list) or len(symptoms) > len(SYMPTOM_SET) or not SYMPTOM_SET.issuperset(symptoms):
        raise Rejected("bad_symptoms", "症状不在列表中", f"symptoms must be a list of: {', '.join(rules.SYMPTOMS)}")
    return Item(index, client_id, monitoring, at, day, temperature, ",".join(sorted(set(symptoms))))


def periods_for(actor, ids: set[int], *, perm=Perm.VISIT) -> dict[int, tuple[dt.date, dt.date]]:
    """The active monitoring periods among `ids` inside the actor's jurisdiction: id → (first, last day)."""
    qs = scoped(actor, Monitoring.objects.filter(status=MonitoringStatus.ACTIVE), perm, via="resident__")
    if len(ids) > 500:  # a long IN list costs Django more than reading the jurisdiction's active periods
        return {pk: (s, e) for pk, s, e in qs.values_list("pk", "starts_on", "ends_on").iterator(2000) if pk in ids}
    return {pk: (s, e) for pk, s, e in qs.filter(pk__in=ids).values_list("pk", "starts_on", "ends_on")}


def reports_ingest(*, actor, items, now: dt.datetime | None = None, source: str = ReportSource.WORKER,
                   periods: dict | None = None) -> list[dict]:
    """Store reports idempotently by client_id; every item gets accepted, duplicate or rejected, in order.

    `periods` is given by the self-report link (the one period its token opens); otherwise the actor's.
    """
    with gc_paused():
        return _ingest(actor, items, now, source, periods)


def _ingest(actor, items, now, source, periods) -> list[dict]:
    if periods is None and not actor.can(Perm.VISIT):
        raise ServiceError.forbidden()
    if not isinstance(items, list):
        raise ServiceError.one("reports", "reports必须是数组", "reports must be a list")
    if len(items) > BATCH_MAX:
        raise ServiceError.one("reports", f"每批最多{BATCH_MAX}条", f"At most {BATCH_MAX} reports per batch", "too_many")
    now = (now or timezone.now()).astimezone(dt.UTC)
    earliest_day = now.astimezone(SHANGHAI).date() - dt.timedelta(days=WINDOW_DAYS)
    results: list[dict | None] = [None] * len(items)
    parsed: list[Item] = []
    refused: dict[int, str] = {}
    for i, item in enumerate(items):
        client_id = _client_id(item)
        if client_id is None:
            raw = item.get("client_id") if isinstance(item, dict) else None
            results[i] = _result(raw if isinstance(raw, str) else None, "rejected",
                                 Rejected("bad_client_id", "缺少client_id或过长", "client_id is missing or longer than 64"))
            continue
        try:
            parsed.append(parse(i, item, client_id, now, earliest_day))
        except Rejected as exc:
            results[i] = _result(client_id, "rejected", exc)
            refused[i] = client_id
    if periods is None:
        periods = periods_for(actor, {p.monitoring for p in parsed}) if parsed else {}
    rows, taken = [], set()
    for p in parsed:
        try:
            period = periods.get(p.monitoring)
            if period is None:
                raise Rejected("unknown_monitoring", "健康监测不存在、已结束或不在您的管辖范围内",
                               "Unknown or ended monitoring, or outside your jurisdiction")
            if not period[0] <= p.day <= period[1]:
                raise Rejected("outside_period", "报告日期不在监测期内", "The report's day is outside the monitoring period")
        except Rejected as exc:
            results[p.index] = _result(p.client_id, "rejected", exc)
            refused[p.index] = p.client_id
            continue
        if p.client_id in taken:
            results[p.index] = _result(p.client_id, "duplicate")
            continue
        taken.add(p.client_id)
        rows.append(p)
    user_id = actor.pk if getattr(actor, "pk", None) else None
    with transaction.atomic():
        new = store(rows, source=source, user_id=user_id, received_at=now)
        alerts_from_reports([p for p in rows if p.client_id in new], now=now)
    for p in rows:
        results[p.index] = _result(p.client_id, "accepted" if p.client_id in new else "duplicate")
    # A stored client_id is a retry whatever it now says: its day may have left the window meanwhile.
    if refused:
        stored = stored_client_ids(set(refused.values()) - new)
        for i, client_id in refused.items():
            if client_id in stored:
                results[i] = _result(client_id, "duplicate")
    return results


def _result(client_id, status: str, exc: Rejected | None = None) -> dict:
    return {"client_id": client_id, "status": status, "reason": exc.reason if exc else "", "code": exc.code if exc else ""}


# --- the SQL side: one lookup through the unique index, one multi-row insert --------------------------------

TABLE = HealthReport._meta.db_table
COLUMNS = "client_id, monitoring_id, day, at, temperature, symptoms, source, reported_by_id, received_at"
INSERT = f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"


def stored_client_ids(client_ids: set[str]) -> set[str]:
    found: set[str] = set()
    ids = sorted(client_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        with connection.cursor() as cur:
            cur.execute(f"SELECT client_id FROM {TABLE} WHERE client_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found.update(c for (c,) in cur.fetchall())
    return found


def _values(rows: list[Item], source: str, user_id, received_at) -> list[tuple]:
    if connection.vendor == "sqlite":  # the text Django's SQLite backend would write for a date and an aware time
        received = received_at.replace(tzinfo=None).isoformat(sep=" ")
        # p.at is in UTC: its ISO text ends in "+00:00", which the naive text Django writes leaves out
        return [(p.client_id, p.monitoring, p.day.isoformat(), p.at.isoformat(" ")[:-6], p.temperature, p.symptoms,
                 source, user_id, received) for p in rows]
    return [(p.client_id, p.monitoring, p.day, p.at, p.temperature, p.symptoms, source, user_id, received_at)
            for p in rows]


def store(rows: list[Item], *, source: str, user_id, received_at: dt.datetime) -> set[str]:
    """Insert the rows whose client_id is new; the client_ids stored now. Inside the caller's transaction.

    Nearly every batch is new: it goes in with one executemany. A retry makes that fail on the unique
    index and undoes it whole; the batch then goes the careful way, which tells which rows were new.
    """
    if not rows:
        return set()
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(INSERT, _values(rows, source, user_id, received_at))
        return {p.client_id for p in rows}
    except IntegrityError:
        pass
    old = stored_client_ids({p.client_id for p in rows})
    fresh = [p for p in rows if p.client_id not in old]
    if not fresh:
        return set()
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(INSERT, _values(fresh, source, user_id, received_at))
    except IntegrityError:
        # Another request stored some of them meanwhile: row by row, the ones that are still new.
        kept = []
        for p in fresh:
            try:
                with transaction.atomic(), connection.cursor() as cur:
                    cur.execute(INSERT, _values([p], source, user_id, received_at)[0])
                kept.append(p)
            except IntegrityError:
                pass
        fresh = kept
    return {p.client_id for p in fresh}
