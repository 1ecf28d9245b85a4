"""The indexes of the people and places tables, pinned per database.

Every index costs each import and each registration; a migration that drops one a search needs, or
adds a copy of one that exists (Django's LIKE-only `_like` twins on PostgreSQL), changes this set
and fails here. Index names are left out where Django derives them from a hash.
"""

import re

import pytest
from django.apps import apps
from django.db import connection


def _tables() -> list[str]:
    return sorted(m._meta.db_table for label in ("people", "places") for m in apps.get_app_config(label).get_models())


def index_set(table: str) -> list[str]:
    """One line per index: unique or not, method, and what it covers (columns, opclasses, expressions)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
            out = []
            for name, definition in cur.fetchall():
                body = re.sub(r"^CREATE (UNIQUE )?INDEX \S+ ON public\.\S+ USING ", r"\1", definition)
                out.append(f"{_name(name)} {body}")
            return sorted(out)
        found = connection.introspection.get_constraints(cur, table)
        return sorted(
            f"{_name(name)} {'UNIQUE ' if c['unique'] else ''}({', '.join(c['columns'])})"
            for name, c in found.items() if c["index"] or c["unique"] and not c["primary_key"]
        )


def _name(name: str) -> str:
    """A name given in the models stays; a generated one (hash or autoindex) becomes '~'."""
    if name.startswith("sqlite_autoindex") or re.search(r"_[0-9a-f]{8}(_like|_uniq)?$|_pkey$|_key$", name):
        return "~"
    return name


EXPECTED = {
    "postgresql": {
            'people_carenote': [
                'care_note_unique UNIQUE btree (resident_id, "group")',
                '~ UNIQUE btree (id)',
                '~ btree (resident_id)',
            ],
            'people_healthflag': [
                'health_flag_unique UNIQUE btree (resident_id, flag)',
                '~ UNIQUE btree (id)',
                '~ btree (resident_id)',
            ],
            'people_houselink': [
                'link_one_current UNIQUE btree (resident_id) WHERE is_current',
                'link_unique UNIQUE btree (resident_id, household_id)',
                '~ UNIQUE btree (id)',
                '~ btree (household_id)',
            ],
            'people_importjob': [
                '~ UNIQUE btree (id)',
                '~ btree (actor_id)',
            ],
            'people_resident': [
                'resident_community btree (community_id, id)',
                'resident_district btree (district_id, id)',
                'resident_grid btree (grid_id, id)',
                'resident_name btree (name, id)',
                'resident_name_like btree (name varchar_pattern_ops)',
                'resident_street btree (street_id, id)',
                "resident_tags_gin gin (string_to_array((tags)::text, ','::text))",
                '~ UNIQUE btree (id)',
                '~ UNIQUE btree (id_hash)',
                '~ UNIQUE btree (qr_id)',
                '~ btree (household_id)',
                '~ btree (id_tail_hash)',
                '~ btree (phone_hash)',
                '~ btree (phone_tail_hash)',
            ],
            'people_transferrequest': [
                "transfer_one_pending UNIQUE btree (id_hash, to_household_id) WHERE ((status)::text = 'pending'::text)",
                'transfer_status_resident btree (status, resident_id)',
                '~ UNIQUE btree (id)',
                '~ btree (decided_by_id)',
                '~ btree (from_household_id)',
                '~ btree (id_hash)',
                '~ btree (requested_by_id)',
                '~ btree (resident_id)',
                '~ btree (to_household_id)',
            ],
            'places_building': [
                'building_community btree (community_id, name)',
                'building_unique_in_grid UNIQUE btree (grid_id, name)',
                '~ UNIQUE btree (id)',
                '~ btree (city_id)',
                '~ btree (community_id)',
                '~ btree (district_id)',
                '~ btree (grid_id)',
                '~ btree (street_id)',
            ],
            'places_household': [
                'household_address_trgm gin (address gin_trgm_ops)',
                'household_community btree (community_id, id)',
                'household_grid btree (grid_id, id)',
                'household_unique_in_unit UNIQUE btree (unit_id, room)',
                '~ UNIQUE btree (id)',
                '~ btree (district_id)',
                '~ btree (street_id)',
            ],
            'places_place': [
                'place_community_kind btree (community_id, kind)',
                'place_district_kind btree (district_id, kind)',
                'place_parent_code btree (parent_id, code)',
                'place_street_kind btree (street_id, kind)',
                '~ UNIQUE btree (code)',
                '~ UNIQUE btree (id)',
                '~ btree (city_id)',
                '~ btree (code varchar_pattern_ops)',
                '~ btree (community_id)',
                '~ btree (district_id)',
                '~ btree (parent_id)',
                '~ btree (street_id)',
            ],
            'places_unit': [
                'unit_unique_in_building UNIQUE btree (building_id, name)',
                '~ UNIQUE btree (id)',
                '~ btree (building_id)',
                '~ btree (city_id)',
                '~ btree (community_id)',
                '~ btree (district_id)',
                '~ btree (grid_id)',
                '~ btree (street_id)',
            ],
        },
    "sqlite": {
            'people_carenote': [
                'care_note_unique UNIQUE (resident_id, group)',
                '~ (resident_id)',
            ],
            'people_healthflag': [
                'health_flag_unique UNIQUE (resident_id, flag)',
                '~ (resident_id)',
            ],
            'people_houselink': [
                'link_one_current UNIQUE (resident_id)',
                'link_unique UNIQUE (resident_id, household_id)',
                '~ (household_id)',
            ],
            'people_importjob': [
                '~ (actor_id)',
            ],
            'people_resident': [
                '__unnamed_constraint_1__ UNIQUE (id_hash)',
                '__unnamed_constraint_2__ UNIQUE (qr_id)',
                'resident_community (community_id, id)',
                'resident_district (district_id, id)',
                'resident_grid (grid_id, id)',
                'resident_name (name, id)',
                'resident_name_like (name)',
                'resident_street (street_id, id)',
                '~ (household_id)',
                '~ (id_tail_hash)',
                '~ (phone_hash)',
                '~ (phone_tail_hash)',
            ],
            'people_transferrequest': [
                'transfer_one_pending UNIQUE (id_hash, to_household_id)',
                'transfer_status_resident (status, resident_id)',
                '~ (decided_by_id)',
                '~ (from_household_id)',
                '~ (id_hash)',
                '~ (requested_by_id)',
                '~ (resident_id)',
                '~ (to_household_id)',
            ],
            'places_building': [
                'building_community (community_id, name)',
                'building_unique_in_grid UNIQUE (grid_id, name)',
                '~ (city_id)',
                '~ (community_id)',
                '~ (district_id)',
                '~ (grid_id)',
                '~ (street_id)',
            ],
            'places_household': [
                'household_community (community_id, id)',
                'household_grid (grid_id, id)',
                'household_unique_in_unit UNIQUE (unit_id, room)',
                '~ (district_id)',
                '~ (street_id)',
            ],
            'places_place': [
                '__unnamed_constraint_1__ UNIQUE (code)',
                'place_community_kind (community_id, kind)',
                'place_district_kind (district_id, kind)',
                'place_parent_code (parent_id, code)',
                'place_street_kind (street_id, kind)',
                '~ (city_id)',
                '~ (community_id)',
                '~ (district_id)',
                '~ (parent_id)',
                '~ (street_id)',
            ],
            'places_unit': [
                'unit_unique_in_building UNIQUE (building_id, name)',
                '~ (building_id)',
                '~ (city_id)',
                '~ (community_id)',
                '~ (district_id)',
                '~ (grid_id)',
                '~ (street_id)',
            ],
        },
}


@pytest.mark.django_db
def test_the_people_and_places_tables_carry_exactly_their_pinned_indexes():
    expected = EXPECTED[connection.vendor]
    assert _tables() == sorted(expected), "a table was added or removed: pin its indexes here"
    for table in _tables():
        assert index_set(table) == expected[table], table


@pytest.mark.django_db
def test_residents_have_no_like_only_copies_and_no_single_scope_indexes():
    """The point of the pinned set, said plainly: what migration people 0006 dropped stays dropped."""
    found = " | ".join(index_set("people_resident"))
    assert "varchar_pattern_ops" not in found.replace("resident_name_like btree (name varchar_pattern_ops)", "")
    for column in ("city_id", "district_id", "street_id", "community_id", "grid_id"):
        assert f"({column})" not in found, column
    assert found.count("(household_id)") == 1
