"""Measures (管控措施) with their zone, lifecycle state, votes and special-group care; closures.

The lifecycle lives in `lifecycle.MeasureState`, stored whole as JSON in `Measure.state`: that JSON is the one
source. The indexed columns status / starts_at / ends_at are derived from it for queries, in one place only:
`Measure.hold(state)`, which every write of a state goes through.

Vocabularies are defined once, in the pure modules: the choices below take their values from
`lifecycle.Status` and `rules.ClosureType` and add only the labels (pinned by
measures/tests/test_django_vocabularies_once.py).
"""

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from shaodian.measures import codec
from shaodian.measures.lifecycle import MeasureState, Status
from shaodian.measures.rules import ClosureType as ClosureKind
from shaodian.places.models import Located
from shaodian.security.fields import EncryptedTextField


class ZoneLevel(models.TextChoices):
    SEALED = "sealed", _("Sealed zone")  # 封控区
    CONTROLLED = "controlled", _("Controlled zone")  # 管控区
    PRECAUTION = "precaution", _("Precaution zone")  # 防范区


class StaticLevelKey(models.TextChoices):
    ADVISORY = "advisory", _("Level 1 (advisory)")
    PRECAUTION = "precaution", _("Level 2 (precaution)")
    CONTROLLED = "controlled", _("Level 3 (controlled)")
    SEALED = "sealed", _("Level 4 (sealed)")


class MeasureStatus(models.TextChoices):
    DRAFT = Status.DRAFT.value, _("Draft")
    EVALUATED = Status.EVALUATED.value, _("Evaluated")
    LEGAL_REVIEW = Status.LEGAL_REVIEW.value, _("In legal review")
    RETURNED = Status.RETURNED.value, _("Returned")
    APPROVED = Status.APPROVED.value, _("Approved")
    NOTICE_PUBLISHED = Status.NOTICE_PUBLISHED.value, _("Notice published")
    IN_FORCE = Status.IN_FORCE.value, _("In force")
    EXPIRED = Status.EXPIRED.value, _("Expired")
    LIFTED = Status.LIFTED.value, _("Lifted")
    RECOVERY = Status.RECOVERY.value, _("Recovery")
    POST_EVALUATED = Status.POST_EVALUATED.value, _("Post-evaluated")
    WITHDRAWN = Status.WITHDRAWN.value, _("Withdrawn")


class Measure(Located):
    """A measure on an area: a node of the tree, or a building or unit inside a grid (the finest zone)."""

    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    area_name = models.CharField(_("area"), max_length=255)
    zone = models.CharField(_("zone"), max_length=16, choices=ZoneLevel.choices)
    static_level = models.CharField(_("static-management level"), max_length=16, choices=StaticLevelKey.choices)
    reason = models.TextField(_("reason"))
    # The supply plan for everybody inside (送货上门 …); a person's own plan overrides it at the gate.
    supply_plan = models.CharField(_("supply plan"), max_length=300, blank=True)
    hotline = models.CharField(_("complaint hotline"), max_length=32, default="12345")
    breadth_warning = models.JSONField(default=dict, blank=True)  # {"zh", "en"} from risk.zone_breadth_warning
    state = models.JSONField()  # lifecycle.MeasureState, see codec.py
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices, db_index=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    proposed_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # What `hold` writes: save(update_fields=Measure.STATE_FIELDS) after it.
    STATE_FIELDS = ("state", "status", "starts_at", "ends_at")

    class Meta:
        indexes = [
            models.Index(fields=["status", "ends_at"], name="measure_status_end"),
            models.Index(fields=["community", "status"], name="measure_community"),
            models.Index(fields=["district", "status"], name="measure_district"),
        ]

    def __str__(self):
        return f"{self.area_name} · {self.get_zone_display()}"

    def hold(self, state: MeasureState) -> None:
        """Keep `state` as the JSON source and derive the indexed columns from it (the only place that sets them)."""
        self.state = codec.dump(state)
        self.status, self.starts_at, self.ends_at = state.status.value, state.starts_at, state.ends_at

    @property
    def granularity(self) -> str:
        if self.unit_id:
            return "unit"
        if self.building_id:
            return "building"
        return self.place.kind


class VoteToken(models.Model):
    """A household's personal voting link for one measure.

    The link is found by the SHA-256 of its token. The token itself is kept only encrypted, so that the staff who
    issued the links can print them again (a QR sheet for door-to-door rounds); every showing is audited.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="vote_tokens")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    key_sealed = EncryptedTextField(blank=True, default="")  # empty for links issued before it was kept
    issued_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "household"], name="vote_token_one_per_household")]

    @staticmethod
    def digest(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @staticmethod
    def new_raw() -> str:
        return secrets.token_urlsafe(18)


class VoteChannel(models.TextChoices):
    LINK = "link", _("Personal link")
    PAPER = "paper", _("Paper ballot recorded by staff")


class Vote(models.Model):
    """One household, one vote (PUB-4): the unique constraint is the last line of defence."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="votes")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    approve = models.BooleanField()
    channel = models.CharField(max_length=8, choices=VoteChannel.choices, default=VoteChannel.LINK)
    recorded_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "household"], name="vote_one_per_household")]


class CareAssignment(models.Model):
    """What the gate needs for one special-group person of a measure: a named carer and plans."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="care")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    carer_name = models.CharField(_("carer"), max_length=64, blank=True)
    supply_plan = models.CharField(_("supply plan"), max_length=300, blank=True)
    medical_plan = models.CharField(_("medical plan"), max_length=300, blank=True)
    by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "resident"], name="care_one_per_person")]


class ClosureType(models.TextChoices):
    """The labels of rules.ClosureType: deliberately no locked or welded door."""

    STAFFED_CHECKPOINT = ClosureKind.STAFFED_CHECKPOINT.value, _("Staffed checkpoint")
    MOVABLE_BARRIER = ClosureKind.MOVABLE_BARRIER.value, _("Movable barrier")
    MONITORED_DOOR = ClosureKind.MONITORED_DOOR.value, _("Monitored door (opens from inside)")
    TIMED_ACCESS = ClosureKind.TIMED_ACCESS.value, _("Timed access")


class ClosureOrderedBy(models.TextChoices):
    """Who ordered a closure (MEA-6): a review of over-blocking asks them first."""

    GOVERNMENT = "government", _("Government or command centre")
    PROPERTY_COMPANY = "property_company", _("Property management company")
    COMMITTEE = "committee", _("Residents' or villagers' committee")
    INDIVIDUAL = "individual", _("An individual")


class Closure(Located):
    """A closure (封闭点) at a place, always with the emergency channel it keeps open."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="closures")
    description = models.CharField(_("where exactly"), max_length=200)
    closure_type = models.CharField(_("closure type"), max_length=24, choices=ClosureType.choices)
    emergency_channel = models.CharField(_("emergency channel"), max_length=200)
    on_duty_contact = models.CharField(_("on-duty contact"), max_length=100, blank=True)
    # Who put it up is created_by; who ordered it, and by name, so a review knows whom to ask.
    ordered_by = models.CharField(_("ordered by"), max_length=20, choices=ClosureOrderedBy.choices,
                                  default=ClosureOrderedBy.GOVERNMENT)
    ordered_by_name = models.CharField(_("name of who ordered it"), max_length=100, blank=True)
    created_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
