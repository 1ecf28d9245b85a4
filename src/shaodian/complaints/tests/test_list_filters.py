"""The complaint list, its export and the KPIs read their filters from the address through forms: a bad status or
category filters nothing, is not audited as asked, and is not carried on into the export link."""

import pytest

from shaodian.complaints.tests.factories import make_town
from shaodian.complaints.tests.test_export import _file, _sheet
from shaodian.security.models import AuditLog

HUGE = "x" * 5_000_000


@pytest.fixture
def town(db):
    return make_town()


def _outside_header(html: str) -> str:
    """The page but its header, whose language switch returns to the very address asked for."""
    return html.split("<header", 1)[0] + html.split("</header>", 1)[-1]


def _listed(client, **query):
    r = client.get("/complaints/", query)
    assert r.status_code == 200
    return r.content.decode(), AuditLog.objects.filter(object_type="complaint", action="list").latest("pk")


def test_it_filters_by_status_category_and_escalation(client, town):
    c = _file(town)
    client.force_login(town.users["street"])
    html, row = _listed(client, status="new", category="over_blocking")
    assert c.number in html and row.detail["query"] == {"status": "new", "category": "over_blocking"}
    assert c.number not in _listed(client, status="resolved")[0]
    html, _row = _listed(client, late="1")
    assert c.number not in html and 'name="late" value="1" checked' in html


@pytest.mark.parametrize("query", [{"status": "nonsense"}, {"category": "gossip"}, {"status": HUGE, "category": HUGE}])
def test_a_bad_filter_lists_everything_and_is_not_audited_or_carried_on(client, town, query):
    c = _file(town)
    client.force_login(town.users["street"])
    html, row = _listed(client, **query)
    assert c.number in html and row.detail["query"] == {}
    assert 'export.xlsx?status=&amp;category="' in html
    assert HUGE not in _outside_header(html)
    r = client.get("/complaints/export.xlsx", query)
    assert r.status_code == 200 and c.number in [line[0] for line in _sheet(r.content)[1:]]


@pytest.mark.parametrize("category", ["over_blocking", "gossip", HUGE])
def test_the_kpis_answer_for_any_category(client, town, category):
    _file(town)
    client.force_login(town.users["district"])
    r = client.get("/complaints/kpi/", {"category": category})
    html = r.content.decode()
    assert r.status_code == 200 and "办结率" in html
    assert ('value="over_blocking" selected' in html) == (category == "over_blocking")


@pytest.mark.parametrize("number, shown", [("T20260101-0001", 'value="T20260101-0001"'), (HUGE, 'name="number"')])
def test_the_tracking_page_is_filled_in_with_a_number_of_the_right_length_only(client, town, number, shown):
    r = client.get("/public/track/", {"number": number})
    html = r.content.decode()
    assert r.status_code == 200 and shown in html and HUGE[:100] not in _outside_header(html)
