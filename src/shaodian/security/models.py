"""Users with one role and one node of the tree, API tokens, and the audit log."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shaodian.security.roles import Perm, Role, has_perm


class RoleChoice(models.TextChoices):
    GRID_WORKER = Role.GRID_WORKER.value, _("Grid worker")
    COMMUNITY_STAFF = Role.COMMUNITY_STAFF.value, _("Community staff")
    STREET_COMMANDER = Role.STREET_COMMANDER.value, _("Street commander")
    DISTRICT_COMMANDER = Role.DISTRICT_COMMANDER.value, _("District commander")
    HEALTH_OFFICIAL = Role.HEALTH_OFFICIAL.value, _("Health official (CDC)")
    LEGAL_REVIEWER = Role.LEGAL_REVIEWER.value, _("Legal reviewer")
    SUPPLY_OFFICER = Role.SUPPLY_OFFICER.value, _("Supply officer")
    CHECKPOINT_GUARD = Role.CHECKPOINT_GUARD.value, _("Checkpoint guard")
    VOLUNTEER = Role.VOLUNTEER.value, _("Volunteer")
    SUPERVISOR = Role.SUPERVISOR.value, _("Supervisor")
    ADMIN = Role.ADMIN.value, _("Administrator")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=RoleChoice.choices, default=RoleChoice.VOLUNTEER)
    node = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("jurisdiction")
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)

    def can(self, perm: Perm) -> bool:
        return self.is_active and self.node_id is not None and has_perm(self.role, perm)

    @property
    def can_view_residents(self) -> bool:
        return self.can(Perm.VIEW_RESIDENTS)

    @property
    def scope(self) -> tuple[str, int] | None:
        """(column, id) that every row in this user's jurisdiction matches; None for no node."""
        if self.node_id is None:
            return None
        return f"{self.node.kind}_id", self.node_id

    def __str__(self):
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for phones and devices; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    @staticmethod
    def digest(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @staticmethod
    def from_header(value: str | None) -> str | None:
        """The raw token of an `Authorization: Bearer <t>` header (scheme in any case), else None.

        The one parser of the header: authentication and revocation must agree on what a token is.
        """
        scheme, _, raw = (value or "").strip().partition(" ")
        raw = raw.strip()
        return raw if scheme.lower() == "bearer" and raw else None

    @classmethod
    def issue(cls, user: User, *, name: str = "", days: int = 30) -> tuple["ApiToken", str]:
        raw = "sd_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, key_hash=cls.digest(raw), name=name, expires_at=timezone.now() + timezone.timedelta(days=days)
        )
        return token, raw


class AuditAction(models.TextChoices):
    LIST = "list", _("List")
    READ = "read", _("Read")
    REVEAL = "reveal", _("Reveal")
    EXPORT = "export", _("Export")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    IMPORT = "import", _("Import")
    MOVE = "move", _("Move")
    DENIED = "denied", _("Denied")


# The actor_name of rows written by the system itself (the worker, the command line with no user).
SYSTEM_ACTOR = "system"


class AuditLog(models.Model):
    """Who touched which personal data, when and why. Append-only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64, blank=True)
    # For lists and exports: the ids shown (lists) or the filter used (exports), and how many rows.
    detail = models.JSONField(default=dict, blank=True)
    count = models.IntegerField(default=1)
    purpose = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=8, default="web")  # web | api | cli
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "at"], name="audit_actor"),
        ]
        ordering = ["-at", "-id"]

    @property
    def actor_label(self) -> str:
        """Who acted, as a page shows it: the stored "system" of unattended jobs reads as 系统."""
        return str(_("the system")) if self.actor_id is None and self.actor_name == SYSTEM_ACTOR else self.actor_name
