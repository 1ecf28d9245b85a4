"""Cases and contact tracing: register a case, find contacts from scans, let a person decide."""

import datetime as dt

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shaodian.checkpoints.models import Checkpoint, Scan
from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.people import selectors as people
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.tracing import engine
from shaodian.tracing.decisions import contact_decide, contacts_decide, contacts_transition  # noqa: F401 (public here)
from shaodian.tracing.flags import health_flags_refresh  # noqa: F401 (public here: for writers outside tracing)
from shaodian.tracing.models import (
    Case,
    CaseCloseReason,
    CaseKind,
    CaseStatus,
    Contact,
    ContactExposure,
    ContactReason,
    Monitoring,
    MonitoringStatus,
)
from shaodian.tracing.selectors import case_get, monitoring_for
from shaodian.tracing.transitions import cases_transition, monitoring_transition

MAX_WINDOW = dt.timedelta(days=28)
# Scans this long before the query window are read too, so a stay that began earlier is whole.
LOOKBACK = dt.timedelta(hours=24)


def _need(actor, perm=Perm.MANAGE_CASES):
    if not actor.can(perm):
        raise ServiceError.forbidden()


def case_register(*, actor, resident_id, kind: str, test_date: dt.date, onset_date: dt.date | None = None,
                  source_contact: Contact | None = None) -> Case:
    """Register a confirmed case or an asymptomatic infection of a resident in the actor's area."""
    _need(actor)
    errors = ServiceError()
    if kind not in CaseKind.values:
        errors.add("kind", Msg("病例类型应为确诊或无症状感染者", "kind must be confirmed or asymptomatic"))
    today = timezone.localdate()
    if test_date is None or test_date > today:
        errors.add("test_date", Msg("检测日期不能晚于今天", "The test date cannot be in the future"))
    if onset_date and (onset_date > today or (test_date and onset_date > test_date + dt.timedelta(days=1))):
        errors.add("onset_date", Msg("发病日期不能晚于检测日期或今天", "The onset date cannot be after the test or today"))
    if kind == CaseKind.ASYMPTOMATIC and onset_date:
        errors.add("onset_date", Msg("无症状感染者没有发病日期", "An asymptomatic infection has no onset date"))
    resident = people.residents_for(actor, Perm.MANAGE_CASES).filter(pk=resident_id).first()
    if resident is None:
        errors.add("resident_id", Msg("居民不存在或不在您的管辖范围内", "Unknown resident, or outside your jurisdiction"))
    if errors.errors:
        raise errors
    try:
        with transaction.atomic():
            case = Case.objects.create(resident=resident, kind=kind, test_date=test_date, onset_date=onset_date,
                                       source=source_contact, registered_by=actor)
            audit(actor, AuditAction.CREATE, "case", case.pk, detail={"resident": resident.pk, "kind": kind})
            # A case is isolated and treated: the monitoring of a contact ends when the contact becomes one.
            monitored = list(Monitoring.objects.select_for_update().filter(resident=resident, status=MonitoringStatus.ACTIVE))
            monitoring_transition(actor=actor, rows=monitored, to=MonitoringStatus.ENDED, task="转为病例",
                                  detail={"case": case.pk})
            health_flags_refresh([resident.pk])
    except IntegrityError:
        raise ServiceError.one("resident_id", "该居民已是在管病例", "This resident is already an active case") from None
    return case


def case_close(*, actor, case_id, note: str = "", reason: str = "") -> Case:
    """Close an active case (recovered, discharged): its flag goes, and gates let the person through again.

    `reason` is a CaseCloseReason (the page requires one; API callers may leave it out); "other" needs a note.
    Who closed it and when are kept on the case.
    """
    _need(actor)
    if reason and reason not in CaseCloseReason.values:
        raise ServiceError.one("reason", "请选择结案原因", "Choose a reason for closing the case", "bad_reason")
    if reason == CaseCloseReason.OTHER and not " ".join(str(note or "").split()):
        raise ServiceError.one("note", "结案原因为「其他」时请写明说明", "Say why in the note when the reason is other",
                               "note_required")
    visible = case_get(actor, case_id)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=visible.pk)
        cases_transition(actor=actor, cases=[case], to=CaseStatus.RECOVERED, note=note,
                         detail={"reason": reason} if reason else None)
        case.closed_at, case.closed_by, case.close_reason = timezone.now(), actor, reason
        case.close_note = " ".join(str(note or "").split())
        case.save(update_fields=["closed_at", "closed_by", "close_reason", "close_note"])
    return case


