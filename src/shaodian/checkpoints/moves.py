"""Passes after a move: a pass is issued by a place for its own gates, so when its holder moves away it goes.

people.moves tells us (through the outbox) that a resident's current address changed. Each of their live passes
naming a gate that does not serve the new address is revoked, with the reason on the pass, so the guards' phones
refuse it like any revoked pass; a pass whose gates all serve the new address (a move inside one community, or a
street's gates for a move inside the street) stays. Whoever may issue that kind of pass nearest the new address
is told, so they can reissue one for their own gates if it is still needed, and the issuer hears why theirs went.
Run by the outbox worker: idempotent (a revoked pass is not revoked again; notices are keyed).
"""

from typing import TYPE_CHECKING

from django.utils import timezone, translation

from shaodian.checkpoints.models import Checkpoint, Pass, PassKind
from shaodian.core.notify import notify
from shaodian.people.moves import Move, moved_resident
from shaodian.security.audit import audit
from shaodian.security.crypto import mask_name
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm, may_issue

if TYPE_CHECKING:
    from shaodian.people.models import Resident

LEVELS = ("community", "street", "district", "city")  # a gate serves the whole of the first of these it lies in


def serves(checkpoint: Checkpoint, resident: "Resident") -> bool:
    """Whether a gate belongs to the place the resident now lives in (its community, else its street, …)."""
    for level in LEVELS:
        node = getattr(checkpoint, f"{level}_id")
        if node is not None:
            return getattr(resident, f"{level}_id") == node
    return False


def issuers_near(resident: "Resident", kind: str) -> list[int]:
    """The active users who may issue this kind of pass at the nearest level above the resident's address."""
    for level in ("grid", *LEVELS):
        node = getattr(resident, f"{level}_id")
        if node is None:
            continue
        found = [u.pk for u in User.objects.filter(node_id=node, is_active=True).order_by("pk")
                 if u.can(Perm.ISSUE_PASS) and may_issue(u.role, kind)]
        if found:
            return found
    return []


def _kind_label(kind: str, language: str) -> str:
    with translation.override(language):
        return str(PassKind(kind).label)


def passes_after_move(move: Move) -> list[int]:
    """Revoke the moved resident's live passes for gates of another place and tell who may reissue; their ids."""
    resident = moved_resident(move)
    if resident is None:
        return []
    now = timezone.now()
    live = (Pass.objects.filter(resident=resident, revoked_at__isnull=True, valid_to__gt=now)
            .prefetch_related("checkpoints").order_by("pk"))
    reason = "持证人已迁往其他社区（人户迁移），本证所列卡口不再服务其住址；如仍需通行，请由现住地重新核发"
    revoked = []
    for permit in live:
        if all(serves(c, resident) for c in permit.checkpoints.all()):
            continue
        # Conditional, like pass_transition: an officer revoking it meanwhile wins, and nothing is said twice.
        if not Pass.objects.filter(pk=permit.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_reason=reason):
            continue
        revoked.append(permit.pk)
        audit(None, AuditAction.UPDATE, "pass", permit.pk, channel="worker",
              detail={"from": "issued", "to": "revoked", "moved": move.to_household_id, "transfer": move.transfer_id})
        name, zh, en = mask_name(resident.name), _kind_label(permit.kind, "zh-hans"), _kind_label(permit.kind, "en")
        near = issuers_near(resident, permit.kind)
        for uid in near:
            notify(recipient=uid, key=f"pass:{permit.pk}:moved:{uid}", link=f"/checkpoints/passes/{permit.pk}/",
                   zh=f"{name}已迁入您的辖区，其原{zh}通行证（{permit.serial}）已撤销；如仍需通行，请重新核发",
                   en=f"{name} moved into your jurisdiction; their {en.lower()} pass {permit.serial} was revoked: "
                      "issue a new one if they still need it")
        if permit.issued_by_id not in near:
            notify(recipient=permit.issued_by_id, key=f"pass:{permit.pk}:moved:issuer",
                   zh=f"您签发的{zh}通行证（{permit.serial}）已撤销：持证人已迁出",
                   en=f"The {en.lower()} pass {permit.serial} you issued was revoked: its holder moved away")
    return revoked
