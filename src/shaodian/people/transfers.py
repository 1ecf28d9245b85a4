"""人户迁移 — moving a person between jurisdictions is a request the holding side decides.

The receiving side names the person by document number and picks the new household in its
own jurisdiction. It learns that a request was sent, and later whether it was accepted or
declined (with the holder's reason); never who holds the person, where, or what is stored.
Whoever may edit the person where they are registered now (their grid, community, or a
common ancestor) accepts or declines; only acceptance moves the person, and the old address
is ended, not deleted.

What filing reveals: a number that is not registered anywhere is answered "register them
directly", a number inside the requester's own jurisdiction "already yours". Registering
the person (resident_create) must already tell those cases apart, since a number is unique
city-wide, so the request adds nothing to what a requester could learn.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.people import idcard
from shaodian.people.moves import resident_moved
from shaodian.people.models import DocumentType, HouseLink, LinkKind, Resident, TransferRequest, TransferStatus
from shaodian.people.selectors import households_for, id_hashes, residents_for
from shaodian.people.services import clean_name, household_for_write
from shaodian.people.transfer_states import Action, IllegalTransition, next_state
from shaodian.security.audit import audit, audit_list
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm

TEXT_MAX = 500


def _text(fieldname: str, value, *, required: bool) -> str:
    text = " ".join(str(value or "").split())
    if required and len(text) < 2:
        raise ServiceError.one(fieldname, "请填写理由", "Please give a reason", "required")
    if len(text) > TEXT_MAX:
        raise ServiceError.one(fieldname, f"不能超过{TEXT_MAX}个字符", f"At most {TEXT_MAX} characters", "max_length")
    return text


def transfer_request_create(
    *,
    actor,
    id_number: str,
    name: str,
    household_id: int,
    document_type: str = DocumentType.RESIDENT_ID,
    link_kind: str = LinkKind.LIVES_HERE,
    note: str = "",
) -> TransferRequest:
    """Ask the jurisdiction holding a person to let them move into one of the actor's households."""
    if not actor.can(Perm.EDIT_RESIDENTS):
        raise ServiceError.forbidden()
    errors = ServiceError()
    try:
        name = clean_name(name)
    except idcard.InvalidNumber as exc:
        errors.add("name", Msg(exc.zh, exc.en, exc.code))
    if document_type not in DocumentType.values:
        errors.add("document_type", Msg("未知的证件类型", "Unknown document type", "document_type"))
    else:
        try:
            id_number = idcard.validate_document(document_type, id_number)
        except idcard.InvalidNumber as exc:
            errors.add("id_number", Msg(exc.zh, exc.en, exc.code))
    if link_kind not in LinkKind.values:
        errors.add("link_kind", Msg("未知的人房关系", "Unknown relation to the household", "link_kind"))
    try:
        note = _text("note", note, required=False)
    except ServiceError as exc:
        errors.errors.update(exc.errors)
    if errors.errors:
        raise errors
    household = household_for_write(actor, household_id)
    id_hash = id_hashes(id_number)["id_hash"]
    resident = Resident.objects.filter(id_hash=id_hash).only("pk", "household_id").first()
    if resident is None:
        raise ServiceError.one(
            "id_number", "该证件号码尚未登记，无需迁入，请直接登记该人员",
            "This document number is not registered: register the person directly", "not_registered",
        )
    if residents_for(actor).filter(pk=resident.pk).exists():
        raise ServiceError.one(
            "id_number", "该人员已在您的辖区登记，请在其详情页更改住址",
            "This person is already registered in your jurisdiction: change the address on their page", "in_scope",
        )
    pending = TransferRequest.objects.filter(id_hash=id_hash, to_household=household, status=TransferStatus.PENDING).first()
    if pending is not None:
        return pending  # sending the same request twice sends it once
    try:
        with transaction.atomic():
            transfer = TransferRequest.objects.create(
                document_type=document_type, id_number=id_number, id_hash=id_hash, claimed_name=name,
                resident=resident, from_household_id=resident.household_id, to_household=household,
                link_kind=link_kind, note=note, requested_by=actor,
            )
            audit(actor, AuditAction.CREATE, "transfer_request", transfer.pk,
                  detail={"to_household": household.pk})
    except IntegrityError:
        # The same request filed at the same moment by a colleague: theirs stands.
        return TransferRequest.objects.get(id_hash=id_hash, to_household=household, status=TransferStatus.PENDING)
    return transfer


