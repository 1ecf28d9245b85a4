"""The tracing story of the demo city: cases, their contacts found and confirmed, and two passes."""

import datetime as dt
import random

from django.utils import timezone

from shaodian.checkpoints import services as checkpoints
from shaodian.checkpoints.models import Checkpoint, Scan
from shaodian.people.models import Resident
from shaodian.security.models import User
from shaodian.tracing import services as tracing


def build_tracing_story(rng: random.Random) -> None:
    """A few cases in grid_a's community whose contacts are found, some confirmed, one grown into a case."""
    cdc = User.objects.get(username="cdc")
    staff = User.objects.get(username="staff_a")
    community_id = staff.node_id
    now = timezone.now()
    recent = (Scan.objects.filter(resident__community_id=community_id, at__gte=now - dt.timedelta(days=3),
                                  direction="in", checkpoint__kind__in=["restaurant", "other", "office"])
              .values_list("resident_id", flat=True).distinct().order_by("resident_id"))
    picks = list(recent[:40])
    if len(picks) < 3:
        return
    first, second, third = picks[0], picks[len(picks) // 2], picks[-1]
    today = timezone.localdate()
    case = tracing.case_register(actor=cdc, resident_id=first, kind="confirmed", test_date=today,
                                 onset_date=today - dt.timedelta(days=1))
    # A tracer's usual setting for indoor venues: 15 minutes either side, at least 5 minutes together.
    found = tracing.contacts_find(actor=cdc, case_id=case.pk, t_from=now - dt.timedelta(days=14), t_to=now,
                                  window_minutes=15, min_overlap_minutes=5, second_degree=True)
    confirmed = found["contacts"][:4]
    for c in confirmed:
        tracing.contact_decide(actor=cdc, contact_id=c.pk, confirm=True, note="流调确认：同时段同场所")
    if confirmed:
        grown = tracing.case_register(actor=cdc, resident_id=confirmed[0].resident_id, kind="asymptomatic",
                                      test_date=today, source_contact=confirmed[0])
        tracing.contacts_find(actor=cdc, case_id=grown.pk, t_from=now - dt.timedelta(days=14), t_to=now,
                              window_minutes=15, min_overlap_minutes=5)
    for pk in (second, third):
        if not Resident.objects.get(pk=pk).cases.exists():
            tracing.case_register(actor=cdc, resident_id=pk, kind="asymptomatic", test_date=today - dt.timedelta(days=1))
    # Passes: a dialysis patient of grid_a's community to the district hospital, and a supply vehicle.
    gate = Checkpoint.objects.filter(community_id=community_id, kind="community_gate").order_by("pk").first()
    hospital = Checkpoint.objects.filter(kind="hospital").order_by("pk").first()
    patient = Resident.objects.filter(community_id=community_id, tags__contains=",dialysis,").first() or \
        Resident.objects.filter(community_id=community_id).order_by("pk").first()
    if gate and hospital:
        checkpoints.pass_issue(actor=User.objects.get(username="commander"), kind="dialysis",
                               checkpoint_ids=[gate.pk, hospital.pk], valid_from=now - dt.timedelta(hours=1),
                               valid_to=now + dt.timedelta(days=7), reason="每周一三五血液透析", resident_id=patient.pk)
        checkpoints.pass_issue(actor=User.objects.get(username="supply"), kind="supply_vehicle", checkpoint_ids=[gate.pk],
                               valid_from=now - dt.timedelta(hours=1), valid_to=now + dt.timedelta(days=3),
                               reason="社区蔬菜保供配送", plate="京A12345", driver_name="刘师傅", driver_phone="13900001111")
