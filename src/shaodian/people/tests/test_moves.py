"""Moves reach the apps above people through the outbox: queued with the move, heard once by every listener."""

import pytest

from shaodian.core import outbox
from shaodian.core.models import OutboxItem
from shaodian.people import moves, services, transfers
from shaodian.places.models import Household
from shaodian.testing.city import resident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    got = []
    monkeypatch.setattr(moves, "_LISTENERS", {**moves._LISTENERS, "test": got.append})
    return got


def _queued():
    return OutboxItem.objects.filter(event=moves.EVENT)


def test_an_accepted_transfer_is_heard_by_the_listeners_once(users, heard):
    person = resident_in("grid_a", 1)
    old = person.household_id
    target = Household.objects.filter(grid_id=users["grid_b"].node_id).order_by("pk").first()
    t = transfers.transfer_request_create(actor=users["grid_b"], id_number=person.id_number, name=person.name,
                                          household_id=target.pk)
    assert not _queued().exists()  # a request moves nobody
    transfers.transfer_request_decide(actor=users["grid_a"], transfer_id=t.pk, accept=True)
    assert _queued().count() == 1
    outbox.work(worker="test")
    [move] = heard
    assert (move.resident_id, move.from_household_id, move.to_household_id, move.transfer_id) == (
        person.pk, old, target.pk, t.pk)
    outbox.work(worker="test")
    assert len(heard) == 1


def test_linking_a_household_is_a_move_only_when_it_becomes_current(users, heard):
    person = resident_in("grid_a", 2)
    other = Household.objects.filter(grid_id=person.grid_id).exclude(pk=person.household_id).order_by("pk").first()
    services.resident_link(actor=users["grid_a"], resident_id=person.pk, household_id=other.pk)
    assert not _queued().exists()
    services.resident_link(actor=users["grid_a"], resident_id=person.pk, household_id=other.pk, make_current=True)
    outbox.work(worker="test")
    assert [(m.resident_id, m.to_household_id, m.transfer_id) for m in heard] == [(person.pk, other.pk, None)]


def test_a_re_import_that_moves_people_is_heard_in_one_row(users, heard, tmp_path):
    from shaodian.people.tests.test_excel import number, row, run_import, sheet
    from shaodian.places.models import Place

    staff = users["staff_a"]
    grid = Place.objects.filter(kind="grid", community_id=staff.node_id).order_by("code").first().code
    run_import(staff, sheet([row("搬家甲", number(310), "13700000310", grid, room="301"),
                             row("搬家乙", number(311), "13700000311", grid, room="401")]), tmp_path)
    outbox.work(worker="test")
    assert heard == [] and not _queued().exists()  # registering someone new is no move
    run_import(staff, sheet([row("搬家甲", number(310), "13700000310", grid, room="302"),
                             row("搬家乙", number(311), "13700000311", grid, room="402")]), tmp_path)
    assert _queued().count() == 1
    outbox.work(worker="test")
    rooms = sorted((Household.objects.get(pk=m.from_household_id).room, Household.objects.get(pk=m.to_household_id).room)
                   for m in heard)
    assert rooms == [("301", "302"), ("401", "402")]
