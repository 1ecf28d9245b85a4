"""Testing rounds (核酸/抗原筛查): sampling sites, rounds ordered from above and narrowed below (MEA-7),
who was sampled (personal code or ID card, matched by keyed hash), results entered or imported, the unreached."""

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from shaodian.checkpoints import signing
from shaodian.checkpoints.services import token_payload
from shaodian.errors import NotFound, ServiceError
from shaodian.people import idcard
from shaodian.people.selectors import id_hashes, resident_by_code, residents_for
from shaodian.places.models import Place, PlaceKind
from shaodian.screening import narrowing
from shaodian.screening.models import Result, RoundStatus, Sample, SamplingSite, TestingRound, TestKind
from shaodian.security import crypto
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped

# Levels that may order a round of their own; below them a round is always a sub-round (MEA-7).
ORDERING_KINDS = (PlaceKind.CITY, PlaceKind.DISTRICT)
QR_ID = re.compile(r"[0-9a-fA-F]{20}")
ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]")
RESULT_WORDS = {"阴性": Result.NEGATIVE, "negative": Result.NEGATIVE, "neg": Result.NEGATIVE, "-": Result.NEGATIVE,
                "阳性": Result.POSITIVE, "positive": Result.POSITIVE, "pos": Result.POSITIVE, "+": Result.POSITIVE}
IMPORT_MAX = 20_000


