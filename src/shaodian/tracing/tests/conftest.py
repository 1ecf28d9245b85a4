"""The tracing scene: a case, six people of six homes, a canteen and a gate, with their scans."""

import datetime as dt

import pytest


@pytest.fixture
def scene(users):
    # Imported here, not above: the engine's tests in this folder run without Django (-p no:django).
    from django.utils import timezone

    from shaodian.checkpoints import services as checkpoints
    from shaodian.people.models import Resident
    from shaodian.places.models import Place
    from shaodian.tracing import services
    from shaodian.tracing.tests.support import NOW, scan, visit

    staff, guard, cdc = users["staff_a"], users["guard_a"], users["cdc"]

    community = Place.objects.get(pk=staff.node_id)
    canteen = checkpoints.checkpoint_create(actor=staff, place=community, name="测试食堂", kind="restaurant")
    gate = checkpoints.checkpoint_create(actor=staff, place=community, name="测试南门", kind="community_gate")
    people, households = [], set()
    for r in Resident.objects.filter(community_id=community.pk).order_by("pk"):
        if r.household_id not in households:  # six people from six homes: household links stay apart
            people.append(r)
            households.add(r.household_id)
        if len(people) == 6:
            break
    a, b, c, d, e, f = people
    scan(guard, [
        *visit("a1", a.pk, canteen.pk, 300, 60),   # the case: 5 h ago for an hour
        *visit("b1", b.pk, canteen.pk, 280, 20),   # inside the case's hour: contact
        *visit("c1", c.pk, canteen.pk, 225, 10),   # 15 min after the case left: within a 30 min window only
        *visit("d1", d.pk, canteen.pk, 100, 30),   # hours later: never
        *visit("e1", e.pk, canteen.pk, 120, 10),   # later: met b? no — b left long before; e meets f
        *visit("f1", f.pk, canteen.pk, 125, 20),
        *visit("b2", b.pk, canteen.pk, 130, 20),   # b comes back and meets e and f: secondary contacts
        {"client_id": "g0", "person": a.pk, "checkpoint": gate.pk, "at": (NOW - dt.timedelta(minutes=305)).isoformat(),
         "direction": "out"},                      # the case leaves home through the gate
        {"client_id": "g1", "person": d.pk, "checkpoint": gate.pk, "at": (NOW - dt.timedelta(minutes=293)).isoformat(),
         "direction": "in"},                       # d passes the same gate 12 minutes later
    ])
    case = services.case_register(actor=cdc, resident_id=a.pk, kind="confirmed", test_date=timezone.localdate())
    return {"case": case, "cdc": cdc, "people": people, "canteen": canteen, "gate": gate}
