"""The alert rules of health monitoring, pure (no Django): which alerts a period should have by now.

An alert is (kind, day): a fever (≥ 37.3 °C) or a listed symptom in a report for that day, or no report
for a day whose deadline (the set hour, Beijing time) has passed. The day monitoring starts is excused
from the missed-report rule (the person may receive the link after the hour); the last day is not.
Each (kind, day) is raised once: `alerts_due` answers what is due and not yet raised, so running it
again, at any later time, never raises an alert twice and never forgets one that came due meanwhile.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

FEVER_AT = 37.3
TEMPERATURE_MIN, TEMPERATURE_MAX = 34.0, 43.0
SYMPTOMS = ("cough", "sore_throat", "fatigue", "smell_taste", "breathless", "muscle_ache", "diarrhoea")
FEVER, SYMPTOM, MISSED = "fever", "symptom", "missed"
KINDS = (FEVER, SYMPTOM, MISSED)
DEADLINE_HOUR = 10  # a day's report is missing once this hour (Beijing time) has passed


@dataclass(frozen=True, slots=True)
class Report:
    day: dt.date
    temperature: float
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    day: dt.date
    temperature: float | None = None  # a fever's highest reading that day


def is_fever(temperature: float) -> bool:
    return temperature >= FEVER_AT - 1e-9  # 37.3 typed on a phone is 37.29999… in binary


def report_alerts(reports: Iterable[Report]) -> dict[tuple[str, dt.date], Alert]:
    """The fever and symptom alerts these reports call for, one per kind and day."""
    out: dict[tuple[str, dt.date], Alert] = {}
    for r in reports:
        if is_fever(r.temperature):
            old = out.get((FEVER, r.day))
            if old is None or r.temperature > (old.temperature or 0):
                out[(FEVER, r.day)] = Alert(FEVER, r.day, r.temperature)
        if any(s in SYMPTOMS for s in r.symptoms):
            out.setdefault((SYMPTOM, r.day), Alert(SYMPTOM, r.day))
    return out


def missed_days(*, starts_on: dt.date, ends_on: dt.date, reported: set[dt.date], now_local: dt.datetime,
                deadline_hour: int = DEADLINE_HOUR) -> list[dt.date]:
    """Days of the period after the first whose deadline has passed without a report, oldest first."""
    today = now_local.date()
    last = min(ends_on, today if now_local.hour >= deadline_hour else today - dt.timedelta(days=1))
    out, day = [], starts_on + dt.timedelta(days=1)
    while day <= last:
        if day not in reported:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def alerts_due(*, starts_on: dt.date, ends_on: dt.date, reports: Iterable[Report], now_local: dt.datetime,
               raised: set[tuple[str, dt.date]], deadline_hour: int = DEADLINE_HOUR) -> list[Alert]:
    """The alerts of this period due by `now_local` (Beijing time) and not in `raised`, in (day, kind) order.

    Reports for days outside the period are ignored (the ingest refuses them anyway).
    """
    inside = [r for r in reports if starts_on <= r.day <= ends_on]
    due = report_alerts(inside)
    for day in missed_days(starts_on=starts_on, ends_on=ends_on, reported={r.day for r in inside}, now_local=now_local,
                           deadline_hour=deadline_hour):
        due[(MISSED, day)] = Alert(MISSED, day)
    return sorted((a for key, a in due.items() if key not in raised), key=lambda a: (a.day, KINDS.index(a.kind)))


def temperature_problem(value) -> tuple[str, str, str] | None:
    """Why a temperature is refused (code, zh, en), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return "bad_temperature", "体温必须是数字", "The temperature must be a number"
    if not TEMPERATURE_MIN <= value <= TEMPERATURE_MAX:
        return ("temperature_range", f"体温应在{TEMPERATURE_MIN:g}–{TEMPERATURE_MAX:g}℃之间",
                f"The temperature must be between {TEMPERATURE_MIN:g} and {TEMPERATURE_MAX:g} °C")
    return None
