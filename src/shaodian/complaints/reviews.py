"""Over-blocking reviews (MEA-6, CMD-4/6): opened by the detection rules with their evidence, assigned to the
supervisor, decided with an outcome and a reason that counts in the responsible unit's assessment."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shaodian.complaints import detect
from shaodian.complaints.models import Complaint, Review, ReviewOutcome
from shaodian.complaints.selectors import review_get
from shaodian.core.notify import notify
from shaodian.errors import Msg, ServiceError
from shaodian.measures.models import Closure, Measure, MeasureStatus
from shaodian.places.models import Place
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm, Role

LOOKBACK = dt.timedelta(days=7)
REASON_MAX = 1000


def _in_force_there(community: Place) -> dict:
    """Measures and closures in force at the community or above it, with who put each up."""
    above = [i for i in (community.city_id, community.district_id, community.street_id, community.pk) if i]
    measures = (Measure.objects.filter(status=MeasureStatus.IN_FORCE)
                .filter(Q(community_id=community.pk) | Q(place_id__in=above)).select_related("proposed_by"))
    closures = Closure.objects.filter(community_id=community.pk, removed_at=None).select_related("created_by")
    return {
        "measures": [{"id": m.pk, "area": m.area_name, "zone": m.zone, "proposed_by": m.proposed_by.username}
                     for m in measures[:50]],
        "closures": [{"id": c.pk, "where": c.description, "type": c.closure_type, "put_up_by": c.created_by.username,
                      "ordered_by": c.ordered_by, "ordered_by_name": c.ordered_by_name} for c in closures[:50]],
    }


def _supervisor_for(community: Place) -> User | None:
    """The public supervisor nearest above the community (社会监督员)."""
    for node_id in (community.pk, community.street_id, community.district_id, community.city_id):
        u = User.objects.filter(node_id=node_id, role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
        if u is not None:
            return u
    return None


def reviews_detect(*, now=None) -> list[Review]:
    """Run the rules over the last week's reports and open a review for each new trigger."""
    now = now or timezone.now()
    rows = Complaint.objects.filter(filed_at__gte=now - LOOKBACK, community__isnull=False,
                                    category__in=["medical_access", "fire_lane", "supply_shortage"])
    reports = [detect.Report(pk, community, category, at, timezone.localtime(at).date())
               for pk, community, category, at in rows.values_list("pk", "community_id", "category", "filed_at")]
    known = set(Review.objects.filter(key__in=[t.key for t in detect.triggers(reports)]).values_list("key", flat=True))
    opened = []
    for t in detect.triggers(reports):
        if t.key in known:
            continue
        community = Place.objects.get(pk=t.community_id)
        numbers = dict(Complaint.objects.filter(pk__in=t.report_ids).values_list("pk", "number"))
        evidence = {"complaints": [{"id": i, "number": numbers.get(i, "")} for i in t.report_ids],
                    "per_day": t.per_day, **_in_force_there(community)}
        supervisor = _supervisor_for(community)
        body = Complaint.objects.filter(pk=t.report_ids[0]).values_list("body", flat=True).first() or ""
        try:
            with transaction.atomic():
                review = Review(rule=t.rule, key=t.key, evidence=evidence, assigned_to=supervisor, body=body,
                                opened_at=now)
                review.locate_at(community)
                review.save()
                audit(None, AuditAction.CREATE, "complaint_review", review.pk, channel="worker",
                      detail={"rule": t.rule, "complaints": list(t.report_ids)})
                if supervisor is not None:
                    notify(recipient=supervisor, zh=f"{community.name}触发过度封堵核查，请核查在用措施",
                           en=f"Over-blocking review opened for {community.name}: check the measures in force",
                           link=f"/complaints/reviews/{review.pk}/", key=f"complaint-review:{review.pk}")
        except IntegrityError:  # another worker opened it first
            continue
        opened.append(review)
    return opened


def review_decide(*, actor, review_id, outcome: str, reason: str, now=None) -> Review:
    """Record the review's outcome (measure corrected, lifted or kept) with its reason; decided once."""
    if not actor.can(Perm.DECIDE_REVIEW):
        raise ServiceError.forbidden()
    errors = ServiceError()
    if outcome not in ReviewOutcome.values:
        errors.add("outcome", Msg("请选择核查结论", "Choose an outcome", "missing"))
    reason = " ".join(str(reason or "").split())
    if not reason:
        errors.add("reason", Msg("请写明理由", "Give the reason", "missing"))
    elif len(reason) > REASON_MAX:
        errors.add("reason", Msg(f"最多 {REASON_MAX} 个字符", f"At most {REASON_MAX} characters", "string_too_long"))
    if errors.errors:
        raise errors
    with transaction.atomic():
        review = review_get(actor, review_id)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.decided_at is not None:
            raise ServiceError.one("outcome", "该核查已有结论", "This review is already decided", "decided", status=409)
        review.outcome, review.reason = outcome, reason
        review.decided_by, review.decided_at = actor, now or timezone.now()
        review.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
        audit(actor, AuditAction.UPDATE, "complaint_review", review.pk, detail={"outcome": outcome})
    return review
