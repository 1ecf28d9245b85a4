"""Resident votes on community-level measures (PUB-4): one household, one vote, through a personal link."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.measures import area, lifecycle
from shaodian.measures.models import Measure, Vote, VoteChannel, VoteToken
from shaodian.measures.selectors import measure_get
from shaodian.measures.services import _apply, _need, state_of
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm

_PREPARING = (lifecycle.Status.EVALUATED, lifecycle.Status.LEGAL_REVIEW, lifecycle.Status.APPROVED,
              lifecycle.Status.NOTICE_PUBLISHED)
CLOSED = Msg("本措施目前不接受投票", "This measure is not taking votes now", "vote_closed")


def _open_for_votes(measure: Measure, now) -> None:
    state = state_of(measure)
    if not state.needs_vote or state.vote is not None or lifecycle.effective_status(state, now) not in _PREPARING:
        raise ServiceError({"general": [CLOSED]}, 422)


def vote_open(*, actor, measure_id, now=None) -> list[tuple[int, str, str]]:
    """Personal links for every household inside that has none yet: [(household id, address, raw token)]."""
    _need(actor, Perm.MANAGE_MEASURES)
    measure = measure_get(actor, measure_id)
    _open_for_votes(measure, now or timezone.now())
    have = set(VoteToken.objects.filter(measure=measure).values_list("household_id", flat=True))
    made, rows = [], []
    for pk, address in area.households(actor, measure).order_by("pk").values_list("pk", "address"):
        if pk in have:
            continue
        raw = VoteToken.new_raw()
        rows.append(VoteToken(measure=measure, household_id=pk, key_hash=VoteToken.digest(raw), key_sealed=raw,
                              issued_by=actor))
        made.append((pk, address, raw))
    with transaction.atomic():
        VoteToken.objects.bulk_create(rows, batch_size=1000)
        audit(actor, AuditAction.CREATE, "vote_tokens", measure.pk, count=len(rows))
    return made


def vote_links_show(*, actor, measure_id, unvoted_only: bool = False) -> list[tuple[int, str, str, bool]]:
    """The links this user issued for the measure, again: [(household id, address, raw token, voted)]; audited."""
    _need(actor, Perm.MANAGE_MEASURES)
    measure = measure_get(actor, measure_id)
    voted = set(Vote.objects.filter(measure=measure).values_list("household_id", flat=True))
    tokens = (VoteToken.objects.filter(measure=measure, issued_by=actor).exclude(key_sealed="")
              .select_related("household").order_by("household__address", "pk"))
    rows = [(t.household_id, t.household.address, t.key_sealed, t.household_id in voted) for t in tokens]
    if unvoted_only:
        rows = [r for r in rows if not r[3]]
    # Each showing puts live credentials on a screen or on paper: who, when and how many is kept, never the links.
    audit(actor, AuditAction.REVEAL, "vote_tokens", measure.pk, count=len(rows),
          detail={"shown": len(rows), "unvoted_only": unvoted_only})
    return rows


def vote_url(raw: str, *, site: str = "") -> str:
    """The link a household opens: on SHAODIAN_PUBLIC_URL, else on `site` (the address the staff came in on)."""
    path = f"/public/vote/{raw}/"
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL + path
    return site.rstrip("/") + path


def token_measure(raw: str) -> VoteToken:
    """The voting link's household and measure; unknown links are not found."""
    token = VoteToken.objects.select_related("measure", "household").filter(key_hash=VoteToken.digest(str(raw))).first()
    if token is None:
        raise NotFound
    return token


def _cast(measure: Measure, household_id: int, approve: bool, *, channel: str, user, now) -> Vote:
    _open_for_votes(measure, now)
    eligible = (set(map(str, area.households(user, measure).values_list("pk", flat=True))) if user is not None
                else area.ballot_household_ids(measure))
    existing = [lifecycle.Vote(str(h), a) for h, a in Vote.objects.filter(measure=measure).values_list("household_id", "approve")]
    ballot = lifecycle.Vote(str(household_id), bool(approve))
    result = lifecycle.tally([*existing, ballot], eligible)
    for r in result.rejected:
        if r.vote is ballot:
            raise ServiceError({"household": [Msg(r.reason_zh, r.reason_en, r.code)]}, 422)
    try:
        with transaction.atomic():
            vote = Vote.objects.create(measure=measure, household_id=household_id, approve=bool(approve), channel=channel,
                                       recorded_by=user, at=now)
            # The ballot itself stays secret: the audit row says that a household voted, not how.
            audit(user, AuditAction.CREATE, "vote", vote.pk, detail={"measure": measure.pk})
    except IntegrityError:
        raise ServiceError.one("household", "该户已投过票，一户一票", "This household has already voted; one vote per household",
                               "duplicate") from None
    return vote


def vote_cast(*, token: str, approve: bool, now=None) -> Vote:
    """A household votes through its personal link (no login: the link is the credential)."""
    t = token_measure(token)
    return _cast(t.measure, t.household_id, approve, channel=VoteChannel.LINK, user=None,
                 now=now or timezone.now())


def vote_record(*, actor, measure_id, household_id, approve: bool, now=None) -> Vote:
    """Staff record a paper ballot of a household inside the area."""
    _need(actor, Perm.MANAGE_MEASURES)
    measure = measure_get(actor, measure_id)
    try:
        household_id = int(household_id)
    except (TypeError, ValueError):
        raise ServiceError.one("household", "户编号无效", "Invalid household number") from None
    return _cast(measure, household_id, approve, channel=VoteChannel.PAPER, user=actor,
                 now=now or timezone.now())


def vote_close(*, actor, measure_id, now=None) -> Measure:
    """Count the ballots into the measure (⅔ of the households that voted)."""
    _need(actor, Perm.MANAGE_MEASURES)
    measure = measure_get(actor, measure_id)
    votes = tuple(lifecycle.Vote(str(h), a) for h, a in
                  Vote.objects.filter(measure=measure).order_by("at", "pk").values_list("household_id", "approve"))
    eligible = frozenset(map(str, area.households(actor, measure).values_list("pk", flat=True)))
    return _apply(actor=actor, measure_id=measure.pk, perm=Perm.MANAGE_MEASURES,
                  action=lifecycle.RecordVote(votes, eligible), now=now,
                  detail={"valid": len(votes)})
