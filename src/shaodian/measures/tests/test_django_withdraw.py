"""Withdrawal belongs to the proposer's level or the authority above it (issue 8, item 3)."""

import pytest

from shaodian.measures import services
from shaodian.measures.models import Measure
from shaodian.measures.tests.helpers import BASIS

pytestmark = pytest.mark.django_db


def _node_measure(users, clock, *, by: str, zone: str = "precaution", level: str = "precaution"):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    return services.measure_propose(
        actor=users[by], place_id=users[by].node_id, zone=zone, static_level=level,
        restrictions=["entry_verification"], reason="辖区内出现聚集性疫情", starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=9))


def _to_legal_review(users, clock, m, *, by: str):
    clock.tick(60)
    services.measure_evaluate(actor=users["cdc"], measure_id=m.pk, risk_evidence=["辖区内确诊3例"], businesses_affected=0)
    clock.tick(60)
    services.measure_submit(actor=users[by], measure_id=m.pk)
    return Measure.objects.get(pk=m.pk)


@pytest.fixture
def district_measure_approved(users, clock):
    m = _to_legal_review(users, clock, _node_measure(users, clock, by="commander"), by="commander")
    clock.tick(60)
    services.measure_legal_approve(actor=users["legal"], measure_id=m.pk, legal_basis=[BASIS])
    clock.tick(60)
    services.measure_approve(actor=users["commander"], measure_id=m.pk)
    clock.tick(60)
    return Measure.objects.get(pk=m.pk)


@pytest.fixture
def street_measure_in_review(users, clock):
    m = _to_legal_review(users, clock, _node_measure(users, clock, by="street_a"), by="street_a")
    clock.tick(60)
    return m


def test_community_staff_cannot_withdraw_an_approved_district_measure_by_api(api_as, district_measure_approved):
    m = district_measure_approved
    assert m.status == "approved"
    response = api_as("staff_a").post(f"/api/v1/measures/{m.pk}/withdraw", {"reason": "不想要了"},
                                      content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "withdraw_level"
    assert Measure.objects.get(pk=m.pk).status == "approved"


def test_community_staff_cannot_withdraw_a_street_measure_in_legal_review_by_api(api_as, street_measure_in_review):
    m = street_measure_in_review
    response = api_as("staff_a").post(f"/api/v1/measures/{m.pk}/withdraw", {"reason": "不想要了"},
                                      content_type="application/json")
    assert response.status_code == 422
    assert Measure.objects.get(pk=m.pk).status == "legal_review"


@pytest.mark.parametrize("fixture", ["district_measure_approved", "street_measure_in_review"])
def test_community_staff_cannot_withdraw_above_their_level_from_the_page(request, client_as, fixture):
    m = request.getfixturevalue(fixture)
    before = m.status
    client = client_as("staff_a")
    assert 'value="withdraw"' not in client.get(f"/measures/{m.pk}/").content.decode()
    response = client.post(f"/measures/{m.pk}/act/", {"action": "withdraw", "reason": "不想要了"})
    assert response.status_code == 422
    assert "无权撤回" in response.content.decode()
    assert Measure.objects.get(pk=m.pk).status == before


def test_the_proposer_level_and_the_authority_above_may_withdraw(client_as, api_as, street_measure_in_review,
                                                                 district_measure_approved):
    page = client_as("street_a").get(f"/measures/{street_measure_in_review.pk}/")
    assert 'value="withdraw"' in page.content.decode()
    response = api_as("street_a").post(f"/api/v1/measures/{street_measure_in_review.pk}/withdraw",
                                       {"reason": "疫情已控制"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = api_as("commander").post(f"/api/v1/measures/{district_measure_approved.pk}/withdraw",
                                        {"reason": "疫情已控制"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
