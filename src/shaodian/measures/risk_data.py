"""Risk indicators from the database (风险研判数据): the 12 values of `risk.DEFAULT_INDICATORS` for every
building (楼栋) or community (社区) of a user's jurisdiction, in a fixed handful of grouped queries.

Read-only. Six queries whatever the number of areas: the areas; the residents (count, elderly, and
their scans of the mobility window); the cases of the share window; the
monitoring of those case residents; their contacts; the boundaries (density). Then NumPy.

Each value carries its source, shown in the explanation to the person who confirms the level:

- measured: counted from the platform's own rows;
- proxy: estimated from measured rows and a default (test positivity, see below);
- default: the platform holds no data for it yet; the district value of `DISTRICT_DEFAULTS`
  (or the `defaults` / `district_defaults` passed in) stands in. Not measured.

Definitions (the person may redo them by hand):

- new_cases_7d: cases with a test date in the last 7 days (today included) of residents currently
  living in the area.
- unmonitored_case_share: among the area's cases of the last 14 days, the share whose resident had no
  Monitoring row covering the registration date (starts_on ≤ date ≤ ends_on). Registering a case ends
  the resident's monitoring but keeps its dates, so the rows still tell. No case: 0 (neutral).
- known_chain_share: among those cases, the share with a `source` contact. No case: 1 (neutral).
- contacts_traced_share: confirmed / (proposed + confirmed) contacts of those cases. None: 1 (neutral).
- test_positivity (proxy): the platform records positives (cases) but not tests. Estimated as the
  community's new cases in 7 days / (its residents × the default 7-day testing coverage); a building
  takes its community's value (a single building is too small a denominator). Only residents the user
  may see count, so a grid worker's "community" is the visible part of it.
- mobility: scans by the area's residents in the last 7 days / (residents × 7), divided by
  `NORMAL_SCANS_PER_RESIDENT_DAY` (the city's normal rate) so that normal = 1 as the indicator expects.
- population_density: people per km² — residents of the building's grid (of the community) over the
  area of its boundary. A building has no footprint, so it takes its grid's density; no boundary: default.
  (Not residents per household: the indicator's thresholds, 5,000–40,000, are people per km².)
- elderly_share: residents aged 60 or more (from birth_date) / residents with a known birth date.
- testing_coverage, free_bed_share, supply_days, complaint_pressure: defaults (no data yet).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from shaodian.checkpoints.models import Scan
from shaodian.measures import risk
from shaodian.people.models import Resident
from shaodian.places.models import Building, Place, PlaceKind
from shaodian.places.selectors import places_q
from shaodian.security.roles import Perm
from shaodian.security.scope import scope_q
from shaodian.tracing.models import Case, Contact, ContactStatus, Monitoring

MEASURED, PROXY, DEFAULT = "measured", "proxy", "default"

# District-level stand-ins where the platform has no data yet; the health bureau sets them per district.
DISTRICT_DEFAULTS: dict[str, float] = {
    "testing_coverage": 0.6,  # share of residents tested in 7 days
    "free_bed_share": 0.2,
    "supply_days": 7.0,
    "complaint_pressure": 0.8,  # per 1,000 residents per day
    "population_density": 10_000.0,  # only where an area has no boundary to measure it
}
DEFAULT_ONLY = ("testing_coverage", "free_bed_share", "supply_days", "complaint_pressure")
NORMAL_SCANS_PER_RESIDENT_DAY = 1.0
NEW_CASE_DAYS = 7
SHARE_DAYS = 14
MOBILITY_DAYS = 7
ELDERLY_AGE = 60

_KEYS = risk.DEFAULT_INDICATORS.keys
_SOURCE_NOTES = {
    DEFAULT: ("默认值（区级设定），非实测", "default (district setting), not measured"),
    PROXY: ("估算：新增病例 ÷（居民数 × 默认检测覆盖率），取所在社区值",
            "estimate: new cases ÷ (residents × default testing coverage), community value"),
    MEASURED: ("实测", "measured"),
}


@dataclass
class AreaData:
    """The indicator values of n areas, with where each value came from."""

    level: str  # "building" or "community"
    ids: list[int]
    rows: list[dict]  # name, address/code, community_id, district_id … per area
    values: dict[str, np.ndarray]
    sources: dict[str, np.ndarray]  # per key: an array of MEASURED / PROXY / DEFAULT
    notes: dict[str, dict[int, tuple[str, str]]] = field(default_factory=dict)  # key -> {row: (zh, en)}


# --- helpers -------------------------------------------------------------------------------------


def _via(q: Q, prefix: str) -> Q:
    """The same scope seen through a relation: Q(grid_id=3) -> Q(resident__grid_id=3)."""
    return Q(*[(f"{prefix}__{k}", v) for k, v in q.children], _connector=q.connector, _negated=q.negated)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _km2(boundary) -> float:
    """Area of a GeoJSON Polygon/MultiPolygon in km² (local equirectangular projection; holes subtract)."""
    if not isinstance(boundary, dict):
        return 0.0
    coords = boundary.get("coordinates") or []
    polygons = [coords] if boundary.get("type") == "Polygon" else coords if boundary.get("type") == "MultiPolygon" else []
    total = 0.0
    for polygon in polygons:
        for k, ring in enumerate(polygon):
            pts = np.asarray([p[:2] for p in ring], dtype=np.float64)
            if len(pts) < 4:
                continue
            lat0 = math.radians(float(pts[:, 1].mean()))
            x = pts[:, 0] * 111.320 * math.cos(lat0)
            y = pts[:, 1] * 110.574
            a = abs(float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))) / 2
            total += a if k == 0 else -a
    return max(total, 0.0)


def _defaults_for(districts: np.ndarray, defaults: Mapping[str, float] | None,
                  district_defaults: Mapping[int, Mapping[str, float]] | None) -> dict[str, np.ndarray]:
    base = {**DISTRICT_DEFAULTS, **(defaults or {})}
    out = {k: np.full(len(districts), float(v)) for k, v in base.items()}
    for district, values in (district_defaults or {}).items():
        mask = districts == district
        for k, v in values.items():
            out[k][mask] = float(v)
    for k, v in out.items():
        if not np.isfinite(v).all():
            raise ValueError(f"default for {k} must be finite")
    return out


def _empty(level: str) -> AreaData:
    return AreaData(level, [], [], {k: np.zeros(0) for k in _KEYS}, {k: np.zeros(0, dtype=object) for k in _KEYS})


# --- the queries ---------------------------------------------------------------------------------


def _collect(user, level: str, *, now: dt.datetime | None, defaults, district_defaults) -> AreaData:
    scope = scope_q(user)
    if scope is None or not user.can(Perm.VIEW_CASES):
        return _empty(level)
    now = now or timezone.now()
    today = timezone.localdate(now)

    if level == "building":
        areas = list(Building.objects.filter(scope).order_by("id").values(
            "id", "name", "address", "grid_id", "community_id", "district_id"))
        group = "household__unit__building_id"
    else:
        pq = places_q(user)
        areas = list(Place.objects.filter(pq, kind=PlaceKind.COMMUNITY).order_by("id").values(
            "id", "name", "code", "boundary", "district_id"))
        group = "community_id"
    if not areas:
        return _empty(level)
    ids = [a["id"] for a in areas]
    n = len(ids)
    index = {pk: i for i, pk in enumerate(ids)}

    def pos(pk) -> int:
        return index.get(pk, -1)

    # Residents: count, known birth date, elderly, and their scans of the mobility
    # window. The scans are counted per resident in a correlated subquery on (resident, at): a join would
    # let SQLite drive from the scan_at index through every scan of the city.
    cutoff = _years_before(today, ELDERLY_AGE)
    scans_of = (Scan.objects.filter(resident_id=OuterRef("pk"), at__gte=now - dt.timedelta(days=MOBILITY_DAYS), at__lt=now)
                .order_by().annotate(c=Func(F("id"), function="COUNT")).values("c"))
    people, known, elderly, scans = (np.zeros(n) for _ in range(4))
    for row in (Resident.objects.filter(scope).order_by().values(g=F(group))
                .annotate(n=Count("id"), known=Count("birth_date"),
                          old=Count("id", filter=Q(birth_date__lte=cutoff)),
                          scans=Sum(Subquery(scans_of, output_field=IntegerField())))):
        i = pos(row["g"])
        if i >= 0:
            people[i], known[i], elderly[i] = row["n"], row["known"], row["old"]
            scans[i] = row["scans"] or 0

    # Cases of the share window (few rows: fetched, then counted in NumPy).
    share_from = today - dt.timedelta(days=SHARE_DAYS - 1)
    new_from = today - dt.timedelta(days=NEW_CASE_DAYS - 1)
    cases_qs = Case.objects.filter(_via(scope, "resident"), test_date__gte=share_from, test_date__lte=today)
    cases = list(cases_qs.order_by().values("id", "resident_id", "test_date", "source_id", "registered_at",
                                            g=F(f"resident__{group}")))
    watched: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for m in (Monitoring.objects.filter(resident_id__in=cases_qs.values("resident_id"))
              .order_by().values("resident_id", "starts_on", "ends_on")):
        watched.setdefault(m["resident_id"], []).append((m["starts_on"], m["ends_on"]))
    new7 = np.zeros(n)
    share_cases = np.zeros(n)
    unmonitored = np.zeros(n)
    chained = np.zeros(n)
    case_area = {}
    for c in cases:
        i = pos(c["g"])
        if i < 0:
            continue
        case_area[c["id"]] = i
        share_cases[i] += 1
        new7[i] += c["test_date"] >= new_from
        chained[i] += c["source_id"] is not None
        on = timezone.localdate(c["registered_at"]) if c["registered_at"] else c["test_date"]
        if not any(s <= on <= e for s, e in watched.get(c["resident_id"], ())):
            unmonitored[i] += 1

    # Contacts of those cases.
    proposed = np.zeros(n)
    confirmed = np.zeros(n)
    for row in (Contact.objects.filter(case__in=cases_qs, status__in=[ContactStatus.PROPOSED, ContactStatus.CONFIRMED])
                .order_by().values("case_id", "status").annotate(n=Count("id"))):
        i = case_area.get(row["case_id"], -1)
        if i >= 0:
            (confirmed if row["status"] == ContactStatus.CONFIRMED else proposed)[i] += row["n"]

    # Density: the building's grid (or the community itself) over its boundary's area.
    if level == "building":
        grid_of = np.asarray([a["grid_id"] for a in areas], dtype=np.int64)
        grid_ids, inverse = np.unique(grid_of, return_inverse=True)
        grid_people = np.bincount(inverse, weights=people, minlength=len(grid_ids))
        km2 = dict.fromkeys(grid_ids.tolist(), 0.0)
        for pk, boundary in Place.objects.filter(pk__in=grid_ids.tolist()).order_by().values_list("id", "boundary"):
            km2[pk] = _km2(boundary)
        area_km2 = np.asarray([km2[g] for g in grid_ids.tolist()])[inverse]
        area_people = grid_people[inverse]
    else:
        area_km2 = np.asarray([_km2(a.pop("boundary")) for a in areas])
        area_people = people

    district = np.asarray([a["district_id"] or 0 for a in areas], dtype=np.int64)
    dflt = _defaults_for(district, defaults, district_defaults)

    def ratio(a, b, empty):
        out = np.full(n, float(empty))
        np.divide(a, b, out=out, where=b > 0)
        return out

    values = {
        "new_cases_7d": new7,
        "unmonitored_case_share": ratio(unmonitored, share_cases, 0.0),
        "known_chain_share": ratio(chained, share_cases, 1.0),
        "contacts_traced_share": ratio(confirmed, confirmed + proposed, 1.0),
        "mobility": ratio(scans, people * MOBILITY_DAYS, 0.0) / NORMAL_SCANS_PER_RESIDENT_DAY,
        "elderly_share": ratio(elderly, known, 0.0),
    }
    sources = {k: np.full(n, MEASURED, dtype=object) for k in _KEYS}

    has_area = area_km2 > 0
    values["population_density"] = np.where(has_area, ratio(area_people, area_km2, 0.0), dflt["population_density"])
    sources["population_density"][~has_area] = DEFAULT

    # Test positivity (proxy): per community, new cases / (residents × default coverage).
    community = np.asarray([a["community_id"] if level == "building" else a["id"] for a in areas], dtype=np.int64)
    _, c_inv = np.unique(community, return_inverse=True)
    c_cases = np.bincount(c_inv, weights=new7)[c_inv]
    c_tests = np.bincount(c_inv, weights=people)[c_inv] * dflt["testing_coverage"]
    values["test_positivity"] = np.clip(ratio(c_cases, c_tests, 0.0), 0.0, 1.0)
    sources["test_positivity"][:] = PROXY

    for key in DEFAULT_ONLY:
        values[key] = dflt[key]
        sources[key][:] = DEFAULT

    notes: dict[str, dict[int, tuple[str, str]]] = {k: {} for k in _KEYS}
    for i in np.flatnonzero(share_cases == 0).tolist():
        for key in ("unmonitored_case_share", "known_chain_share"):
            notes[key][i] = (f"近{SHARE_DAYS}日无病例，取中性值", f"no case in {SHARE_DAYS} days: neutral value")
    for i in np.flatnonzero((share_cases > 0) & (confirmed + proposed == 0)).tolist():
        notes["contacts_traced_share"][i] = ("病例尚无密接记录，取中性值", "no contact recorded for the cases: neutral value")

    for k in _KEYS:
        if not np.isfinite(values[k]).all():  # cannot happen with the ratios above; a guard for new code
            raise ValueError(f"{k}: non-finite value")
    rows = [{k: v for k, v in a.items() if k != "boundary"} | {"residents": int(people[i])} for i, a in enumerate(areas)]
    return AreaData(level, ids, rows, {k: values[k].astype(np.float64) for k in _KEYS}, sources, notes)


# --- public API ----------------------------------------------------------------------------------


def building_indicators(user, *, now: dt.datetime | None = None, defaults: Mapping[str, float] | None = None,
                        district_defaults: Mapping[int, Mapping[str, float]] | None = None,
                        ) -> tuple[list[int], dict[str, np.ndarray]]:
    """(building ids, {indicator key: values}) for every building in the user's jurisdiction."""
    data = _collect(user, "building", now=now, defaults=defaults, district_defaults=district_defaults)
    return data.ids, data.values


