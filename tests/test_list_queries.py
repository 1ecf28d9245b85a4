"""Every list page costs a bounded number of queries, and no more when its rows multiply (no N+1).

Each page is read on the fixture city, then again after factories add a crowd of its rows; the
count may not grow, and it stays within the page's budget.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

# url: (who reads it, most queries it may run). Budgets are today's counts with a little room.
LIST_PAGES = {
    "/residents/": ("staff_a", 14),
    "/residents/exports/": ("staff_a", 12),
    "/residents/transfers/": ("staff_a", 14),
    "/places/": ("staff_a", 14),
    "/checkpoints/": ("staff_a", 14),
    "/checkpoints/passes/": ("staff_a", 16),
    "/checkpoints/alerts/": ("staff_a", 14),
    "/tracing/": ("cdc", 14),
    "/measures/": ("commander", 14),
    "/measures/zones/": ("commander", 14),
    "/measures/closures/": ("commander", 14),
    "/notifications/": ("staff_a", 12),
    "/audit/": ("supervisor", 14),
    "/system/outbox/": ("admin", 12),
    "/public/measures": (None, 10),
}
# A list may ask one more question once it has rows (a count, a page of ids): growth beyond that is N+1.
ROOM_FOR_ROWS = 1


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, follow=True)  # /places/ leads to the user's own node
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _crowd_every_list(users, n: int = 25) -> None:
    """n more rows of every kind the list pages show, in grid_a and its community."""
    from shaodian.checkpoints.models import ScanAlert
    from shaodian.core import notify
    from shaodian.core.models import ExportFile
    from shaodian.measures import services as measures
    from shaodian.measures.models import Closure
    from shaodian.places.models import Place
    from shaodian.security.audit import audit
    from shaodian.security.models import AuditAction
    from shaodian.testing import factories as f

    grid = Place.objects.get(pk=users["grid_a"].node_id)
    community = Place.objects.get(pk=grid.community_id)
    people = f.crowd(grid, n)
    gates = f.CheckpointFactory.create_batch(n, place=community)
    now = timezone.now()
    for r, gate in zip(people, gates, strict=True):
        f.PassFactory(resident=r, issued_by=users["staff_a"], checkpoints=[gate])
        f.CaseFactory(resident=r, registered_by=users["cdc"])
        alert = ScanAlert(client_id=f"crowd-{r.pk}", kind="case", resident=r, checkpoint=gate, at=now)
        alert.locate_at(community)
        alert.save()
        Closure.objects.create(place=community, city_id=community.city_id, district_id=community.district_id,
                               street_id=community.street_id, community_id=community.pk, description=f"{gate.name}旁",
                               closure_type="movable_barrier", emergency_channel="东侧消防通道", created_by=users["commander"],
                               created_at=now)
        notify.notify(recipient=users["staff_a"], zh=f"随访{r.pk}", en="follow-up", key=f"crowd-{r.pk}")
        ExportFile.objects.create(owner=users["staff_a"], kind="residents", rows_total=1, stored_name=f"crowd-{r.pk}.bin")
        audit(users["staff_a"], AuditAction.READ, "resident", r.pk)
    building_id = people[0].household.unit.building_id
    for _ in range(n // 5):
        measures.measure_propose(actor=users["commander"], building_id=building_id, zone="sealed", static_level="sealed",
                                 restrictions=["stay_at_home"], reason="病例所在楼栋", starts_at=now + dt.timedelta(days=2),
                                 ends_at=now + dt.timedelta(days=9))


@pytest.mark.parametrize("url", list(LIST_PAGES))
def test_a_list_page_runs_no_more_queries_with_more_rows(client, users, url):
    username, budget = LIST_PAGES[url]
    if username:
        client.force_login(users[username])
    client.get(url)  # warm the session and the caches
    few = _queries(client, url)
    _crowd_every_list(users)
    many = _queries(client, url)
    assert many <= few + ROOM_FOR_ROWS, f"{url}: {few} queries, {many} with more rows"
    assert many <= budget, f"{url}: {many} queries, budget {budget}"
