"""Screening campaigns (地毯式排查), door visits and their coverage, testing rounds (核酸/抗原筛查)."""

from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from shaodian.places.models import Jurisdictional, Located, Place, ScopedQuerySet


class CampaignStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Campaign(Located):
    """排查行动 — one visit task per household under `place`, each for its grid worker."""

    name = models.CharField(_("name"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=500)
    # One question per line, asked at every door.
    questions = models.TextField(_("questions"), blank=True)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.RUNNING)
    started_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    households = models.IntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return self.name

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]


class VisitStatus(models.TextChoices):
    """Where a household's visit stands: open (never tried, nobody home, refused) until reached."""

    PENDING = "pending", _("Not yet visited")
    REACHED = "reached", _("Reached")
    NOBODY_HOME = "nobody_home", _("Nobody home")
    REFUSED = "refused", pgettext_lazy("visit outcome", "Refused")


OUTCOMES = (VisitStatus.REACHED, VisitStatus.NOBODY_HOME, VisitStatus.REFUSED)


def _loose(to, **kw):
    """A foreign key without a database constraint or index of its own (see VisitTask)."""
    return models.ForeignKey(to, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False, **kw)


class VisitTask(models.Model):
    """One household to visit in one campaign; comes back the next day until it is reached.

    A city-wide campaign makes some 470,000 of these in one INSERT … SELECT from the households they name,
    so no foreign key is checked row by row in the database (PostgreSQL would run eight triggers a row) and
    only the indexes the reads use are kept: the rows are consistent by construction, and deletions of what
    they reference go through Django's PROTECT. The scope columns are those of Jurisdictional.
    """

    city = _loose(Place, null=True)
    district = _loose(Place, null=True)
    street = _loose(Place, null=True)
    community = _loose(Place, null=True)
    grid = _loose(Place, verbose_name=_("grid"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tasks", db_index=False,
                                 db_constraint=False)
    household = _loose("places.Household")
    assignee = _loose("security.User", null=True)
    status = models.CharField(_("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PENDING)
    due_day = models.DateField()  # the local (Asia/Shanghai) day it appears on the worker's list
    attempts = models.SmallIntegerField(default=0)
    visited_at = models.DateTimeField(null=True, blank=True)
    people_present = models.SmallIntegerField(null=True, blank=True)
    symptomatic = models.BooleanField(default=False)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="visit_task_unique")]
        # One index besides the unique pair: a grid's doors of a day (the field page), and a campaign's doors
        # grid by grid (the lists of the pages above). Coverage reads the counters, never the tasks.
        indexes = [models.Index(fields=["grid", "campaign", "due_day"], name="visit_task_grid_campaign_day")]


class VisitRecord(models.Model):
    """One knock on a door as the phone sent it; its client_id makes a retry harmless."""

    client_id = models.CharField(max_length=64, unique=True)
    task = models.ForeignKey(VisitTask, on_delete=models.PROTECT, related_name="records")
    actor = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, choices=VisitStatus.choices)
    people_present = models.SmallIntegerField(null=True, blank=True)
    symptomatic = models.BooleanField(default=False)
    notes = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()
    received_at = models.DateTimeField()


class Coverage(models.Model):
    """Counters of one campaign in one grid, kept in the visit's transaction: coverage is a sum, not a scan."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="coverage")
    grid = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, related_name="+")
    street = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, related_name="+")
    district = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, related_name="+")
    city = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, related_name="+")
    total = models.IntegerField(default=0)
    reached = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    symptomatic = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "grid"], name="coverage_unique")]


class SamplingSite(Located):
    """采样点 — where people are sampled, with its opening hours."""

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class TestKind(models.TextChoices):
    PCR = "pcr", _("Nucleic acid (PCR)")
    ANTIGEN = "antigen", _("Antigen")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class TestingRound(Located):
    """A testing round over `place` on a day; a sub-round of a lower level narrows its parent, never widens it."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("test"), max_length=16, choices=TestKind.choices)
    day = models.DateField(_("day"))
    every_days = models.SmallIntegerField(_("every N days"), default=1)  # frequency: one round each N days
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    ordered_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField()
    status = models.CharField(_("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN)

    class Meta:
        ordering = ["-day", "-id"]

    def __str__(self):
        return self.name


class Result(models.TextChoices):
    PENDING = "pending", _("Awaiting result")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class Sample(Jurisdictional):
    """Who was sampled in a round (one row a person), and the result once known."""

    round = models.ForeignKey(TestingRound, on_delete=models.PROTECT, related_name="samples")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(SamplingSite, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sampled_at = models.DateTimeField()
    sampled_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, default=Result.PENDING)
    result_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "resident"], name="sample_unique")]
        indexes = [models.Index(fields=["round", "grid"], name="sample_round_grid")]
