"""The tree page shows residents per child, counted by people through the counter it registers with places."""

from shaodian.people.selectors import residents_for
from shaodian.places import child_counts, selectors


def test_it_counts_each_street_of_the_district_through_the_registered_counter(users):
    commander = users["commander"]
    district, streets = selectors.place_children(commander, commander.node_id)
    counts = child_counts.resident_counts(commander, district, streets)
    assert set(counts) == {s.pk for s in streets}
    assert sum(counts.values()) == residents_for(commander).count()


def test_the_tree_page_shows_those_counts(client_as, users):
    commander = users["commander"]
    page = client_as("commander").get(f"/places/{commander.node_id}/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows and all(n for _street, n in rows)