def _place_in(actor, perm: Perm, place_id) -> Place:
    try:
        return Place.objects.for_user(actor, perm).get(pk=int(place_id))
    except (Place.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ServiceError.one("place", "未找到该区域，或不在您的管辖范围内", "Unknown area, or outside your jurisdiction",
                               "not_found") from None


def site_create(*, actor, place_id, name: str, address: str, opens: dt.time, closes: dt.time) -> SamplingSite:
    """A sampling site (采样点) with its daily opening hours."""
    if not actor.can(Perm.RUN_CAMPAIGNS):
        raise ServiceError.forbidden()
    name = " ".join(str(name or "").split())
    if not name or len(name) > 100:
        raise ServiceError.one("name", "请填写名称（最多100字）", "Name is required (at most 100 characters)", "missing")
    if opens is None or closes is None or opens >= closes:
        raise ServiceError.one("closes", "关闭时间须晚于开放时间", "Closing time must be after opening time")
    place = _place_in(actor, Perm.RUN_CAMPAIGNS, place_id)
    site = SamplingSite(name=name, address=" ".join(str(address or "").split())[:200], opens=opens, closes=closes)
    site.locate_at(place)
    site.save()
    audit(actor, AuditAction.CREATE, "sampling_site", site.pk)
    return site


def _shape(r: TestingRound | None, place: Place, kind: str, day: dt.date, every: int) -> narrowing.Round:
    path = tuple(i for i in (place.city_id, place.district_id, place.street_id, place.community_id) if i)
    return narrowing.Round(place.pk, path + (place.pk,), kind, day, every)


def round_order(*, actor, place_id, name: str, kind: str, day: dt.date, every_days: int,
                parent_id=None, now: dt.datetime | None = None) -> TestingRound:
    """Order a round over an area; a level below the district only narrows a round ordered above it."""
    if not actor.can(Perm.RUN_CAMPAIGNS):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    name = " ".join(str(name or "").split())
    if not name or len(name) > 100:
        raise ServiceError.one("name", "请填写名称（最多100字）", "Name is required (at most 100 characters)", "missing")
    if kind not in TestKind.values:
        raise ServiceError.one("kind", "未知的检测方式", "Unknown test")
    if not isinstance(every_days, int) or not 1 <= every_days <= 90:
        raise ServiceError.one("every_days", "频次须为每 1–90 天一次", "Frequency must be once every 1–90 days")
    if day is None or day < timezone.localdate(now) - dt.timedelta(days=1):
        raise ServiceError.one("day", "日期不能早于昨天", "The day cannot be before yesterday")
    place = _place_in(actor, Perm.RUN_CAMPAIGNS, place_id)
    parent = None
    if parent_id:
        parent = get_scoped(rounds_for(actor).select_related("place"), parent_id)
        found = narrowing.check(_shape(parent, parent.place, parent.kind, parent.day, parent.every_days),
                                _shape(None, place, kind, day, every_days))
        if found:
            err = ServiceError()
            for w in found:
                from shaodian.errors import Msg
                err.add({"outside_area": "place", "more_frequent": "every_days", "other_kind": "kind",
                         "earlier": "day"}[w.code], Msg(w.zh, w.en, w.code))
            raise err
    elif actor.node.kind not in ORDERING_KINDS:
        raise ServiceError.one("parent", "检测范围和频次由上级确定：请选择上级下达的轮次",
                               "Scope and frequency are set from above: choose the round ordered above", "mea7")
    with transaction.atomic():
        r = TestingRound(name=name, kind=kind, day=day, every_days=every_days, parent=parent, ordered_by=actor,
                         ordered_at=now)
        r.locate_at(place)
        r.save()
        audit(actor, AuditAction.CREATE, "testing_round", r.pk, detail={"place": place.pk, "parent": parent_id or None})
    return r


def rounds_for(user):
    """Rounds over the user's node, below it, or above it (a district round is every community's work)."""
    if not user.can(Perm.VIEW_SCREENING) or user.node_id is None:
        return TestingRound.objects.none()
    scope = user.scope
    return TestingRound.objects.filter(Q(**{scope[0]: scope[1]}) | Q(place_id__in=_ancestors(user.node)))


def _ancestors(node) -> list[int]:
    return [i for i in (node.city_id, node.district_id, node.street_id, node.community_id, node.pk) if i]


def sites_for(user):
    """Sampling sites in the user's jurisdiction and above it (a community's site serves every grid of it)."""
    if not user.can(Perm.VIEW_SCREENING) or user.node_id is None:
        return SamplingSite.objects.none()
    scope = user.scope
    return (SamplingSite.objects.filter(Q(**{scope[0]: scope[1]}) | Q(place_id__in=_ancestors(user.node)))
            .filter(active=True).order_by("name"))


def _resident_by_code(actor, code: str):
    """The resident of the actor's jurisdiction this ID number or personal code names; a malformed one is refused."""
    code = (code or "").strip()
    perm = Perm.VISIT if actor.can(Perm.VISIT) else Perm.RUN_CAMPAIGNS
    if ID_NUMBER.fullmatch(code):
        try:
            number = idcard.validate_resident_id(code)
        except idcard.InvalidNumber as exc:
            raise ServiceError.one("code", exc.zh, exc.en, "bad_id_number") from None
        return resident_by_code(actor, perm, id_hash=id_hashes(number)["id_hash"])
    if QR_ID.fullmatch(code):
        return resident_by_code(actor, perm, qr_id=code.lower())
    if signing.looks_like_token(code):
        try:
            payload = token_payload(code)
        except signing.BadToken as exc:
            raise ServiceError.one("code", exc.zh, exc.en, exc.code) from None
        if payload.get("k") == "p" and isinstance(payload.get("id"), str):
            return resident_by_code(actor, perm, qr_id=payload["id"])
    raise ServiceError.one("code", "无法识别：请扫描个人码或输入身份证号", "Not recognised: scan a personal code or type an ID number",
                           "malformed")


def sample_record(*, actor, round_id, code: str, site_id=None, now: dt.datetime | None = None) -> tuple[Sample, bool]:
    """Record that a person was sampled in a round; (sample, created). A second scan of the same person is harmless."""
    if not actor.can(Perm.VISIT) and not actor.can(Perm.RUN_CAMPAIGNS):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    r = get_scoped(rounds_for(actor).select_related("place"), round_id)
    if r.status != RoundStatus.OPEN:
        raise ServiceError.one("round", "该轮次已结束", "This round is closed", "closed", status=409)
    # Sampled in the actor's own jurisdiction only: a grid worker records the people of their grid.
    resident = _resident_by_code(actor, code)
    if resident is None:
        raise ServiceError.one("code", "查无此人，或此人不在您的管辖范围内", "Unknown person, or outside your jurisdiction",
                               "outside_grid")
    area = f"{PlaceKind(r.place.kind).value}_id"
    if getattr(resident, area) != r.place_id:
        raise ServiceError.one("code", "此人不在本轮筛查范围内", "This person is outside this round's area", "outside_area")
    site = None
    if site_id:
        site = get_scoped(sites_for(actor), site_id)
    existing = Sample.objects.filter(round=r, resident=resident).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            s = Sample(round=r, resident=resident, site=site, sampled_at=now, sampled_by=actor)
            s.copy_scope_from(resident)
            s.save()
            audit(actor, AuditAction.CREATE, "sample", s.pk, detail={"round": r.pk, "resident": resident.pk})
    except IntegrityError:
        return Sample.objects.get(round=r, resident=resident), False
    return s, True


def result_set(*, actor, sample_id, result: str, now: dt.datetime | None = None) -> Sample:
    if not actor.can(Perm.RUN_CAMPAIGNS):
        raise ServiceError.forbidden()
    if result not in (Result.NEGATIVE, Result.POSITIVE):
        raise ServiceError.one("result", "结果须为阴性或阳性", "The result must be negative or positive")
    with transaction.atomic():
        s = get_scoped(Sample.objects.for_user(actor, Perm.RUN_CAMPAIGNS).select_for_update(), sample_id)
        s.result, s.result_at = result, now or timezone.now()
        s.save(update_fields=["result", "result_at"])
        audit(actor, AuditAction.UPDATE, "sample", s.pk, detail={"result": result})
    return s


def results_import(*, actor, round_id, rows: list[tuple], now: dt.datetime | None = None) -> dict:
    """Results from the lab's sheet: rows of (ID number, result). Every bad row is reported with its line, none guessed."""
    if not actor.can(Perm.RUN_CAMPAIGNS):
        raise ServiceError.forbidden()
    if len(rows) > IMPORT_MAX:
        raise ServiceError.one("file", f"每次最多 {IMPORT_MAX} 行", f"At most {IMPORT_MAX} rows per file", "too_many")
    now = now or timezone.now()
    r = get_scoped(rounds_for(actor), round_id)
    errors: list[dict] = []
    wanted: dict[str, tuple[int, str]] = {}
    for line, (number, word) in enumerate(rows, start=2):
        number, word = str(number or "").strip().upper(), str(word or "").strip().lower()
        try:
            number = idcard.validate_resident_id(number)
        except idcard.InvalidNumber as exc:
            errors.append({"line": line, "zh": exc.zh, "en": exc.en})
            continue
        result = RESULT_WORDS.get(word)
        if result is None:
            errors.append({"line": line, "zh": "结果须为“阴性”或“阳性”", "en": "The result must be negative or positive"})
            continue
        wanted[id_hashes(number)["id_hash"]] = (line, result)
    samples = {s.resident.id_hash: s for s in Sample.objects.for_user(actor, Perm.RUN_CAMPAIGNS)
               .filter(round=r, resident__id_hash__in=list(wanted)).select_related("resident")}
    updated = 0
    with transaction.atomic():
        for h, (line, result) in wanted.items():
            s = samples.get(h)
            if s is None:
                errors.append({"line": line, "zh": "本轮未采样此人，或此人不在您的管辖范围内",
                               "en": "This person was not sampled in this round, or is outside your jurisdiction"})
                continue
            Sample.objects.filter(pk=s.pk).update(result=result, result_at=now)
            updated += 1
        audit(actor, AuditAction.IMPORT, "sample", r.pk, detail={"updated": updated, "errors": len(errors)},
              count=updated)
    errors.sort(key=lambda e: e["line"])
    return {"updated": updated, "errors": errors}


def round_progress(user, r: TestingRound) -> list[dict]:
    """Per grid of the round's area inside the user's jurisdiction: residents, sampled, unreached, positives."""
    area = f"{PlaceKind(r.place.kind).value}_id"
    people = (residents_for(user, Perm.VIEW_SCREENING).filter(**{area: r.place_id})
              .values("grid_id").annotate(n=Count("id")))
    sampled = (Sample.objects.for_user(user, Perm.VIEW_SCREENING).filter(round=r).values("grid_id")
               .annotate(n=Count("id"), pos=Count("id", filter=Q(result=Result.POSITIVE))))
    done = {row["grid_id"]: row for row in sampled}
    names = dict(Place.objects.filter(pk__in=[p["grid_id"] for p in people]).values_list("pk", "name"))
    out = []
    for p in people:
        d = done.get(p["grid_id"], {"n": 0, "pos": 0})
        out.append({"grid_id": p["grid_id"], "grid": names.get(p["grid_id"], "—"), "residents": p["n"],
                    "sampled": d["n"], "unreached": p["n"] - d["n"], "positive": d["pos"]})
    return sorted(out, key=lambda row: row["grid"])


def unreached_in_grid(user, r: TestingRound, grid_id: int, *, limit: int = 500) -> list[dict]:
    """The people of one grid not yet sampled in the round, names masked."""
    area = f"{PlaceKind(r.place.kind).value}_id"
    qs = (residents_for(user, Perm.VIEW_RESIDENTS).filter(**{area: r.place_id, "grid_id": grid_id})
          .exclude(pk__in=Sample.objects.filter(round=r).values("resident_id"))
          .select_related("household").order_by("household__address", "id"))
    rows = list(qs[:limit])
    if rows:
        audit(user, AuditAction.LIST, "resident", detail={"ids": [x.pk for x in rows], "query": {"round": r.pk}},
              count=len(rows))
    return [{"id": x.pk, "name": crypto.mask_name(x.name), "address": x.household.address} for x in rows]


def round_get(user, round_id) -> TestingRound:
    try:
        return get_scoped(rounds_for(user).select_related("place", "parent"), round_id)
    except NotFound:
        raise
