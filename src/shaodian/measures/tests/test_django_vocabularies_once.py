"""Each vocabulary is defined once: a model's choices take their values from the pure module, and where two
apps keep their own words for one thing (a level and a place kind, a user role and a lifecycle role, a resident
tag and a gate group), one test here fails as soon as they drift apart (issue 10, item 6).
"""

from datetime import datetime, timedelta, timezone

from shaodian.measures import area, labels, lifecycle, rules
from shaodian.measures.models import ClosureType, Measure, MeasureStatus
from shaodian.measures.services import ROLE_MAP
from shaodian.people.models import SpecialGroup as ResidentTag
from shaodian.places.models import LEVELS, PlaceKind
from shaodian.security.roles import PERMISSIONS, Perm
from shaodian.security.roles import Role as UserRole

# The permissions that let a user act on a measure's lifecycle (seeing one is not acting).
MEASURE_ACTIONS = {Perm.PROPOSE_MEASURE, Perm.EVALUATE_MEASURE, Perm.LEGAL_REVIEW, Perm.APPROVE_MEASURE,
                   Perm.MANAGE_MEASURES}


def test_it_keeps_measure_status_choices_equal_to_lifecycle_statuses():
    assert MeasureStatus.values == [s.value for s in lifecycle.Status]
    assert all(str(label) for label in MeasureStatus.labels)


def test_it_keeps_closure_type_choices_equal_to_the_rules():
    assert ClosureType.values == [t.value for t in rules.ClosureType]
    assert set(rules.CLOSURE_TYPE_LABELS) == set(rules.ClosureType)


def test_it_keeps_lifecycle_levels_equal_to_place_kinds_in_the_same_order():
    assert {lv.value for lv in lifecycle.Level} == set(PlaceKind.values)
    # places.LEVELS runs from the city down; the lifecycle ranks the city highest.
    by_rank = sorted(lifecycle.Level, key=lambda lv: lv.rank, reverse=True)
    assert [lv.value for lv in by_rank] == [kind.value for kind in LEVELS]
    assert set(labels.LEVEL_LABELS) == {lv.value for lv in lifecycle.Level}


def test_it_maps_every_user_role_that_acts_on_measures_to_a_lifecycle_role():
    user_roles = {r.value for r in UserRole}
    assert set(ROLE_MAP) <= user_roles
    acting = {role.value for role, perms in PERMISSIONS.items() if perms & MEASURE_ACTIONS}
    assert acting <= set(ROLE_MAP), f"user roles that act on measures without a lifecycle role: {acting - set(ROLE_MAP)}"
    # Every lifecycle role but the background worker is somebody's.
    assert set(ROLE_MAP.values()) == set(lifecycle.Role) - {lifecycle.Role.SYSTEM}
    assert set(labels.ROLE_LABELS) == set(lifecycle.Role)


def test_it_keeps_gate_groups_a_subset_of_resident_tags():
    tags = set(ResidentTag.values)
    # The gate looks after fewer groups than residents are tagged with, under the same values.
    assert {g.value for g in lifecycle.SpecialGroup} <= tags
    assert set(area.GATE_TAGS) <= tags
    assert set(area.GATE_TAGS.values()) <= set(lifecycle.SpecialGroup)
    # Children live with their guardians: the only gate group no tag leads to.
    assert set(lifecycle.SpecialGroup) - set(area.GATE_TAGS.values()) == {lifecycle.SpecialGroup.CHILD}
    assert {g.value for g in lifecycle.SpecialGroup} <= set(labels.GROUP_LABELS)


def test_it_derives_the_status_columns_from_the_state_in_one_place():
    at = datetime(2024, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    state = lifecycle.propose(area_level=lifecycle.Level.COMMUNITY, starts_at=at + timedelta(days=2),
                              ends_at=at + timedelta(days=9), restrictions=(rules.Restriction.STAY_AT_HOME,),
                              actor=lifecycle.Actor("1", lifecycle.Role.COMMUNITY_STAFF, lifecycle.Level.COMMUNITY),
                              now=at)
    measure = Measure()
    measure.hold(state)
    assert (measure.status, measure.starts_at, measure.ends_at) == (state.status.value, state.starts_at, state.ends_at)
    assert set(Measure.STATE_FIELDS) == {"state", "status", "starts_at", "ends_at"}
