"""Writes of residents: one function per use case, in a transaction, audited."""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from shaodian.errors import NotFound, Msg, ServiceError
from shaodian.people import idcard, names
from shaodian.people.moves import resident_moved
from shaodian.people.models import CareNote, DocumentType, HouseLink, LinkKind, Resident, Sex, SpecialGroup
from shaodian.people.selectors import households_for, id_hashes, phone_hashes, residents_for
from shaodian.places.models import Household
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped

NAME_MAX = names.NAME_MAX


def clean_name(raw) -> str:
    """Names are stored as typed (escaped on output); invisible, control and markup characters are refused."""
    try:
        return names.clean_name(raw)
    except names.InvalidName as exc:
        raise idcard.InvalidNumber(exc.code, exc.zh, exc.en) from None


def clean_tags(tags: Iterable[str]) -> str:
    codes = sorted({t.strip() for t in tags if t and t.strip()})
    unknown = [t for t in codes if t not in SpecialGroup.values]
    if unknown:
        raise idcard.InvalidNumber("tags", f"未知的特殊群体：{'、'.join(unknown)}", f"Unknown special group: {', '.join(unknown)}")
    return f",{','.join(codes)}," if codes else ""


def validate_person(
    *, name, document_type, id_number, phone, birth_date=None, sex=None, tags=(), today: dt.date | None = None
) -> dict:
    """Check and normalise a person's fields; raise ServiceError listing every bad field."""
    errors = ServiceError()
    out: dict = {}
    for fieldname, check in (
        ("name", lambda: clean_name(name)),
        ("document_type", lambda: _document_type(document_type)),
        ("phone", lambda: idcard.validate_phone(phone)),
        ("tags", lambda: clean_tags(tags)),
    ):
        try:
            out[fieldname] = check()
        except idcard.InvalidNumber as exc:
            errors.add(fieldname, Msg(exc.zh, exc.en, exc.code))
    if "document_type" in out:
        try:
            out["id_number"] = idcard.validate_document(out["document_type"], id_number, today=today)
        except idcard.InvalidNumber as exc:
            errors.add("id_number", Msg(exc.zh, exc.en, exc.code))
    if out.get("document_type") == DocumentType.RESIDENT_ID and "id_number" in out:
        derived = idcard.birth_date_of(out["id_number"])
        if birth_date and birth_date != derived:
            errors.add("birth_date", Msg("出生日期与身份证号码不一致", "The birth date does not match the ID number", "mismatch"))
        out["birth_date"] = derived
        out["sex"] = idcard.sex_of(out["id_number"])
    else:
        if birth_date and birth_date > (today or dt.date.today()):
            errors.add("birth_date", Msg("出生日期不能晚于今天", "The birth date cannot be in the future", "birth_date"))
        out["birth_date"] = birth_date
        out["sex"] = sex if sex in Sex.values else Sex.UNKNOWN
    if errors.errors:
        raise errors
    return out


def _document_type(value) -> str:
    value = value or DocumentType.RESIDENT_ID
    if value not in DocumentType.values:
        raise idcard.InvalidNumber("document_type", "未知的证件类型", "Unknown document type")
    return value


def household_for_write(actor, household_id) -> Household:
    try:
        return get_scoped(households_for(actor), household_id)
    except NotFound:
        raise ServiceError.one(
            "household_id", "房屋不存在，或不在您的管辖范围内", "Unknown household, or outside your jurisdiction", "household"
        ) from None


def resident_create(
    *,
    actor,
    name: str,
    id_number: str,
    household_id: int,
    phone: str = "",
    document_type: str = DocumentType.RESIDENT_ID,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    tags: Iterable[str] = (),
    link_kind: str = LinkKind.LIVES_HERE,
) -> Resident:
    """Register a resident at a household in the actor's jurisdiction."""
    if not actor.can(Perm.EDIT_RESIDENTS):
        raise ServiceError.forbidden()
    fields = validate_person(
        name=name, document_type=document_type, id_number=id_number, phone=phone, birth_date=birth_date, sex=sex, tags=tags
    )
    if link_kind not in LinkKind.values:
        raise ServiceError.one("link_kind", "未知的人房关系", "Unknown relation to the household")
    household = household_for_write(actor, household_id)
    hashes = id_hashes(fields["id_number"])
    _refuse_registered(actor, hashes["id_hash"])
    resident = Resident(**fields, **hashes, **phone_hashes(fields["phone"]), household=household)
    resident.copy_scope_from(household)
    try:
        with transaction.atomic():
            resident.save()
            HouseLink.objects.create(resident=resident, household=household, kind=link_kind, is_current=True)
            audit(actor, AuditAction.CREATE, "resident", resident.pk)
    except IntegrityError:
        # A concurrent registration of the same number won the race.
        _refuse_registered(actor, hashes["id_hash"])
        raise
    return resident


def _refuse_registered(actor, id_hash: str) -> None:
    """A number is registered once city-wide. Inside the actor's jurisdiction, say so; elsewhere, say only
    that a transfer request can be sent — never who holds the person or what is stored."""
    existing = Resident.objects.filter(id_hash=id_hash).values_list("pk", flat=True).first()
    if existing is None:
        return
    if residents_for(actor).filter(pk=existing).exists():
        raise ServiceError.one(
            "id_number", "该证件号码已在您的辖区登记，请勿重复录入",
            "A person with this document number is already registered in your jurisdiction", "duplicate",
        )
    raise ServiceError.one(
        "id_number", REGISTERED_ELSEWHERE.zh, REGISTERED_ELSEWHERE.en, REGISTERED_ELSEWHERE.code,
    )


