"""Residents, their links to households (人房关联) and special-group tags."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shaodian.places.models import Household, Jurisdictional, Place
from shaodian.security.fields import EncryptedTextField


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAU_PERMIT = "hk_macau", _("Hong Kong/Macau resident permit")
    TAIWAN_PERMIT = "taiwan", _("Taiwan resident permit")
    FOREIGNER_PR = "foreigner_pr", _("Foreigner permanent residence card")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class SpecialGroup(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    ELDERLY = "elderly", _("Elderly (80+)")
    CHILD = "child", _("Child")
    PREGNANT = "pregnant", _("Pregnant")
    DIALYSIS = "dialysis", _("Dialysis patient")
    INSULIN = "insulin", _("Insulin-dependent")
    DISABLED = "disabled", _("Disabled")
    CHRONIC = "chronic", _("Chronic illness")
    BEDRIDDEN = "bedridden", _("Bedridden")
    MENTAL_HEALTH = "mental_health", _("Severe mental illness")
    LOW_INCOME = "low_income", _("Low-income household")


class LinkKind(models.TextChoices):
    OWNER = "owner", _("Owner")
    TENANT = "tenant", _("Tenant")
    LIVES_HERE = "lives_here", _("Lives here")


class Resident(Jurisdictional):
    """A person. Scope columns follow the current household; ID and phone are encrypted."""

    name = models.CharField(_("name"), max_length=64)
    document_type = models.CharField(
        _("document type"), max_length=16, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID
    )
    id_number = EncryptedTextField(_("document number"))
    # Keyed hashes (HMAC) to find a person by the full number or by its last four characters. On
    # PostgreSQL only their plain btree indexes are kept: migration people 0006 drops the LIKE-only
    # (varchar_pattern_ops) copies that `unique`/`db_index` add, which no search uses.
    id_hash = models.CharField(max_length=64, unique=True)
    id_tail_hash = models.CharField(max_length=16, db_index=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_tail_hash = models.CharField(max_length=16, blank=True, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="current_residents", verbose_name=_("current household")
    )
    # Opaque id inside the personal QR (never the ID number); replaced to invalidate a lost code.
    qr_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    # Special-group codes joined by "," with a leading and trailing comma. Find a tag with
    # selectors.has_tag: on PostgreSQL it uses the GIN index on string_to_array(tags, ',')
    # (migration people 0006), elsewhere one LIKE.
    tags = models.CharField(_("special groups"), max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The scope columns without their single-column indexes: each search filters on one of them and
    # sorts by id, which the (column, id) indexes below serve; the city is one value for every row.
    city = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    district = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    street = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    community = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    grid = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"), db_index=False)

    class Meta:
        # The whole set is pinned, per database, by people/tests/test_index_set.py.
        indexes = [
            models.Index(fields=["grid", "id"], name="resident_grid"),
            models.Index(fields=["community", "id"], name="resident_community"),
            models.Index(fields=["street", "id"], name="resident_street"),
            models.Index(fields=["district", "id"], name="resident_district"),
            models.Index(fields=["name", "id"], name="resident_name"),
            # PostgreSQL: lets LIKE 'prefix%' use an index under any database collation.
            models.Index(fields=["name"], name="resident_name_like", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class HouseLink(models.Model):
    """人房关联 — a person's tie to a household; one of a person's links is the current address."""

    # No index of its own: link_unique (resident, household) starts with it.
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="links", db_index=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="links")
    kind = models.CharField(_("relation"), max_length=16, choices=LinkKind.choices, default=LinkKind.LIVES_HERE)
    is_current = models.BooleanField(_("current address"), default=True)
    # Set when the person moved away through a transfer: the link is kept as history, not deleted.
    ended_at = models.DateTimeField(_("moved out"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident", "household"], name="link_unique"),
            models.UniqueConstraint(
                fields=["resident"], condition=models.Q(is_current=True), name="link_one_current"
            ),
        ]


class CareNote(models.Model):
    """Care needs of a special-group resident: what they need and who looks after them."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="care_notes")
    group = models.CharField(_("special group"), max_length=32, choices=SpecialGroup.choices)
    note = models.TextField(_("care note"), blank=True)
    carer_name = models.CharField(_("carer"), max_length=64, blank=True)
    carer_phone = EncryptedTextField(_("carer phone"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resident", "group"], name="care_note_unique")]


class HealthFlagKind(models.TextChoices):
    CASE = "case", _("Active case")
    CLOSE_CONTACT = "close_contact", _("Close contact under monitoring")
    MONITORING = "monitoring", _("Under health monitoring")


class HealthFlag(models.Model):
    """What a gate must know of a person's health status, and nothing more: one row per flag held.

    Written by tracing in the same transaction as the case, contact or monitoring that changes it,
    so checkpoints and the resident page read one small table and never tracing's.
    """

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="health_flags")
    flag = models.CharField(max_length=16, choices=HealthFlagKind.choices)
    since = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resident", "flag"], name="health_flag_unique")]


class ImportJob(models.Model):
    """One upload of the residents sheet: counts, and the bad rows (encrypted: they hold ID numbers)."""

    actor = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    at = models.DateTimeField(auto_now_add=True)
    rows = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    updated = models.IntegerField(default=0)
    unchanged = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    errors = EncryptedTextField(blank=True, default="")  # JSON list of {row, column, reason_zh, reason_en, values}


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted: moved")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class TransferRequest(models.Model):
    """人户迁移 — the receiving side asks to move a person registered elsewhere into one of its households.

    The requester names the person by document number only and never sees who holds them or
    what is stored; the holding side (anyone who may edit the person) accepts or declines.
    """

    document_type = models.CharField(max_length=16, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID)
    id_number = EncryptedTextField(_("document number"))
    id_hash = models.CharField(max_length=64, db_index=True)
    claimed_name = models.CharField(_("name given by the requester"), max_length=64)
    # Resolved when filed; the holding side is whoever holds this person at decision time.
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, null=True, related_name="transfer_requests")
    from_household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, related_name="+")
    to_household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    link_kind = models.CharField(max_length=16, choices=LinkKind.choices, default=LinkKind.LIVES_HERE)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    requested_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash", "to_household"], condition=models.Q(status="pending"), name="transfer_one_pending"
            ),
        ]
        indexes = [models.Index(fields=["status", "resident"], name="transfer_status_resident")]
