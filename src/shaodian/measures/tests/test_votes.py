"""Resident vote arithmetic (PUB-4): two thirds of the households that voted, one household one vote."""

from hypothesis import given
from hypothesis import strategies as st

from shaodian.measures.lifecycle import Vote, tally

AREA = frozenset(f"h{i}" for i in range(12))


def votes(*pairs):
    return [Vote(h, approve) for h, approve in pairs]


def test_it_passes_at_exactly_two_thirds():
    result = tally(votes(("h0", True), ("h1", True), ("h2", False)), AREA)
    assert (result.valid, result.approve, result.reject) == (3, 2, 1)
    assert result.passed


def test_it_fails_just_below_two_thirds():
    # 6 of 10 = 0.6 < 2/3; 7 of 10 passes.
    six = tally([Vote(f"h{i}", i < 6) for i in range(10)], AREA)
    seven = tally([Vote(f"h{i}", i < 7) for i in range(10)], AREA)
    assert not six.passed and seven.passed


def test_it_decides_exact_two_thirds_in_integers_at_every_size():
    for valid in range(3, 301, 3):
        area = [f"h{i}" for i in range(valid)]
        at = tally([Vote(h, i < valid * 2 // 3) for i, h in enumerate(area)], area)
        below = tally([Vote(h, i < valid * 2 // 3 - 1) for i, h in enumerate(area)], area)
        assert at.passed and not below.passed, valid


def test_it_fails_when_nobody_voted():
    result = tally([], AREA)
    assert result.valid == 0 and not result.passed and result.eligible == 12


def test_it_refuses_votes_from_outside_the_area():
    result = tally(votes(("h0", True), ("x9", True), ("x9", True)), AREA)
    assert result.valid == 1
    assert [r.code for r in result.rejected] == ["outside_area", "outside_area"]
    assert "x9" in result.rejected[0].reason_zh and "outside" in result.rejected[0].reason_en


def test_it_counts_only_the_first_vote_of_a_household():
    result = tally(votes(("h0", False), ("h0", True), ("h1", True), ("h0", True)), AREA)
    assert (result.valid, result.approve) == (2, 1)
    assert [r.code for r in result.rejected] == ["duplicate", "duplicate"]
    assert all(r.vote.household_id == "h0" for r in result.rejected)
    assert "一户一票" in result.rejected[0].reason_zh
    assert not result.passed  # 1 of 2


def test_it_does_not_let_a_household_turn_a_vote_by_voting_again():
    honest = votes(("h0", True), ("h1", False), ("h2", False))
    stuffed = honest + votes(("h0", True), ("h0", True), ("h0", True))
    assert tally(honest, AREA).passed == tally(stuffed, AREA).passed is False


@given(st.lists(st.tuples(st.sampled_from(sorted(AREA | {"x1", "x2"})), st.booleans()), max_size=40))
def test_it_matches_a_brute_force_count(pairs):
    result = tally(votes(*pairs), AREA)
    first = {}
    for h, approve in pairs:
        if h in AREA:
            first.setdefault(h, approve)
    assert result.valid == len(first)
    assert result.approve == sum(first.values())
    assert len(result.rejected) == len(pairs) - len(first)
    assert result.passed == (len(first) > 0 and sum(first.values()) / len(first) >= 2 / 3 - 1e-12)
