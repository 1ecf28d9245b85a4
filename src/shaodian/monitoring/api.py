"""The monitoring API under /api/v1: health reports from phones (one or a batch), the periods and alerts."""

from typing import Any

from django.http import HttpResponse
from ninja import Field, Router, Schema
from pydantic import BaseModel

from shaodian import fastjson
from shaodian.monitoring import alerts, rules, selectors
from shaodian.monitoring.reports import BATCH_MAX, reports_ingest
from shaodian.schema_types import ParamId, Short

router = Router(tags=["monitoring"])


class HealthReportsIn(Schema):
    """Either a batch (`reports`) or one report given by its own fields; each item is checked on its own."""

    reports: list[Any] | None = Field(None, max_length=BATCH_MAX,
                                      description="up to 5,000 items, each as the single-item fields below")
    client_id: Any = Field(None, description="generated on the phone, at most 64 characters: a retry is a duplicate")
    monitoring: Any = Field(None, description="the monitoring period's id")
    at: Any = Field(None, description="when the temperature was taken, ISO 8601 with offset")
    temperature: Any = Field(None, description="°C, 34 to 43; 37.3 or more raises a fever alert")
    symptoms: Any = Field(None, description="a list from: " + ", ".join(rules.SYMPTOMS))


class ReportResult(BaseModel):
    client_id: str | None
    status: str = Field(description="accepted, duplicate or rejected")
    reason: str
    code: str = ""


class ReportsOut(BaseModel):
    results: list[ReportResult]


@router.post("/health-reports", response=ReportsOut)
def health_reports(request, payload: HealthReportsIn):
    """Daily health reports, idempotent on client_id; results in the order received."""
    if payload.reports is not None:
        items = payload.reports
    else:
        items = [{k: getattr(payload, k) for k in ("client_id", "monitoring", "at", "temperature", "symptoms")}]
    results = reports_ingest(actor=request.user, items=items)
    return HttpResponse(fastjson.dumps({"results": results}), content_type="application/json")


class PeriodItem(Schema):
    id: int
    name: str
    reason: str
    day: int
    days: int
    reported_today: bool
    last_temperature: float | None
    open_alerts: int


class PeriodList(Schema):
    items: list[PeriodItem]


@router.get("/monitoring", response=PeriodList)
def monitoring_list(request):
    """Active monitoring periods of the caller's jurisdiction, names masked."""
    return {"items": [
        {"id": r.m.pk, "name": r.name, "reason": r.m.reason, "day": r.day_n, "days": r.days,
         "reported_today": r.reported_today, "last_temperature": r.last_temperature, "open_alerts": r.open_alerts}
        for r in selectors.monitoring_rows(request.user)]}


class AlertItem(Schema):
    id: int
    monitoring_id: int
    name: str
    kind: str
    day: str
    temperature: float | None


class AlertList(Schema):
    items: list[AlertItem]


@router.get("/health-alerts", response=AlertList)
def alert_list(request):
    """Alerts not yet acknowledged in the caller's jurisdiction."""
    return {"items": [{"id": x["a"].pk, "monitoring_id": x["a"].monitoring_id, "name": x["name"], "kind": x["a"].kind,
                       "day": x["a"].day.isoformat(), "temperature": x["a"].temperature}
                      for x in selectors.open_alerts(request.user)]}


class AckIn(Schema):
    note: Short = ""


@router.post("/health-alerts/{health_alert_id}/acknowledge", response=AlertItem)
def alert_acknowledge(request, health_alert_id: ParamId, payload: AckIn):
    a = alerts.alert_acknowledge(actor=request.user, alert_id=health_alert_id, note=payload.note)
    return {"id": a.pk, "monitoring_id": a.monitoring_id, "name": "", "kind": a.kind, "day": a.day.isoformat(),
            "temperature": a.temperature}

