"""Filing a complaint: hotline operator, staff on behalf, the resident's web form, Open311. One service for all."""

import datetime as dt
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shaodian.complaints import deadlines, summary
from shaodian.complaints.models import Category, Channel, Complaint, ComplaintEvent, IntakeRefusal, Status
from shaodian.complaints.routing import route
from shaodian.errors import Msg, ServiceError
from shaodian.places.models import Place, PlaceKind
from shaodian.security import crypto
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.places.selectors import scoped_places

TEXT_MAX = 2000
DUPLICATE_WINDOW = dt.timedelta(hours=48)
# Reports per source per hour before a flood is refused (and shown to staff as a refusal).
FLOOD_LIMITS = {"phone": 5, "ip": 10, "key": 200}
PHONE = re.compile(r"^[0-9+\- ]{5,20}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def source_hash(kind: str, value: str) -> str:
    return crypto.lookup_hash(settings.FIELD_KEY, f"{kind}:{value}", purpose="complaint-source") if value else ""


def access_hash(number: str, code: str) -> str:
    return crypto.lookup_hash(settings.FIELD_KEY, f"{number}:{code.strip().upper()}", purpose="complaint-access")


def _place(actor, place_id) -> Place:
    places = scoped_places(actor) if actor is not None else Place.objects.all()
    try:
        return places.filter(active=True).exclude(kind=PlaceKind.CITY).get(pk=int(place_id))
    except (Place.DoesNotExist, ValueError, TypeError):
        raise ServiceError.one("place", "请选择所在社区", "Choose the community") from None


def _flooding(kind: str, digest: str, now: dt.datetime) -> bool:
    if not digest:
        return False
    since = now - dt.timedelta(hours=1)
    field = "phone_hash" if kind == "phone" else "source_hash"
    return Complaint.objects.filter(**{field: digest, "filed_at__gte": since}).count() >= FLOOD_LIMITS[kind]


def _refuse_flood(kind: str, digest: str, now: dt.datetime) -> ServiceError:
    IntakeRefusal.objects.create(source_kind=kind, source_hash=digest, at=now)
    audit(None, AuditAction.DENIED, "complaint", "", detail={"flood": kind})
    return ServiceError.one("general", "提交过于频繁，请稍后再试或拨打 12345", "Too many reports: try again later or call 12345",
                            "rate_limited", status=429)


def _validate(*, text, channel, category, reporter_phone, on_behalf_reason, latitude, longitude) -> ServiceError:
    errors = ServiceError()
    text = " ".join(str(text or "").split())
    if not text:
        errors.add("text", Msg("请描述遇到的问题", "Describe the problem", "missing"))
    elif len(text) > TEXT_MAX:
        errors.add("text", Msg(f"最多 {TEXT_MAX} 个字符", f"At most {TEXT_MAX} characters", "string_too_long"))
    if category and category not in Category.values:
        errors.add("category", Msg("未知的类别", "Unknown category"))
    if reporter_phone and not PHONE.match(reporter_phone):
        errors.add("reporter_phone", Msg("电话号码格式不正确", "Not a phone number"))
    if channel == Channel.STAFF and not " ".join(str(on_behalf_reason or "").split()):
        errors.add("on_behalf_reason", Msg("请写明代为登记的原因", "Say why you file on the resident's behalf", "missing"))
    if (latitude is None) != (longitude is None):
        errors.add("location", Msg("经纬度须同时填写", "Give both latitude and longitude"))
    elif latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors.add("location", Msg("经纬度超出范围", "Coordinates out of range", "out_of_range"))
    return errors


def _suggest(text: str) -> str:
    from shaodian.complaints import classify

    return classify.suggest(text)


def _duplicate_of(place: Place, category: str, now: dt.datetime) -> Complaint | None:
    """The earliest open report of the same category at the same community within the window."""
    where = {"community_id": place.community_id} if place.community_id else {"place_id": place.pk}
    return (Complaint.objects.filter(**where, category=category, filed_at__gte=now - DUPLICATE_WINDOW,
                                     duplicate_of=None)
            .exclude(status__in=[Status.RESOLVED, Status.CLOSED_UNRESOLVED]).order_by("filed_at").first())


def complaint_file(*, actor=None, channel: str, text: str, place_id, category: str = "", reporter_name: str = "",
                   reporter_phone: str = "", anonymous: bool = False, on_behalf_reason: str = "", photo=None,
                   latitude=None, longitude=None, address: str = "", source: str = "", source_kind: str = "ip",
                   external_id: str = "", now=None) -> tuple[Complaint, str]:
    """File one report; returns it and the reporter's secret access code (shown once, stored hashed)."""
    now = now or timezone.now()
    if actor is not None and not actor.can(Perm.HANDLE_COMPLAINTS):
        raise ServiceError.forbidden()
    if channel not in Channel.values:
        raise ServiceError.one("channel", "未知的渠道", "Unknown channel")
    reporter_name = " ".join(str(reporter_name or "").split())[:50]
    reporter_phone = re.sub(r"\s", "", str(reporter_phone or ""))
    errors = _validate(text=text, channel=channel, category=category, reporter_phone=reporter_phone,
                       on_behalf_reason=on_behalf_reason, latitude=latitude, longitude=longitude)
    if errors.errors:
        raise errors
    place = _place(actor, place_id)
    phone_digest = source_hash("phone", reporter_phone)
    src_digest = source_hash(source_kind, source)
    for kind, digest in (("phone", phone_digest), (source_kind, src_digest)):
        if actor is None and _flooding(kind, digest, now):
            raise _refuse_flood(kind, digest, now)  # the refusal row stays: staff see the flood
    if photo is not None:
        from shaodian.core.photos import clean_photo

        photo = clean_photo(photo)
    text = " ".join(str(text).split())
    suggested = _suggest(text)
    category = category or suggested
    node, body = route(category, place)
    due = deadlines.due(category, now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    with transaction.atomic():
        for _attempt in range(5):
            number = f"{timezone.localtime(now):%y%m%d}{secrets.randbelow(10 ** 6):06d}"
            c = Complaint(number=number, access_hash=access_hash(number, code), channel=channel, category=category,
                          suggested_category=suggested, text=text, address=" ".join(str(address).split())[:200],
                          latitude=latitude, longitude=longitude, anonymous=bool(anonymous),
                          reporter_name=reporter_name, reporter_phone=reporter_phone, phone_hash=phone_digest,
                          source_hash=src_digest, filed_by=actor, on_behalf_reason=str(on_behalf_reason or "")[:200],
                          photo=photo, body=body, handling_node=node, answer_by=due.answer_by,
                          resolve_by=due.resolve_by, duplicate_of=_duplicate_of(place, category, now),
                          external_id=str(external_id or "")[:64], filed_at=now,
                          filed_day=timezone.localtime(now).date(), updated_at=now)
            c.locate_at(place)
            try:
                with transaction.atomic():
                    c.save()
                break
            except IntegrityError:  # the same number drawn twice the same day
                continue
        else:
            raise ServiceError.one("general", "请重试", "Please try again", status=503)
        summary.keep(None, c)
        ComplaintEvent.objects.create(complaint=c, action="file", status=c.status, actor=actor, at=now)
        audit(actor, AuditAction.CREATE, "complaint", c.pk,
              detail={"channel": channel, "category": category, "anonymous": c.anonymous})
    return c, code
