"""Negative list (CHK-3) and static-management levels (MEA-2)."""

import pytest

from shaodian.measures.rules import (
    DEFAULT_STATIC_LEVELS,
    Closure,
    ClosureType,
    EmergencyChannel,
    PlaceFlag,
    Restriction,
    check_closure,
    check_restrictions,
    parse_closure_type,
    static_level,
)

CHANNEL = EmergencyChannel("东门应急通道", "值班电话 12345678")


def closure(flags=(), closure_type=ClosureType.STAFFED_CHECKPOINT, channel=CHANNEL):
    return Closure("p1", "3号楼西侧门", frozenset(flags), closure_type, channel)


def codes(check):
    return [v.code for v in check.violations]


def test_it_allows_a_staffed_checkpoint_with_a_named_channel():
    check = check_closure(closure())
    assert check.allowed and check.violations == ()


@pytest.mark.parametrize("flag", list(PlaceFlag))
def test_it_refuses_closing_any_flagged_place(flag):
    check = check_closure(closure([flag]))
    assert not check.allowed
    assert codes(check) == [f"negative_list.{flag.value}"]
    assert check.violations[0].reason_zh and check.violations[0].reason_en


def test_it_cites_the_fire_law_for_a_fire_lane():
    (violation,) = check_closure(closure([PlaceFlag.FIRE_LANE])).violations
    assert "《中华人民共和国消防法》第二十八条" in violation.reason_zh


def test_it_reports_every_broken_rule_at_once():
    check = check_closure(closure(["fire_lane", "hospital_access"], "welded_door", None))
    assert codes(check) == ["negative_list.fire_lane", "negative_list.hospital_access",
                            "negative_list.forbidden_type", "negative_list.no_emergency_channel"]


@pytest.mark.parametrize("channel", [None, EmergencyChannel(""), EmergencyChannel("   ")])
def test_it_refuses_a_closure_without_a_named_emergency_channel(channel):
    assert codes(check_closure(closure(channel=channel))) == ["negative_list.no_emergency_channel"]


@pytest.mark.parametrize("requested", ["welded_door", "locked_door", "chained_door", "nailed_board"])
def test_it_refuses_locked_and_welded_doors(requested):
    violation = parse_closure_type(requested)
    assert violation.code == "negative_list.forbidden_type"
    assert "禁止" in violation.reason_zh and "forbidden" in violation.reason_en
    assert codes(check_closure(closure(closure_type=requested))) == ["negative_list.forbidden_type"]


def test_it_has_no_locking_closure_type():
    assert not any(word in t.value for t in ClosureType for word in ("lock", "weld", "chain", "nail"))


def test_it_refuses_an_unknown_closure_type_and_an_unknown_flag():
    assert parse_closure_type("bricked_up").code == "negative_list.unknown_type"
    assert codes(check_closure(closure(["river_bank"]))) == ["negative_list.unknown_flag"]


def test_it_accepts_closure_types_given_as_strings():
    assert parse_closure_type("movable_barrier") is ClosureType.MOVABLE_BARRIER
    assert check_closure(closure(closure_type="timed_access")).allowed


def test_it_has_four_default_levels_with_bilingual_texts():
    assert [lv.rank for lv in DEFAULT_STATIC_LEVELS] == [1, 2, 3, 4]
    for lv in DEFAULT_STATIC_LEVELS:
        assert lv.start_conditions and lv.lifting_criteria and lv.duties and lv.allowed_restrictions
        for text in (lv.name, *lv.start_conditions, *lv.lifting_criteria, *lv.duties):
            assert text.zh.strip() and text.en.strip()


def test_it_nests_allowed_restrictions_from_mild_to_strict():
    sets = [lv.allowed_restrictions for lv in DEFAULT_STATIC_LEVELS]
    assert all(a < b for a, b in zip(sets, sets[1:], strict=False))
    assert Restriction.STAY_AT_HOME in static_level("sealed").allowed_restrictions


def test_it_allows_restrictions_of_the_level():
    assert check_restrictions("controlled", [Restriction.STAY_IN_AREA, "entry_verification"]) == ()


def test_it_refuses_restrictions_above_the_level_and_names_the_level_needed():
    (violation,) = check_restrictions("precaution", [Restriction.STAY_AT_HOME, Restriction.STAY_AT_HOME])
    assert violation.code == "static_level.restriction_not_allowed"
    assert "四级（封控）" in violation.reason_zh and "Level 4 (sealed)" in violation.reason_en


def test_it_refuses_unknown_levels_and_restrictions():
    assert check_restrictions("martial", [])[0].code == "static_level.unknown"
    assert check_restrictions("sealed", ["weld_doors"])[0].code == "static_level.unknown_restriction"


def test_it_uses_a_configured_level_set():
    custom = (DEFAULT_STATIC_LEVELS[0],)
    assert check_restrictions("advisory", [Restriction.GATHERING_LIMIT], custom) == ()
    (violation,) = check_restrictions("sealed", [Restriction.GATHERING_LIMIT], custom)
    assert violation.code == "static_level.unknown"


def test_a_zone_and_its_static_level_must_agree():
    from shaodian.measures.rules import check_zone_level

    # The reference, written out: 封控区 四级 · 管控区 三级 · 防范区 一级或二级.
    agree = {("sealed", "sealed"), ("controlled", "controlled"), ("precaution", "advisory"),
             ("precaution", "precaution")}
    for zone in ("sealed", "controlled", "precaution"):
        for level in ("advisory", "precaution", "controlled", "sealed"):
            v = check_zone_level(zone, level)
            assert (v is None) == ((zone, level) in agree), (zone, level)
            if v is not None:
                assert v.code == "zone_level_mismatch" and v.reason_zh and v.reason_en
    assert "封控区须实行四级（封控），不能是三级（管控）" in check_zone_level("sealed", "controlled").reason_zh
    assert check_zone_level("unknown", "sealed") is None and check_zone_level("sealed", "unknown") is None
