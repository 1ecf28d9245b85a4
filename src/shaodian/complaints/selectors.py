"""Reads of complaints and reviews, scoped to the user's jurisdiction; the reporter shown only as the role allows."""

from django.db.models import QuerySet

from shaodian.complaints.models import Complaint, ComplaintDay, Review
from shaodian.errors import NotFound
from shaodian.security import crypto
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import scoped


def complaints_for(user) -> QuerySet:
    return scoped(user, Complaint.objects.all(), Perm.VIEW_COMPLAINTS).defer("photo")


def complaint_days_for(user) -> QuerySet:
    """The daily summary rows (counts only, no personal data) in the user's jurisdiction."""
    return scoped(user, ComplaintDay.objects.all(), Perm.VIEW_COMPLAINTS)


def complaint_get(user, pk) -> Complaint:
    try:
        return complaints_for(user).select_related("place", "handling_node", "escalated_to").get(pk=int(pk))
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def reporter_view(user, c: Complaint, *, reveal: bool = False) -> dict:
    """What this user may see of the reporter: nothing of an anonymous one without the designated role.

    Named reporters show with a masked phone; the full phone (or an anonymous reporter) only on `reveal`
    by the designated role, and that reveal is audited.
    """
    designated = user.can(Perm.REVEAL_REPORTER)
    if c.anonymous and not designated:
        return {"hidden": True, "anonymous": True}
    if reveal and designated:
        audit(user, AuditAction.REVEAL, "complaint_reporter", c.pk,
              detail={"anonymous": c.anonymous})
        return {"hidden": False, "anonymous": c.anonymous, "name": c.reporter_name, "phone": c.reporter_phone,
                "revealed": True}
    if c.anonymous:
        return {"hidden": True, "anonymous": True, "can_reveal": True}
    return {"hidden": False, "anonymous": False, "name": c.reporter_name,
            "phone": crypto.mask_phone(c.reporter_phone) if c.reporter_phone else "", "can_reveal": designated}


def reviews_for(user) -> QuerySet:
    return scoped(user, Review.objects.all(), Perm.VIEW_COMPLAINTS).select_related("place", "assigned_to")


def review_get(user, pk) -> Review:
    try:
        return reviews_for(user).get(pk=int(pk))
    except (Review.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
