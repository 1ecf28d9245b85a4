"""Tag and address searches give the plain answer, and on PostgreSQL they go through their own indexes."""

import pytest
from django.db import connection, transaction

from shaodian.people import selectors
from shaodian.people.models import Resident, SpecialGroup
from shaodian.places.models import Household
from shaodian.testing.factories import ResidentFactory

TRICKY = [["elderly_alone"], ["elderly", "elderly_alone"], ["low_income"], ["bedridden", "dialysis", "insulin"], ["child"], []]


@pytest.mark.parametrize("tag", SpecialGroup.values)
def test_has_tag_finds_exactly_the_residents_holding_the_tag(users, tag):
    household = Resident.objects.filter(grid_id=users["grid_a"].node_id).first().household
    for tags in TRICKY:
        ResidentFactory(household=household, tags=tags)
    expected = {r.pk for r in Resident.objects.all() if tag in r.tag_list}
    assert {r.pk for r in Resident.objects.filter(selectors.has_tag(tag))} == expected
    # "elderly" is a prefix of "elderly_alone": holding one must not find the other
    if tag == "elderly":
        assert not any(r.tag_list == ["elderly_alone"] for r in Resident.objects.filter(selectors.has_tag(tag)))


def test_the_list_filters_by_tag_within_the_scope_only(users):
    staff = users["staff_a"]
    found = selectors.resident_search(staff, tag="elderly_alone", limit=200).items
    inside = selectors.residents_for(staff)
    assert {r.pk for r in found} == {r.pk for r in inside if "elderly_alone" in r.tag_list}


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")  # GIN serves bitmap scans only
        cur.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cur.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN and trigram indexes exist on PostgreSQL only")
def test_on_postgresql_tag_and_address_searches_can_use_their_indexes(users):
    """The tag expression must read exactly as the index's, or the planner could never use it."""
    grid_a = users["grid_a"]
    assert "resident_tags_gin" in _plan(Resident.objects.filter(selectors.has_tag("dialysis")))
    address = Resident.objects.filter(grid_id=grid_a.node_id).select_related("household").first().household.address
    assert "household_address_trgm" in _plan(Household.objects.filter(address__contains=address[-8:]))


def test_on_sqlite_a_tag_is_one_like(users):
    sql = str(Resident.objects.filter(selectors.has_tag("dialysis")).query)
    assert ("@>" in sql) == (connection.vendor == "postgresql")
    assert ("LIKE" in sql) == (connection.vendor != "postgresql")


def _all_pages(user, **search) -> list[int]:
    seen, cursor = [], None
    while True:
        page = selectors.resident_search(user, cursor=cursor, limit=7, **search)
        seen += [r.pk for r in page.items]
        if page.next is None:
            return seen
        cursor = page.next


@pytest.mark.parametrize("tag", ["bedridden", "elderly", "elderly_alone", "dialysis"])
def test_rare_and_common_tags_page_newest_first_whatever_the_plan(users, tag):
    """On PostgreSQL, after ANALYZE a rare tag sorts by id + 0 (through the GIN rows): same pages, same order."""
    household = Resident.objects.filter(community_id=users["staff_a"].node.community_id).first().household
    for tags in TRICKY * 3:
        ResidentFactory(household=household, tags=tags)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE people_resident")
    staff = users["staff_a"]
    expected = sorted((r.pk for r in selectors.residents_for(staff) if tag in r.tag_list), reverse=True)
    assert expected and _all_pages(staff, tag=tag) == expected
    expected_wang = [pk for pk in expected if Resident.objects.get(pk=pk).name.startswith("王")]
    assert _all_pages(staff, q="王", tag=tag) == expected_wang


def test_an_address_search_pages_newest_first_within_the_scope(users):
    staff = users["staff_a"]
    address = selectors.residents_for(staff).select_related("household").first().household.address
    fragment = address[-6:]
    expected = sorted((r.pk for r in selectors.residents_for(staff).select_related("household")
                       if fragment in r.household.address), reverse=True)
    assert expected and _all_pages(staff, q=fragment) == expected
    sql = str(selectors.newest_first(selectors.resident_filter(staff, q=fragment), q=fragment).query)
    assert ("+ 0" in sql) == (connection.vendor == "postgresql")


def test_the_grid_filter_lists_each_grid_once_escaped_with_the_chosen_one_selected(users, client_as):
    from shaodian.places.models import Place

    grids = list(Place.objects.filter(kind="grid", community_id=users["staff_a"].node_id).order_by("code"))
    Place.objects.filter(pk=grids[0].pk).update(name='A<b>"&')
    body = client_as("staff_a").get(f"/residents/?grid={grids[-1].pk}").content.decode()
    assert 'A&lt;b&gt;&quot;&amp;' in body and "A<b>" not in body
    for g in grids:
        assert body.count(f'<option value="{g.pk}"') == 1
    assert f'<option value="{grids[-1].pk}" selected>' in body
