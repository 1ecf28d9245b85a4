"""List pages cost the same number of queries whatever the page size (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_resident_list_page(client_as):
    client = client_as("staff_a")
    client.get("/residents/")  # warm the session
    small = queries(client, "/residents/?q=")
    assert small <= 12
    api = queries(client, "/api/v1/residents?limit=5")
    assert api == queries(client, "/api/v1/residents?limit=150")


def test_the_household_page(client_as, users):
    from shaodian.places.models import Household

    client = client_as("staff_a")
    h = Household.objects.filter(community_id=users["staff_a"].node_id, current_residents__isnull=False).first()
    assert queries(client, f"/residents/households/{h.pk}/") <= 12
