"""Automatic expiry (MEA-3): the register drops a measure the moment its term ends; the worker persists it."""

import datetime as dt

import pytest
from django.core.management import call_command

from shaodian.measures import closures, selectors, services
from shaodian.measures.models import Closure, Measure
from shaodian.measures.tests.helpers import advance, building_of, propose

pytestmark = pytest.mark.django_db


def test_it_expires_by_itself_and_leaves_the_register(users, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock, days=3), clock, "in_force")
    c = closures.closure_create(actor=users["staff_a"], place_id=m.place_id, description="楼门",
                                closure_type="staffed_checkpoint", emergency_channel="后门", measure_id=m.pk)
    from django.utils import timezone

    assert [i["area"] for i in selectors.register_items(timezone.now())] == [m.area_name]
    clock.move_to(m.ends_at - dt.timedelta(seconds=1))
    assert len(selectors.register_items(timezone.now())) == 1
    clock.move_to(m.ends_at)
    # Before any worker runs, the register already reads the lifecycle's effective status.
    assert selectors.register_items(timezone.now()) == []
    assert Measure.objects.get(pk=m.pk).status == "in_force"
    call_command("worker", once=True)
    m.refresh_from_db()
    assert m.status == "expired" and services.state_of(m).ended_at == m.ends_at
    assert Closure.objects.get(pk=c.pk).removed_at == m.ends_at
    assert services.measures_expire() == 0  # idempotent


def test_a_lifted_measure_leaves_the_register_at_once(users, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "in_force")
    clock.tick(60)
    services.measure_lift(actor=users["street_a"], measure_id=m.pk, reason="提前解除：连续检测阴性")
    from django.utils import timezone

    assert selectors.register_items(timezone.now()) == []
