"""A closure is lifted once, by hand or with its measure, through its transition table; each move audited."""

import pytest

from shaodian.errors import ServiceError
from shaodian.measures import closures
from shaodian.measures.models import Closure
from shaodian.places.models import Place
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def lawful_closure(users) -> Closure:
    grid = Place.objects.get(pk=users["grid_a"].node_id)
    return closures.closure_create(actor=users["staff_a"], place_id=grid.pk, description="小区西门",
                                   closure_type="staffed_checkpoint", emergency_channel="东门24小时值守")


def test_it_lifts_a_closure_once_and_refuses_lifting_it_again(users):
    c = lawful_closure(users)
    closures.closure_remove(actor=users["staff_a"], closure_id=c.pk)
    lifted = Closure.objects.get(pk=c.pk).removed_at
    assert lifted is not None
    with pytest.raises(ServiceError) as exc:
        closures.closure_remove(actor=users["staff_a"], closure_id=c.pk)
    [msg] = exc.value.errors["status"]
    assert msg.code == "illegal_move" and "「已解除」" in msg.zh and "lifted" in msg.en
    assert Closure.objects.get(pk=c.pk).removed_at == lifted
    moves = AuditLog.objects.filter(object_type="closure", object_id=str(c.pk), action="update")
    assert [(a.detail["from"], a.detail["to"], a.detail["move"]) for a in moves] == [("in_force", "removed", "remove")]


def test_only_closure_managers_lift_a_closure(users):
    c = lawful_closure(users)
    with pytest.raises(ServiceError) as exc:
        closures.closure_remove(actor=users["legal"], closure_id=c.pk)
    assert exc.value.status == 403
    assert Closure.objects.get(pk=c.pk).removed_at is None


def test_a_move_to_an_unknown_state_is_refused(users):
    c = lawful_closure(users)
    with pytest.raises(ServiceError):
        closures.closures_transition(actor=users["staff_a"], closures=[c], to="welded", now=c.created_at)
    assert Closure.objects.get(pk=c.pk).removed_at is None


def test_a_lifted_measure_lifts_its_closures_through_the_same_move(users, clock):
    from shaodian.measures import services
    from shaodian.measures.tests.helpers import advance, building_of, propose

    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "in_force")
    c = closures.closure_create(actor=users["staff_a"], place_id=m.place_id, description="楼门",
                                closure_type="staffed_checkpoint", emergency_channel="后门", measure_id=m.pk)
    clock.tick(60)
    services.measure_lift(actor=users["street_a"], measure_id=m.pk, reason="提前解除：连续检测阴性")
    assert Closure.objects.get(pk=c.pk).removed_at is not None
    move = AuditLog.objects.get(object_type="closure", object_id=str(c.pk), action="update")
    assert (move.detail["move"], move.detail["measure"], move.actor_id) == ("remove", m.pk, users["street_a"].pk)
