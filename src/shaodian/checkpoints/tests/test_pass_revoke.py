"""Revoking a pass (issue 8, item 4): only who may issue that kind of pass, in that jurisdiction, through one transition."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from shaodian.checkpoints import services
from shaodian.checkpoints.models import Pass, PassStatus
from shaodian.errors import ServiceError
from shaodian.people.models import Resident
from shaodian.places.models import Place
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_scope():
    services._scope_cache.clear()
    yield
    services._scope_cache.clear()


@pytest.fixture
def dialysis(users):
    """A dialysis pass issued by community staff for a resident of their community."""
    community = Place.objects.get(pk=users["staff_a"].node_id)
    gate = services.checkpoint_create(actor=users["staff_a"], place=community, name="东门", kind="community_gate")
    holder = Resident.objects.filter(community_id=community.pk).order_by("pk").first()
    now = timezone.now()
    return services.pass_issue(actor=users["staff_a"], kind="dialysis", checkpoint_ids=[gate.pk], valid_from=now,
                               valid_to=now + dt.timedelta(days=3), reason="每周透析", resident_id=holder.pk)


def revoke(api, permit, reason="不再需要"):
    return api.post(f"/api/v1/passes/{permit.pk}/revoke", json.dumps({"reason": reason}), content_type="application/json")


def test_the_supply_officer_cannot_revoke_a_dialysis_pass(api_as, dialysis):
    res = revoke(api_as("supply"), dialysis)
    assert res.status_code == 403, res.content
    dialysis.refresh_from_db()
    assert dialysis.revoked_at is None


def test_the_supply_officer_cannot_revoke_a_dialysis_pass_through_the_page(client_as, dialysis):
    res = client_as("supply").post(f"/checkpoints/passes/{dialysis.pk}/", {"reason": "不再需要"})
    assert res.status_code == 403
    dialysis.refresh_from_db()
    assert dialysis.revoked_at is None


def test_the_pass_page_offers_no_revocation_to_who_may_not_issue_that_kind(client_as, dialysis):
    page = client_as("supply").get(f"/checkpoints/passes/{dialysis.pk}/")
    assert page.status_code == 200
    assert 'name="reason"' not in page.content.decode()
    assert "data:image/svg+xml" not in page.content.decode()  # nor the QR to hand out


@pytest.mark.parametrize("username", ["staff_a", "cdc", "street_a", "commander"])
def test_who_may_issue_dialysis_passes_there_may_revoke_one(api_as, dialysis, username):
    res = revoke(api_as(username), dialysis)
    assert res.status_code == 200, res.content
    dialysis.refresh_from_db()
    assert dialysis.revoked_at is not None and dialysis.status(timezone.now()) == PassStatus.REVOKED


def test_staff_of_another_community_cannot_revoke_it(users, dialysis):
    community_b = Place.objects.get(pk=users["grid_b"].node.community_id)
    staff_b = type(users["staff_a"]).objects.create(username="staff_b", role="community_staff", node=community_b)
    with pytest.raises(ServiceError) as exc:
        services.pass_revoke(actor=staff_b, permit=dialysis, reason="不是我的")
    assert exc.value.status == 403
    dialysis.refresh_from_db()
    assert dialysis.revoked_at is None


def test_a_revoked_pass_cannot_be_revoked_again(users, dialysis):
    services.pass_revoke(actor=users["staff_a"], permit=dialysis, reason="治疗结束")
    first = Pass.objects.get(pk=dialysis.pk).revoked_at
    with pytest.raises(ServiceError) as exc:
        services.pass_revoke(actor=users["staff_a"], permit=dialysis, reason="再撤一次")
    assert exc.value.status == 422 and "已撤销" in exc.value.errors["status"][0].zh
    permit = Pass.objects.get(pk=dialysis.pk)
    assert permit.revoked_at == first and permit.revoked_reason == "治疗结束"


def test_an_expired_pass_is_not_revoked(users, dialysis):
    later = dialysis.valid_to + dt.timedelta(minutes=1)
    with pytest.raises(ServiceError) as exc:
        services.pass_transition(actor=users["staff_a"], permit=dialysis, to=PassStatus.REVOKED, reason="过期", now=later)
    assert exc.value.errors["status"][0].code == "illegal_transition"
    assert Pass.objects.get(pk=dialysis.pk).revoked_at is None


def test_a_pass_cannot_be_moved_back_to_issued(users, dialysis):
    with pytest.raises(ServiceError) as exc:
        services.pass_transition(actor=users["staff_a"], permit=dialysis, to=PassStatus.ISSUED, reason="恢复")
    assert exc.value.errors["status"][0].code == "illegal_transition"


def test_the_revocation_is_audited_with_its_states(users, dialysis):
    services.pass_revoke(actor=users["staff_a"], permit=dialysis, reason="治疗结束")
    row = AuditLog.objects.filter(object_type="pass", object_id=str(dialysis.pk), action="update").latest("id")
    assert row.detail == {"from": "issued", "to": "revoked"}
    assert row.actor_name == "staff_a"
