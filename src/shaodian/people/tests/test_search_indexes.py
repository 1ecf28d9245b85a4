"""Tag and address searches give the plain answer, and on PostgreSQL they go through their own indexes."""

import pytest
from django.db import connection, transaction

from shaodian.people import selectors
from shaodian.people.models import Resident, SpecialGroup
from shaodian.testing.factories import ResidentFactory

TRICKY = [["elderly_alone"], ["elderly", "elderly_alone"], ["low_income"], ["dialysis", "insulin"], ["child"], []]


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
    by_address = selectors.resident_filter(grid_a, q=address[-8:])
    assert "household_address_trgm" in _plan(by_address)


def test_on_sqlite_a_tag_is_one_like(users):
    sql = str(Resident.objects.filter(selectors.has_tag("dialysis")).query)
    assert ("@>" in sql) == (connection.vendor == "postgresql")
    assert ("LIKE" in sql) == (connection.vendor != "postgresql")