def _transition(transfer: TransferRequest, action: Action) -> str:
    try:
        return next_state(transfer.status, action)
    except IllegalTransition:
        raise ServiceError.one(
            "status", "该申请已处理，不能再更改", "This request has already been decided and cannot change", "state"
        ) from None


def transfer_request_decide(*, actor, transfer_id: int, accept: bool, reason: str = "") -> TransferRequest:
    """The holding side accepts (the person moves, the old address is ended) or declines with a reason."""
    if not actor.can(Perm.EDIT_RESIDENTS):
        raise ServiceError.forbidden()
    action = Action.ACCEPT if accept else Action.DECLINE
    reason = _text("reason", reason, required=not accept)
    with transaction.atomic():
        transfer = (
            TransferRequest.objects.select_for_update()
            .filter(pk=transfer_id, resident__in=residents_for(actor).values("pk"))
            .first()
        )
        if transfer is None:
            raise NotFound
        new_state = _transition(transfer, action)
        detail = {"action": action.value, "resident": transfer.resident_id}
        if accept:
            detail |= _move(transfer)
        transfer.status = new_state
        transfer.decided_by = actor
        transfer.decided_at = timezone.now()
        transfer.reason = reason
        transfer.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit(actor, AuditAction.UPDATE, "transfer_request", transfer.pk, detail=detail)
    return transfer


def _move(transfer: TransferRequest) -> dict:
    """Make the requested household the person's current address; the old one is kept as ended history."""
    resident = Resident.objects.select_for_update().get(pk=transfer.resident_id)
    to = transfer.to_household
    old = resident.household_id
    now = timezone.now()
    HouseLink.objects.filter(resident=resident, is_current=True).update(is_current=False, ended_at=now)
    link, created = HouseLink.objects.get_or_create(
        resident=resident, household=to, defaults={"kind": transfer.link_kind, "is_current": True}
    )
    if not created:
        link.kind, link.is_current, link.ended_at = transfer.link_kind, True, None
        link.save(update_fields=["kind", "is_current", "ended_at"])
    resident.household = to
    resident.copy_scope_from(to)
    resident.save(update_fields=["household", "city", "district", "street", "community", "grid", "updated_at"])
    # What the apps above tie to the old place (passes for its gates) follows through the outbox.
    resident_moved(resident_id=resident.pk, from_household_id=old, to_household_id=to.pk, at=now,
                   transfer_id=transfer.pk)
    return {"from_household": old, "to_household": to.pk}


def transfer_request_cancel(*, actor, transfer_id: int) -> TransferRequest:
    """The requesting side withdraws a request that is still waiting."""
    if not actor.can(Perm.EDIT_RESIDENTS):
        raise ServiceError.forbidden()
    with transaction.atomic():
        transfer = (
            TransferRequest.objects.select_for_update()
            .filter(pk=transfer_id, to_household__in=households_for(actor).values("pk"))
            .first()
        )
        if transfer is None:
            raise NotFound
        transfer.status = _transition(transfer, Action.CANCEL)
        transfer.decided_by = actor
        transfer.decided_at = timezone.now()
        transfer.save(update_fields=["status", "decided_by", "decided_at"])
        audit(actor, AuditAction.UPDATE, "transfer_request", transfer.pk, detail={"action": "cancel"})
    return transfer


# ----------------------------------------------------------------------------- reads


def transfers_incoming(user):
    """Requests the user may decide (the person is theirs now), then those decided about their former residents."""
    if not user.can(Perm.EDIT_RESIDENTS):
        return TransferRequest.objects.none()
    from django.db.models import Q

    mine = residents_for(user).values("pk")
    return (
        TransferRequest.objects.filter(
            Q(status=TransferStatus.PENDING, resident__in=mine)
            | (~Q(status=TransferStatus.PENDING) & Q(from_household__in=households_for(user).values("pk")))
        )
        .select_related("resident", "to_household", "requested_by")
        .order_by("-id")
    )


def transfers_outgoing(user):
    """Requests filed for households of the user's jurisdiction (by them or their colleagues)."""
    if not user.can(Perm.EDIT_RESIDENTS):
        return TransferRequest.objects.none()
    return (
        TransferRequest.objects.filter(to_household__in=households_for(user).values("pk"))
        .select_related("to_household", "requested_by")
        .order_by("-id")
    )


def transfers_shown(user, *, limit: int) -> tuple[list, list]:
    """The incoming and outgoing requests a transfer page lists; the list shown is audited."""
    incoming = list(transfers_incoming(user)[:limit])
    outgoing = list(transfers_outgoing(user)[:limit])
    audit_list(user, "transfer_request", [t.pk for t in incoming + outgoing])
    return incoming, outgoing
