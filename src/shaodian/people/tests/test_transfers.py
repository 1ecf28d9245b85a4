"""人户迁移: a person held elsewhere moves only when the holding side accepts; the requester learns nothing else."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shaodian.errors import NotFound, ServiceError
from shaodian.people import services, transfers
from shaodian.people.idcard import check_char
from shaodian.people.models import HouseLink, Resident, TransferRequest
from shaodian.people.transfer_states import MOVES, Action, IllegalTransition, State, is_final, next_state
from shaodian.places.models import Household
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def _number(seq: int) -> str:
    first17 = f"11010519790202{seq:03d}"
    return first17 + check_char(first17)


def _household(user) -> Household:
    return Household.objects.filter(**{f"{user.node.kind}_id": user.node_id}).order_by("id").first()


@pytest.fixture
def held(users):
    """A person registered by grid_a, whom grid_b's side wants to move in."""
    grid_a = users["grid_a"]
    return services.resident_create(actor=grid_a, name="迁移对象", id_number=_number(1), phone="13944440001",
                                    household_id=_household(grid_a).pk)


def test_create_in_grid_b_with_a_grid_a_number_is_no_existence_oracle(users, held):
    grid_b = users["grid_b"]
    with pytest.raises(ServiceError) as exc:
        services.resident_create(actor=grid_b, name="迁移对象", id_number=_number(1), household_id=_household(grid_b).pk)
    [msg] = exc.value.errors["id_number"]
    assert msg.code == "registered_elsewhere" and "迁入申请" in msg.zh and "transfer request" in msg.en
    assert "已登记，请勿重复录入" not in msg.zh
    for secret in ("迁移对象", held.household.address, held.grid.name):
        assert secret not in msg.zh + msg.en


def test_a_request_moves_nobody_until_the_holder_accepts(users, held):
    grid_b = users["grid_b"]
    target = _household(grid_b)
    old_household = held.household_id
    t = transfers.transfer_request_create(actor=grid_b, id_number=_number(1), name="迁移对象", household_id=target.pk)
    assert t.status == "pending"
    held.refresh_from_db()
    assert held.household_id == old_household
    # Sending it again sends it once.
    again = transfers.transfer_request_create(actor=grid_b, id_number=_number(1), name="迁移对象", household_id=target.pk)
    assert again.pk == t.pk
    # grid_b cannot decide its own request about a person it does not hold.
    with pytest.raises(NotFound):
        transfers.transfer_request_decide(actor=grid_b, transfer_id=t.pk, accept=True)
    # The holder sees it and accepts: the person moves, the old address is ended, not deleted.
    assert t in transfers.transfers_incoming(users["grid_a"])
    transfers.transfer_request_decide(actor=users["grid_a"], transfer_id=t.pk, accept=True)
    held.refresh_from_db()
    assert held.household_id == target.pk and held.grid_id == grid_b.node_id
    old = HouseLink.objects.get(resident=held, household_id=old_household)
    assert not old.is_current and old.ended_at is not None
    assert HouseLink.objects.get(resident=held, is_current=True).household_id == target.pk
    assert Resident.objects.filter(pk=held.pk, grid_id=grid_b.node_id).exists()
    log = AuditLog.objects.filter(object_type="transfer_request", object_id=str(t.pk), action="update").get()
    assert log.detail["action"] == "accept" and log.detail["to_household"] == target.pk
    # Decided once: it cannot be decided or withdrawn again.
    t.refresh_from_db()
    with pytest.raises(ServiceError):
        transfers.transfer_request_cancel(actor=grid_b, transfer_id=t.pk)


