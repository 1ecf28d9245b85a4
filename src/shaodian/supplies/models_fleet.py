"""Supply vehicles and their drivers: passes through checkpoints, health checks, one disinfection per trip."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shaodian.places.models import Located
from shaodian.security.fields import EncryptedTextField


class Driver(Located):
    """A supply driver. On the white list (白名单) the platform never puts them under quarantine."""

    name = models.CharField(_("name"), max_length=64)
    phone = EncryptedTextField(_("phone"))
    phone_hash = models.CharField(max_length=64, db_index=True)
    resident = models.ForeignKey("people.Resident", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")  # when the driver lives in the city
    whitelisted = models.BooleanField(_("on the white list"), default=False)
    # The health check is the driver's own: it never passes to the vehicle or to another driver.
    health_checked_at = models.DateTimeField(_("health check at"), null=True, blank=True)
    health_check_negative = models.BooleanField(_("health check negative"), default=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Vehicle(Located):
    """A supply truck; where it is registered (车籍地) is recorded and never a reason to refuse it."""

    plate = models.CharField(_("plate"), max_length=16, unique=True)
    registered_in = models.CharField(_("registered in"), max_length=32, blank=True)
    capacity_kg = models.PositiveIntegerField(_("capacity (kg)"), default=0)
    supplier = models.ForeignKey("supplies.Supplier", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="vehicles")
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, null=True, blank=True, related_name="vehicles")
    permit = models.ForeignKey("checkpoints.Pass", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("pass"))

    class Meta:
        ordering = ["plate"]

    def __str__(self):
        return self.plate


class Disinfection(models.Model):
    """一车一消杀 — the disinfection of a vehicle before one trip; exactly one per (vehicle, trip)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="disinfections")
    trip = models.CharField(_("trip"), max_length=64)
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("disinfected at"))
    agent = models.CharField(_("disinfectant"), max_length=64)
    site = models.CharField(_("where"), max_length=100)
    recorded_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["vehicle", "trip"], name="disinfection_once_per_trip")]
