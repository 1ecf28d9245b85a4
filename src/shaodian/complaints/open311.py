"""Open311 GeoReport v2 (JSON): the services list, filing a request with an API key, and following requests.

Public answers carry no personal data: never the reporter (named or anonymous), and long digit runs in the
description (phone or ID numbers typed into the text) are masked.
"""

import datetime as dt
import re

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from shaodian.complaints import intake
from shaodian.complaints.forms import Open311RequestForm
from shaodian.complaints.models import Category, Complaint, Open311Key, Status
from shaodian.errors import ServiceError
from shaodian.places.models import Place, PlaceKind
from shaodian.security import crypto

MAX_WINDOW = dt.timedelta(days=90)  # the spec's default and largest date range
LIST_LIMIT = 1000
DIGITS = re.compile(r"\d{7,}")
GROUPS = {"medical_access": "health", "quarantine": "health", "supply_shortage": "supplies",
          "over_blocking": "access", "fire_lane": "access", "soft_restriction": "access"}


def _error(status: int, code: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": code, "description": description}], status=status, safe=False)


def key_hash(raw: str) -> str:
    return crypto.lookup_hash(settings.FIELD_KEY, raw, purpose="open311-key")


def services(request):
    """GET services.json: one service per category."""
    rows = [{"service_code": code, "service_name": str(label), "description": str(label), "metadata": False,
             "type": "realtime", "keywords": code.replace("_", ","), "group": GROUPS.get(code, "other")}
            for code, label in Category.choices]
    return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})


def _public(c: Complaint) -> dict:
    closed = c.status in (Status.RESOLVED, Status.CLOSED_UNRESOLVED)
    return {
        "service_request_id": c.number,
        "status": "closed" if closed else "open",
        "status_notes": str(Status(c.status).label) + (f": {DIGITS.sub('***', c.answer)}" if c.answer else ""),
        "service_name": str(Category(c.category).label),
        "service_code": c.category,
        "description": DIGITS.sub("***", c.text),
        "agency_responsible": c.body,
        "service_notice": "",
        "requested_datetime": c.filed_at.isoformat(),
        "updated_datetime": c.updated_at.isoformat(),
        "expected_datetime": c.resolve_by.isoformat(),
        "address": c.place.name,
        "address_id": c.place.code,
        "zipcode": "",
        "lat": c.latitude,
        "long": c.longitude,
        "media_url": "",
    }


def _date(value: str, name: str):
    parsed = parse_datetime(value.replace(" ", "+")) if value else None
    if value and parsed is None:
        raise ValueError(f"{name} must be a W3C datetime, e.g. 2010-01-01T00:00:00Z")
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _list(request):
    qs = Complaint.objects.select_related("place").defer("photo", "reporter_name", "reporter_phone")
    ids = [i for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        return JsonResponse([_public(c) for c in qs.filter(number__in=ids[:100])], safe=False,
                            json_dumps_params={"ensure_ascii": False})
    codes = [c for c in request.GET.get("service_code", "").split(",") if c]
    if any(c not in Category.values for c in codes):
        return _error(400, 400, "unknown service_code")
    try:
        start = _date(request.GET.get("start_date", ""), "start_date")
        end = _date(request.GET.get("end_date", ""), "end_date")
    except ValueError as exc:
        return _error(400, 400, str(exc))
    end = end or timezone.now()
    start = start or end - MAX_WINDOW
    if end - start > MAX_WINDOW or start > end:
        return _error(400, 400, "the date range may not span more than 90 days")
    qs = qs.filter(filed_at__gte=start, filed_at__lte=end)
    if codes:
        qs = qs.filter(category__in=codes)
    statuses = {s for s in request.GET.get("status", "").split(",") if s}
    if statuses - {"open", "closed"}:
        return _error(400, 400, "status must be open or closed")
    closed = [Status.RESOLVED, Status.CLOSED_UNRESOLVED]
    if statuses == {"open"}:
        qs = qs.exclude(status__in=closed)
    elif statuses == {"closed"}:
        qs = qs.filter(status__in=closed)
    return JsonResponse([_public(c) for c in qs.order_by("-filed_at")[:LIST_LIMIT]], safe=False,
                        json_dumps_params={"ensure_ascii": False})


def _point_in(boundary: dict | None, lat: float, lon: float) -> bool:
    if not boundary:
        return False
    polygons = boundary["coordinates"] if boundary.get("type") == "MultiPolygon" else [boundary.get("coordinates", [])]
    for polygon in polygons:
        if not polygon:
            continue
        ring, inside = polygon[0], False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / ((y2 - y1) or 1e-12) + x1:
                inside = not inside
        if inside:
            return True
    return False


def _locate(post) -> Place | None:
    """The place of a request: its address_id (our administrative code), else the community around lat/long."""
    code = post.get("address_id", "").strip()
    if code:
        return Place.objects.filter(code=code, active=True).exclude(kind=PlaceKind.CITY).first()
    lat, lon = float(post["lat"]), float(post["long"])  # checked by the caller
    for place in Place.objects.filter(kind=PlaceKind.COMMUNITY, active=True, boundary__isnull=False).only(
            "pk", "boundary"):
        if _point_in(place.boundary, lat, lon):
            return place
    return None


def _create(request):
    form = Open311RequestForm(request.POST)
    if not form.is_valid():
        field, problems = next(iter(form.errors.items()))
        return _error(400, 400, f"{field}: {problems[0]}")
    post = form.cleaned_data
    key = Open311Key.objects.filter(key_hash=key_hash(post.get("api_key", "")), active=True).first()
    if key is None:
        return _error(403, 403, "a valid api_key is required")
    if post.get("service_code") not in Category.values:
        return _error(400, 400, "unknown service_code")
    try:
        lat = float(post["lat"]) if post.get("lat") else None
        lon = float(post["long"]) if post.get("long") else None
    except ValueError:
        return _error(400, 400, "lat and long must be numbers")
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return _error(400, 400, "lat/long out of range")
    if not post.get("address_id") and (lat is None or lon is None):
        return _error(400, 400, "a location is required: lat and long, or address_id")
    place = _locate(post)
    if place is None:
        return _error(400, 400, "the location is outside the jurisdiction")
    name = " ".join(x for x in (post.get("first_name", ""), post.get("last_name", "")) if x)
    try:
        c, _code = intake.complaint_file(
            channel="open311", text=post.get("description", ""), place_id=place.pk, category=post["service_code"],
            reporter_name=name, reporter_phone=post.get("phone", ""), anonymous=not (name or post.get("phone")),
            latitude=lat, longitude=lon, address=post.get("address_string", ""), source=f"key:{key.pk}",
            source_kind="key", external_id=post.get("device_id", ""))
    except ServiceError as exc:
        first = next(iter(exc.errors.values()))[0]
        return _error(exc.status if exc.status in (403, 429) else 400, exc.status, f"{first.en}")
    return JsonResponse([{"service_request_id": c.number, "service_notice": "", "account_id": None}],
                        status=201, safe=False)


@csrf_exempt
def requests(request):
    """GET requests.json lists requests (open/closed, by code and date); POST files one (with an api_key)."""
    if request.method == "POST":
        return _create(request)
    if request.method != "GET":
        return _error(405, 405, "GET or POST")
    return _list(request)


def request_one(request, request_id):
    """GET requests/{id}.json: a list with the one request, as the spec answers."""
    c = Complaint.objects.select_related("place").filter(number=request_id).first()
    if c is None:
        return _error(404, 404, "no such service request")
    return JsonResponse([_public(c)], safe=False, json_dumps_params={"ensure_ascii": False})
