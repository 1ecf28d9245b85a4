"""A resident who moves to another community through an accepted transfer loses the passes for the old place's
gates (revoked with the reason, refused at the gate); whoever may reissue near the new address is told. Passes
whose gates still serve the new address stay."""

import datetime as dt

import pytest
from django.utils import timezone

from shaodian.checkpoints import services
from shaodian.checkpoints.models import Checkpoint, Pass
from shaodian.checkpoints.moves import passes_after_move
from shaodian.core import outbox
from shaodian.core.models import Notification
from shaodian.people import services as people_services
from shaodian.people import transfers
from shaodian.people.moves import Move
from shaodian.places.models import Household
from shaodian.security.models import AuditLog, RoleChoice
from shaodian.testing.city import resident_in
from shaodian.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_scope():
    services._scope_cache.clear()
    yield
    services._scope_cache.clear()


def _issue(actor, kind, gate, holder):
    now = timezone.now()
    return services.pass_issue(actor=actor, kind=kind, checkpoint_ids=[gate.pk], valid_from=now,
                               valid_to=now + dt.timedelta(days=7), reason="每周透析", resident_id=holder.pk)


@pytest.fixture
def holder_with_passes(users):
    """grid_a's dialysis patient with a pass for the community's east gate and one for the street's market."""
    holder = resident_in("grid_a", 0)
    gate = Checkpoint.objects.get(place_id=holder.community_id, name__endswith="东门")
    market = Checkpoint.objects.get(place_id=holder.street_id, name__endswith="农贸市场")
    return holder, _issue(users["staff_a"], "dialysis", gate, holder), _issue(users["street_a"], "medical", market, holder)


def _move_by_transfer(users, holder):
    grid_b = users["grid_b"]
    target = Household.objects.filter(grid_id=grid_b.node_id).order_by("pk").first()
    t = transfers.transfer_request_create(actor=grid_b, id_number=holder.id_number, name=holder.name,
                                          household_id=target.pk)
    transfers.transfer_request_decide(actor=users["grid_a"], transfer_id=t.pk, accept=True)
    return t


def _inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("text_zh", flat=True))


def test_an_accepted_transfer_revokes_the_old_gates_pass_and_tells_the_new_community(users, holder_with_passes,
                                                                                      client):
    holder, dialysis, market = holder_with_passes
    staff_b = UserFactory(username="staff_b_moves", role=RoleChoice.COMMUNITY_STAFF,
                          node=users["grid_b"].node.parent)
    t = _move_by_transfer(users, holder)
    assert Pass.objects.get(pk=dialysis.pk).revoked_at is None  # the worker has not run yet

    outbox.work(worker="test")

    dialysis.refresh_from_db()
    assert dialysis.revoked_at is not None and "迁" in dialysis.revoked_reason
    assert Pass.objects.get(pk=market.pk).revoked_at is None  # the street's market still serves the new home
    audit = AuditLog.objects.get(object_type="pass", object_id=str(dialysis.pk), action="update")
    assert audit.actor is None and audit.detail["transfer"] == t.pk and audit.detail["to"] == "revoked"
    # The new community's staff may reissue a dialysis pass: they are told, and see why on the pass's page.
    [told] = _inbox(staff_b)
    assert dialysis.serial in told and "重新核发" in told and holder.name not in told
    client.force_login(staff_b)
    page = client.get(f"/checkpoints/passes/{dialysis.pk}/")
    assert page.status_code == 200 and dialysis.revoked_reason in page.content.decode()
    assert _inbox(users["street_a"]) == []  # the nearest level that may issue is told, not everyone above
    [issuer] = _inbox(users["staff_a"])
    assert dialysis.serial in issuer and "迁出" in issuer
    # At the gate it is a revoked pass like any other.
    assert dialysis.serial in services.revocation_list()
    with pytest.raises(services.Rejected, match="revoked"):
        services.pass_check(dialysis, dialysis.checkpoints.get().pk, timezone.now(), holder.pk)


def test_the_reaction_runs_once_however_often_it_is_retried(users, holder_with_passes):
    holder, dialysis, _ = holder_with_passes
    _move_by_transfer(users, holder)
    move = Move(holder.pk, None, 0, None, timezone.now())
    assert passes_after_move(move) == [dialysis.pk]
    assert passes_after_move(move) == []
    outbox.work(worker="test")
    assert AuditLog.objects.filter(object_type="pass", object_id=str(dialysis.pk), action="update").count() == 1


def test_with_no_one_in_the_new_community_the_street_is_told(users, holder_with_passes):
    holder, dialysis, _ = holder_with_passes
    _move_by_transfer(users, holder)
    outbox.work(worker="test")
    assert any(dialysis.serial in text for text in _inbox(users["street_a"]))


def test_a_move_inside_the_community_keeps_the_pass(users, holder_with_passes):
    holder, dialysis, market = holder_with_passes
    other = (Household.objects.filter(community_id=holder.community_id).exclude(grid_id=holder.grid_id)
             .order_by("pk").first())
    people_services.resident_link(actor=users["staff_a"], resident_id=holder.pk, household_id=other.pk,
                                  make_current=True)
    outbox.work(worker="test")
    holder.refresh_from_db()
    assert holder.grid_id == other.grid_id
    assert Pass.objects.filter(pk__in=[dialysis.pk, market.pk], revoked_at__isnull=True).count() == 2


def test_a_declined_transfer_changes_no_pass(users, holder_with_passes):
    holder, dialysis, _ = holder_with_passes
    grid_b = users["grid_b"]
    target = Household.objects.filter(grid_id=grid_b.node_id).order_by("pk").first()
    t = transfers.transfer_request_create(actor=grid_b, id_number=holder.id_number, name=holder.name,
                                          household_id=target.pk)
    transfers.transfer_request_decide(actor=users["grid_a"], transfer_id=t.pk, accept=False, reason="本人未同意")
    outbox.work(worker="test")
    assert Pass.objects.get(pk=dialysis.pk).revoked_at is None