def test_a_common_ancestor_may_decide_and_a_decline_needs_a_reason(users, held):
    grid_b = users["grid_b"]
    t = transfers.transfer_request_create(actor=grid_b, id_number=_number(1), name="迁移对象", household_id=_household(grid_b).pk)
    with pytest.raises(ServiceError) as exc:
        transfers.transfer_request_decide(actor=users["staff_a"], transfer_id=t.pk, accept=False, reason="")
    assert "reason" in exc.value.errors
    transfers.transfer_request_decide(actor=users["staff_a"], transfer_id=t.pk, accept=False, reason="人仍在本社区居住")
    held.refresh_from_db()
    assert held.grid_id == users["grid_a"].node_id
    [out] = [x for x in transfers.transfers_outgoing(grid_b) if x.pk == t.pk]
    assert out.status == "declined" and out.reason == "人仍在本社区居住"


def test_the_requester_may_withdraw_a_pending_request(users, held):
    grid_b = users["grid_b"]
    t = transfers.transfer_request_create(actor=grid_b, id_number=_number(1), name="迁移对象", household_id=_household(grid_b).pk)
    with pytest.raises(NotFound):
        transfers.transfer_request_cancel(actor=users["grid_a"], transfer_id=t.pk)
    transfers.transfer_request_cancel(actor=grid_b, transfer_id=t.pk)
    t.refresh_from_db()
    assert t.status == "cancelled"
    with pytest.raises(ServiceError):
        transfers.transfer_request_decide(actor=users["grid_a"], transfer_id=t.pk, accept=True)


def test_filing_refuses_unknown_own_and_bad_numbers(users, held):
    grid_a, grid_b = users["grid_a"], users["grid_b"]
    with pytest.raises(ServiceError) as exc:
        transfers.transfer_request_create(actor=grid_b, id_number=_number(2), name="无此人", household_id=_household(grid_b).pk)
    assert exc.value.errors["id_number"][0].code == "not_registered"
    with pytest.raises(ServiceError) as exc:
        transfers.transfer_request_create(actor=grid_a, id_number=_number(1), name="迁移对象", household_id=_household(grid_a).pk)
    assert exc.value.errors["id_number"][0].code == "in_scope"
    with pytest.raises(ServiceError) as exc:
        transfers.transfer_request_create(actor=grid_b, id_number="123", name="张\u202e三", household_id=_household(grid_a).pk)
    assert {"id_number", "name"} <= set(exc.value.errors)
    # A household outside the requester's jurisdiction cannot be the destination.
    with pytest.raises(ServiceError) as exc:
        transfers.transfer_request_create(actor=grid_b, id_number=_number(1), name="迁移对象", household_id=_household(grid_a).pk)
    assert "household_id" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        transfers.transfer_request_create(actor=users["guard_a"], id_number=_number(1), name="迁移对象", household_id=_household(grid_b).pk)
    assert exc.value.status == 403
    assert not TransferRequest.objects.exists()


def test_the_stored_request_holds_the_number_encrypted(users, held):
    from django.db import connection

    t = transfers.transfer_request_create(actor=users["grid_b"], id_number=_number(1), name="迁移对象",
                                          household_id=_household(users["grid_b"]).pk)
    with connection.cursor() as cur:
        cur.execute("select id_number from people_transferrequest where id = %s", [t.pk])
        assert _number(1) not in cur.fetchone()[0]


# ----------------------------------------------------------------------------- the state table (pure)


@given(st.sampled_from([s.value for s in State]), st.sampled_from([a.value for a in Action]))
def test_transitions_follow_the_table(state, action):
    """Brute-force reference: only a pending request moves; accept/decline/cancel each land in their own state."""
    expected = {"accept": "accepted", "decline": "declined", "cancel": "cancelled"}[action] if state == "pending" else None
    if expected is None:
        with pytest.raises(IllegalTransition):
            next_state(state, action)
        assert is_final(state)
    else:
        assert next_state(state, action) == expected


def test_unknown_states_and_actions_are_refused():
    for state, action in (("pending", "approve"), ("done", "accept"), ("", "")):
        with pytest.raises(IllegalTransition):
            next_state(state, action)
    assert set(MOVES) == {State.PENDING}