REGISTERED_ELSEWHERE = Msg(
    "该人员已在其他辖区登记，不能重复登记；可发起迁入申请，由其所在辖区确认后迁入",
    "This person is registered in another jurisdiction and cannot be registered twice; "
    "you may send a transfer request, which their jurisdiction confirms",
    "registered_elsewhere",
)


def resident_update(*, actor, resident_id: int, **changes) -> Resident:
    """Change a resident's name, phone, tags or birth date (for non-ID documents)."""
    if not actor.can(Perm.EDIT_RESIDENTS):
        raise ServiceError.forbidden()
    resident = get_scoped(residents_for(actor), resident_id)
    fields = validate_person(
        name=changes.get("name", resident.name),
        document_type=resident.document_type,
        id_number=resident.id_number,
        phone=changes.get("phone", resident.phone),
        birth_date=changes.get("birth_date", resident.birth_date),
        sex=changes.get("sex", resident.sex),
        tags=changes.get("tags", resident.tag_list),
    )
    changed = [f for f in ("name", "phone", "tags", "birth_date", "sex") if getattr(resident, f) != fields[f]]
    if not changed:
        return resident
    for f in changed:
        setattr(resident, f, fields[f])
    update = set(changed) | {"updated_at"}
    if "phone" in changed:
        for k, v in phone_hashes(fields["phone"]).items():
            setattr(resident, k, v)
        update |= {"phone_hash", "phone_tail_hash"}
    with transaction.atomic():
        resident.save(update_fields=sorted(update))
        audit(actor, AuditAction.UPDATE, "resident", resident.pk, detail={"fields": changed})
    return resident


def resident_reveal(*, actor, resident_id: int, field: str, purpose: str) -> str:
    """Show a full phone or document number: a separate, audited act that needs a purpose."""
    perm = {"phone": Perm.REVEAL_PHONE, "id_number": Perm.REVEAL_ID}.get(field)
    if perm is None:
        raise ServiceError.one("field", "只能查看手机号或证件号", "Only the phone or document number can be revealed")
    resident = get_scoped(residents_for(actor), resident_id)
    if not actor.can(perm):
        audit(actor, AuditAction.DENIED, "resident", resident.pk, detail={"field": field})
        raise ServiceError.forbidden()
    purpose = " ".join(str(purpose or "").split())
    if len(purpose) < 2:
        raise ServiceError.one("purpose", "请填写查看事由", "Please state why you need the full number", "purpose")
    audit(actor, AuditAction.REVEAL, "resident", resident.pk, detail={"field": field}, purpose=purpose)
    return getattr(resident, field)


def care_note_save(*, actor, resident_id: int, group: str, note: str = "", carer_name: str = "", carer_phone: str = "") -> CareNote:
    """Record what a special-group resident needs and who looks after them."""
    if not actor.can(Perm.EDIT_RESIDENTS):
        raise ServiceError.forbidden()
    resident = get_scoped(residents_for(actor), resident_id)
    if group not in SpecialGroup.values:
        raise ServiceError.one("group", "未知的特殊群体类别", "Unknown special group")
    try:
        carer_phone = idcard.validate_phone(carer_phone)
    except idcard.InvalidNumber as exc:
        raise ServiceError({"carer_phone": [Msg(exc.zh, exc.en, exc.code)]}) from None
    try:
        carer_name = clean_name(carer_name) if carer_name else ""
    except idcard.InvalidNumber as exc:
        raise ServiceError({"carer_name": [Msg(exc.zh, exc.en, exc.code)]}) from None
    if len(note) > 2000:
        raise ServiceError.one("note", "说明最多 2000 个字符", "A note has at most 2,000 characters", "string_too_long")
    with transaction.atomic():
        note_row, _ = CareNote.objects.update_or_create(
            resident=resident,
            group=group,
            defaults={"note": note, "carer_name": carer_name, "carer_phone": carer_phone},
        )
        if f",{group}," not in resident.tags:
            resident.tags = clean_tags([*resident.tag_list, group])
            resident.save(update_fields=["tags", "updated_at"])
        audit(actor, AuditAction.UPDATE, "care_note", note_row.pk, detail={"resident": resident.pk, "group": group})
    return note_row


def resident_link(
    *, actor, resident_id: int, household_id: int, kind: str = LinkKind.LIVES_HERE, make_current: bool = False
) -> HouseLink:
    """Tie a resident to another household (人房关联); optionally make it the current address."""
    if not actor.can(Perm.EDIT_RESIDENTS):
        raise ServiceError.forbidden()
    resident = get_scoped(residents_for(actor).select_for_update(), resident_id)
    if kind not in LinkKind.values:
        raise ServiceError.one("kind", "未知的人房关系", "Unknown relation to the household")
    household = household_for_write(actor, household_id)
    with transaction.atomic():
        link, _ = HouseLink.objects.get_or_create(
            resident=resident, household=household, defaults={"kind": kind, "is_current": False}
        )
        if link.kind != kind:
            link.kind = kind
            link.save(update_fields=["kind"])
        if make_current and not link.is_current:
            HouseLink.objects.filter(resident=resident, is_current=True).update(is_current=False)
            link.is_current = True
            link.save(update_fields=["is_current"])
            # The current address decides whose jurisdiction the person is in.
            old = resident.household_id
            resident.household = household
            resident.copy_scope_from(household)
            resident.save(update_fields=["household", "city", "district", "street", "community", "grid", "updated_at"])
            resident_moved(resident_id=resident.pk, from_household_id=old, to_household_id=household.pk,
                           at=timezone.now())
        audit(actor, AuditAction.UPDATE, "resident", resident.pk,
              detail={"link": household.pk, "kind": kind, "current": link.is_current})
    return link