def monitoring_end(*, actor, monitoring_id, note: str = "") -> Monitoring:
    """End a monitoring period (at term, or early with a reason): its flag goes with it."""
    _need(actor)
    try:
        visible = monitoring_for(actor).get(pk=int(monitoring_id))
    except (Monitoring.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    with transaction.atomic():
        monitoring = Monitoring.objects.select_for_update().get(pk=visible.pk)
        monitoring_transition(actor=actor, rows=[monitoring], to=MonitoringStatus.ENDED,
                              task=note or None)
    return monitoring


def monitoring_expire(now: dt.datetime | None = None) -> int:
    """End the monitoring periods whose last day (Beijing time) is over, with their flags: the worker's hourly job."""
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        rows = list(Monitoring.objects.select_for_update()
                    .filter(status=MonitoringStatus.ACTIVE, ends_on__lt=today).order_by("pk")[:EXPIRE_BATCH])
        monitoring_transition(actor=None, rows=rows, to=MonitoringStatus.ENDED, detail={"expired": True})
    return len(rows)


# Periods ended by one run of the job; a larger backlog ends over the next runs.
EXPIRE_BATCH = 5000


def _epoch(t: dt.datetime) -> int:
    return int(t.timestamp())


# Gates are passed, not stayed at: a scan there is a moment, not the start of a stay.
POINT_KINDS = ("community_gate", "road", "station")
POINT_SECONDS = 60


def _load_scans(q: Q) -> engine.Scans:
    rows = np.array(list(Scan.objects.filter(q, resident__isnull=False).values_list("resident_id", "checkpoint_id", "at",
                                                                                    "direction").iterator(chunk_size=20000)),
                    dtype=object)
    if len(rows) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return engine.Scans(empty, empty, empty, np.zeros(0, dtype=bool))
    person = rows[:, 0].astype(np.int64)
    venue = rows[:, 1].astype(np.int64)
    time = np.fromiter((int(t.timestamp()) for t in rows[:, 2]), dtype=np.int64, count=len(rows))
    is_in = (rows[:, 3] == "in").astype(bool)
    points = np.array(sorted(Checkpoint.objects.filter(kind__in=POINT_KINDS, pk__in=np.unique(venue).tolist())
                             .values_list("pk", flat=True)), dtype=np.int64)
    at_point = np.isin(venue, points)
    if at_point.any():
        # Each passage becomes a one-minute stay: an in at the scan and an out a minute later.
        p = np.flatnonzero(at_point)
        person = np.r_[person, person[p]]
        venue = np.r_[venue, venue[p]]
        time = np.r_[time, time[p] + POINT_SECONDS]
        is_in = np.r_[np.where(at_point, True, is_in), np.zeros(len(p), dtype=bool)]
    return engine.Scans(person=person, venue=venue, time=time, is_in=is_in)


def _index_around(person_ids: list[int], t_from: dt.datetime, t_to: dt.datetime, window_minutes: float,
                  dwell_minutes: float) -> engine.ContactIndex:
    """An index of the scans that matter: at venues these people visited, around the window only."""
    lo, hi = t_from - LOOKBACK, t_to + LOOKBACK
    venues = set(Scan.objects.filter(resident_id__in=person_ids, at__gte=lo, at__lte=hi).values_list("checkpoint_id", flat=True))
    pad = dt.timedelta(minutes=window_minutes + dwell_minutes)
    scans = _load_scans(Q(checkpoint_id__in=venues, at__gte=lo - pad, at__lte=hi + pad))
    return engine.build_index(engine.pair_stays(scans, default_dwell_minutes=dwell_minutes))


def _exposures(contact: engine.Contact) -> list[engine.Exposure]:
    return engine.merge_exposures(contact.exposures)


def contacts_find(*, actor, case_id, t_from: dt.datetime, t_to: dt.datetime, window_minutes: float = 30,
                  min_overlap_minutes: float = 0, second_degree: bool = False, dwell_minutes: float = 30) -> dict:
    """Propose close (and on request secondary) contacts of a case, ranked by exposure; a person confirms."""
    _need(actor)
    case = case_get(actor, case_id)
    errors = ServiceError()
    if t_from.tzinfo is None or t_to.tzinfo is None:
        errors.add("from", Msg("时间必须带时区", "Times need a UTC offset"))
    elif not t_from < t_to or t_to - t_from > MAX_WINDOW:
        errors.add("to", Msg("时间范围应在28天以内且结束晚于开始", "The period must end after it starts and last at most 28 days"))
    if not 0 <= window_minutes <= 24 * 60:
        errors.add("window_minutes", Msg("时间容差应在0到1440分钟之间", "window_minutes must be between 0 and 1440"))
    if not 0 <= min_overlap_minutes <= 24 * 60:
        errors.add("min_overlap_minutes", Msg("最短重叠应在0到1440分钟之间", "min_overlap_minutes must be between 0 and 1440"))
    if errors.errors:
        raise errors
    person = case.resident_id
    index = _index_around([person], t_from, t_to, window_minutes, dwell_minutes)
    found = engine.find_contacts(index, [person], _epoch(t_from), _epoch(t_to), window_minutes, min_overlap_minutes)
    close = found.for_case(person)
    household = people.household_member_ids(actor, case.resident)
    proposals = [(c.person, ContactReason.COLOCATION, _exposures(c)) for c in close]
    in_colocation = {c.person for c in close}
    proposals += [(pid, ContactReason.HOUSEHOLD, []) for pid in household if pid not in in_colocation]
    secondary: list[tuple] = []
    if second_degree and close:
        sources = [c.person for c in close]
        wide = _index_around([person, *sources], t_from, t_to, window_minutes, dwell_minutes)
        first = engine.find_contacts(wide, [person], _epoch(t_from), _epoch(t_to), window_minutes, min_overlap_minutes)
        second = engine.second_degree(wide, [person], _epoch(t_from), _epoch(t_to), window_minutes,
                                      min_overlap_minutes, first=first)
        skip = {person, *household, *in_colocation}
        for source in second.cases.tolist():
            for c in second.for_case(source):
                if c.person not in skip:
                    secondary.append((c.person, source, _exposures(c)))
    everyone = {p for p, *_ in proposals} | {p for p, *_ in secondary}
    # A person who is an active case is already isolated and treated: never their own case's contact.
    cases = set(Case.objects.filter(resident_id__in=everyone, status=CaseStatus.ACTIVE).values_list("resident_id", flat=True))
    visible = _visible_ids(actor, everyone - cases)
    with transaction.atomic():
        rows = _store(case, proposals, visible, degree=1)
        rows2 = _store(case, [(p, ContactReason.COLOCATION, e) for p, _s, e in secondary], visible, degree=2,
                       via={p: s for p, s, *_ in secondary}, first_rows=rows)
        audit(actor, AuditAction.READ, "contacts", case.pk, count=len(rows) + len(rows2),
              detail={"from": t_from.isoformat(), "to": t_to.isoformat(), "window": window_minutes,
                      "min_overlap": min_overlap_minutes, "second_degree": second_degree})
    hidden = len({p for p, *_ in proposals} - visible - cases) + len({p for p, *_ in secondary} - visible - cases)
    return {"case": case, "contacts": rows, "secondary": rows2, "outside_jurisdiction": hidden,
            "already_cases": len(cases)}


def _visible_ids(actor, ids: set[int]) -> set[int]:
    """Contacts in other jurisdictions are counted, not shown: their own community follows them up."""
    if not ids:
        return set()
    return set(people.residents_for(actor, Perm.MANAGE_CASES).filter(pk__in=ids).values_list("pk", flat=True))


def _store(case: Case, proposals, visible: set[int], *, degree: int, via=None, first_rows=None) -> list[Contact]:
    """Upsert proposals with their exposures, best first; a decision already made by a person is kept."""
    # One row per person: the first (best ranked) proposal wins, e.g. a secondary met via two contacts.
    unique: dict[int, tuple] = {}
    for p in proposals:
        if p[0] in visible and p[0] not in unique:
            unique[p[0]] = p
    proposals = list(unique.values())
    existing = {c.resident_id: c for c in Contact.objects.filter(case=case, degree=degree, resident_id__in=list(unique))}
    via_rows = {c.resident_id: c for c in first_rows or []}
    new, old, out = [], [], []
    for resident_id, reason, exposures in proposals:
        row = existing.get(resident_id)
        if row is None:
            row = Contact(case=case, resident_id=resident_id, degree=degree, reason=reason)
            new.append(row)
        else:
            old.append(row)
        row.minutes = round(sum(e.minutes for e in exposures), 1)
        if via:
            row.via = via_rows.get(via.get(resident_id))
        out.append(row)
    Contact.objects.bulk_create(new, batch_size=2000)
    Contact.objects.bulk_update(old, ["minutes", "via"], batch_size=2000)
    if any(r.pk is None for r in out):  # backends without RETURNING on bulk insert
        ids = dict(Contact.objects.filter(case=case, degree=degree, resident_id__in=list(unique)).values_list("resident_id", "pk"))
        for r in out:
            r.pk = r.id = ids[r.resident_id]
    ContactExposure.objects.filter(contact__in=[r.pk for r in old]).delete()
    utc = dt.timezone.utc
    ContactExposure.objects.bulk_create(
        [ContactExposure(contact_id=r.pk, checkpoint_id=e.venue, start=dt.datetime.fromtimestamp(e.start, utc),
                         end=dt.datetime.fromtimestamp(e.end, utc), minutes=round(e.minutes, 1))
         for r, (_p, _reason, exposures) in zip(out, proposals) for e in exposures], batch_size=5000)
    out.sort(key=lambda r: -r.minutes)  # stable: the engine's order breaks ties
    return out
