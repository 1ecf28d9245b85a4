"""Work down and whistles up: dispatched tasks, the admission list (准入清单), whistles (吹哨报到), workforce load, notification channels."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shaodian.places.models import Located


class Kind(models.TextChoices):
    """The fixed taxonomy of community work (seed 002: 消杀、门禁、站岗、排查、隔离、扫码、体温测量 … 社区帮扶)."""

    DISINFECTION = "disinfection", _("Disinfection")
    GATE = "gate", _("Gate control")
    GUARD_POST = "guard_post", _("Guard post")
    SCREENING = "screening", _("Screening")
    VISIT = "visit", _("Door visit")
    ISOLATION = "isolation", _("Isolation")
    CODE_SCAN = "code_scan", _("Code scanning")
    TEMPERATURE = "temperature", _("Temperature check")
    TESTING = "testing", _("Nucleic acid / antigen testing")
    DELIVERY = "delivery", _("Delivery")
    MEDICAL_ESCORT = "medical_escort", _("Medical escort and medicine delivery")
    COUNSELLING = "counselling", _("Psychological counselling")
    COMMUNITY_HELP = "community_help", _("Community help")
    FOLLOW_UP = "follow_up", _("Follow-up")
    ALERT = "alert", _("Alert handling")
    PUBLICITY = "publicity", _("Publicity and education")
    INFORMATION_REPORT = "information_report", _("Information reporting")
    ENVIRONMENT = "environment", _("Environmental clean-up")
    POLICY_ADVICE = "policy_advice", _("Policy advice")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """Mirrors states.Status."""

    OPEN = "open", _("To do")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TeamKind(models.TextChoices):
    STAFF = "staff", _("Staff team")
    VOLUNTEERS = "volunteers", _("Volunteer group")
    RESIDENTS = "residents", _("Resident self-organised group")


class Team(Located):
    """A team, a volunteer group or a residents' group (药品保障组、物资采购组) at a node; its members get its tasks."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=TeamKind.choices, default=TeamKind.STAFF)
    members = models.ManyToManyField("security.User", related_name="task_teams", blank=True,
                                     verbose_name=_("members"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Task(Located):
    """One piece of work at a node (`place`), given to a person, a team, or the node's pool (neither)."""

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    assignee = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="tasks", verbose_name=_("assignee"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks",
                             verbose_name=_("team"))
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # Who created it: an app's system task names itself ("monitoring.alert") and its row id.
    source = models.CharField(max_length=40, blank=True, default="")
    source_id = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    # A kind outside the community's admission list went through with this reason; the level above sees it.
    exception_reason = models.CharField(_("exception reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    evidence_note = models.TextField(_("what was done"), blank=True)
    evidence_photo = models.BinaryField(null=True, blank=True)  # JPEG, resized, without EXIF/GPS
    complete_client_id = models.CharField(max_length=64, blank=True, default="")  # a phone's retry lands once
    escalated_at = models.DateTimeField(null=True, blank=True)  # overdue: the level above was told

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], condition=~Q(source=""),
                                    name="task_unique_source"),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="task_assignee_open"),
            models.Index(fields=["community", "status", "due_at"], name="task_community_open"),
            models.Index(fields=["status", "due_at"], name="task_open_due"),
        ]

    def __str__(self):
        return self.title

    @property
    def node(self):
        return self.place

    @property
    def is_live(self) -> bool:
        return self.status in (Status.OPEN, Status.ACKNOWLEDGED)


class AdmissionList(Located):
    """A community's task admission list (准入清单): the kinds of work the levels above may send it."""

    name = models.CharField(_("name"), max_length=100)
    kinds = models.JSONField(_("accepted kinds"), default=list)
    updated_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place"], name="admission_list_one_per_node")]

    def __str__(self):
        return self.name


# --- whistles (吹哨报到) --------------------------------------------------------------------------------


class DepartmentKind(models.TextChoices):
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health")
    URBAN_MANAGEMENT = "urban_management", _("Urban management")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    MARKET_SUPERVISION = "market_supervision", _("Market supervision")
    HOUSING = "housing", _("Housing and property")
    FIRE = "fire", _("Fire and rescue")
    OTHER = "other", _("Other department")


class Department(Located):
    """A functional department at a node (a district's police, a street's urban management) that answers whistles."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=DepartmentKind.choices)
    answer_hours = models.PositiveSmallIntegerField(_("hours to answer"), default=24)
    members = models.ManyToManyField("security.User", related_name="departments", blank=True,
                                     verbose_name=_("members who answer"))

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class WhistleCategory(models.TextChoices):
    EPIDEMIC = "epidemic", _("Epidemic control")
    ORDER = "order", _("Public order")
    MEDICAL = "medical", _("Medical help")
    SANITATION = "sanitation", _("Sanitation and environment")
    SUPPLIES = "supplies", _("Supplies and prices")
    HOUSING = "housing", _("Housing and facilities")
    SOCIAL = "social", _("Social assistance")
    OTHER = "other", _("Other")


class WhistleStatus(models.TextChoices):
    """Mirrors whistle_states.Status."""

    RAISED = "raised", _("Raised")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Whistle(Located):
    """A community's call (吹哨) to a department, which must answer (报到) by `due_at`; late, it goes one level up."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="whistles",
                                   verbose_name=_("department"))
    category = models.CharField(_("category"), max_length=16, choices=WhistleCategory.choices)
    need = models.TextField(_("what is needed"))
    status = models.CharField(_("status"), max_length=12, choices=WhistleStatus.choices,
                              default=WhistleStatus.RAISED)
    raised_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))
    due_at = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answer = models.TextField(_("answer"), blank=True)
    level = models.PositiveSmallIntegerField(default=0)  # how many times it went up
    escalated_to = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="whistle_open_due")]

    def __str__(self):
        return f"{self.department.name}: {self.need[:30]}"


class WhistleEvent(models.Model):
    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    actor = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]


# --- workforce -----------------------------------------------------------------------------------------


class Shift(Located):
    """One stretch on duty of one worker (`place`: where the worker works)."""

    worker = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="shifts")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    recorded_by = models.ForeignKey("security.User", on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["worker", "start"], name="shift_worker_start")]


class Training(Located):
    """A training or qualification (准入) a worker holds, with its validity."""

    worker = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(_("training or qualification"), max_length=100)
    passed_on = models.DateField(_("passed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)


class Secondment(Located):
    """Staff lent from another unit (下沉干部) until an end date: the gap it leaves is forecast."""

    worker = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="secondments")
    from_unit = models.CharField(_("lent by"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))


class Commendation(Located):
    """A commendation (褒奖) of a worker, a volunteer or a team member."""

    worker = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="commendations")
    title = models.CharField(_("commendation"), max_length=100)
    reason = models.TextField(_("reason"))
    given_by = models.ForeignKey("security.User", on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField(_("given on"))


class WorkloadRule(Located):
    """The residents-per-worker ratio above which a worker of this node is overloaded (seeds: about 360)."""

    residents_per_worker = models.PositiveIntegerField(_("residents per worker"), default=360)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place"], name="workload_rule_one_per_node")]