def community_indicators(user, *, now: dt.datetime | None = None, defaults: Mapping[str, float] | None = None,
                         district_defaults: Mapping[int, Mapping[str, float]] | None = None,
                         ) -> tuple[list[int], dict[str, np.ndarray]]:
    """(community ids, values) for every community at or below the user's node (a grid worker has none)."""
    data = _collect(user, "community", now=now, defaults=defaults, district_defaults=district_defaults)
    return data.ids, data.values


def _assess(data: AreaData, id_key: str, extra: tuple[str, ...],
            indicator_set: risk.IndicatorSet = risk.DEFAULT_INDICATORS) -> list[dict]:
    if not data.ids:
        return []
    batch = risk.assess_many(data.values, indicator_set)
    inds = indicator_set.indicators
    totals = {axis: sum(i.weight for i in inds if i.axis == axis) for axis in risk.Axis}
    weights = np.asarray([i.weight / totals[i.axis] for i in inds])
    contributions = (batch.scores * weights).tolist()
    values, scores = batch.values.tolist(), batch.scores.tolist()
    sources = [data.sources[i.key].tolist() for i in inds]
    product = batch.probability * batch.impact
    level_codes = batch.level_codes.tolist()
    prob, imp = batch.probability.tolist(), batch.impact.tolist()
    p_grade, i_grade = batch.probability_grade.tolist(), batch.impact_grade.tolist()
    order = np.lexsort((np.asarray(data.ids), -batch.probability, -product, -batch.level_codes))
    static = [{"key": i.key, "name_zh": i.name_zh, "name_en": i.name_en, "axis": i.axis.value, "weight": i.weight}
              for i in inds]
    note_of = [data.notes.get(i.key, {}) for i in inds]
    levels = [lv.value for lv in risk.BatchAssessment.LEVELS]
    out = []
    for r in order.tolist():
        explanation = []
        for k in range(len(inds)):
            src = sources[k][r]
            zh, en = note_of[k].get(r) or _SOURCE_NOTES[src]
            explanation.append({
                **static[k], "value": values[r][k], "score": scores[r][k], "contribution": contributions[r][k],
                "source": src, "measured": src == MEASURED, "note_zh": zh, "note_en": en,
            })
        area = data.rows[r]
        out.append({
            id_key: data.ids[r], **{k: area[k] for k in extra},
            "level": levels[level_codes[r]],
            "probability": prob[r], "impact": imp[r], "probability_grade": p_grade[r], "impact_grade": i_grade[r],
            "needs_confirmation": True, "explanation": explanation,
        })
    return out


def assess_buildings(user, *, now: dt.datetime | None = None, defaults: Mapping[str, float] | None = None,
                     district_defaults: Mapping[int, Mapping[str, float]] | None = None) -> list[dict]:
    """Every building of the user's jurisdiction, riskiest first, each with its full explanation."""
    data = _collect(user, "building", now=now, defaults=defaults, district_defaults=district_defaults)
    return _assess(data, "building_id", ("name", "address", "community_id", "residents"))


def assess_communities(user, *, now: dt.datetime | None = None, defaults: Mapping[str, float] | None = None,
                       district_defaults: Mapping[int, Mapping[str, float]] | None = None) -> list[dict]:
    """Every community at or below the user's node, riskiest first (aggregated from its residents)."""
    data = _collect(user, "community", now=now, defaults=defaults, district_defaults=district_defaults)
    return _assess(data, "community_id", ("name", "code", "residents"))
