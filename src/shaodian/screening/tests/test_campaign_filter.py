"""A campaign's door list filtered by visit status, read from the address through a form."""

import pytest

from shaodian.screening.models import VisitTask
from shaodian.screening.tests.test_campaigns import start
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def _listed(client, campaign, **query):
    r = client.get(f"/screening/campaigns/{campaign.pk}/", query)
    assert r.status_code == 200
    row = AuditLog.objects.filter(object_type="visit_task", action="list").order_by("-id").first()
    return r.content.decode(), row


def test_it_lists_the_doors_of_a_known_status(users, client_as):
    campaign = start(users)
    mine = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node)
    first = mine.order_by("household_id").first()
    VisitTask.objects.filter(pk=first.pk).update(status="refused")
    html, row = _listed(client_as("grid_a"), campaign, status="refused")
    assert first.household.address in html and row.detail["query"]["status"] == "refused"
    assert row.detail["ids"] == [first.pk]


@pytest.mark.parametrize("status", ["nonsense", "x" * 5_000_000])
def test_an_unknown_status_lists_every_door_and_is_not_audited_as_asked(users, client_as, status):
    campaign = start(users)
    html, row = _listed(client_as("grid_a"), campaign, status=status)
    assert "status" not in row.detail["query"]
    assert all(t.household.address in html
               for t in VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node)[:5])
