"""Building names as typed match the community's buildings only when it is unambiguous."""

from hypothesis import given
from hypothesis import strategies as st

from shaodian.people.buildings import match, normalise

COMPOUNDS = ["海棠名苑", "桂花园", "翠竹小区", ""]


def test_a_short_name_matches_the_one_building_it_abbreviates():
    assert match("1栋", ["海棠名苑1栋", "海棠名苑11栋", "海棠名苑2栋"]) == ["海棠名苑1栋"]
    assert match("1幢", ["海棠名苑1栋"]) == ["海棠名苑1栋"]
    assert match("１号楼", ["海棠名苑1栋"]) == ["海棠名苑1栋"]
    assert match("海棠名苑1栋", ["1栋"]) == ["1栋"]


def test_ambiguous_and_unknown_names_are_not_guessed():
    assert match("1栋", ["海棠名苑1栋", "桂花园1栋"]) == ["海棠名苑1栋", "桂花园1栋"]
    assert match("3栋", ["海棠名苑1栋"]) == []
    assert match("1栋", ["海棠名苑11栋", "A1栋"]) == []
    assert match("", ["1栋"]) == []


def test_an_exact_name_wins_over_abbreviations():
    assert match("1栋", ["1栋", "海棠名苑1栋"]) == ["1栋"]


def _reference(typed: str, existing: list[str]) -> list[str]:
    """Brute force: compare every way of writing a building (compound + number + suffix) with the typed one."""
    def parts(name):
        n = normalise(name)
        for c in sorted(COMPOUNDS, key=len, reverse=True):
            if c and n.startswith(c):
                return c, n[len(c):]
        return "", n
    tc, tn = parts(typed)
    exact = [e for e in existing if parts(e) == (tc, tn)]
    if exact:
        return exact
    return [e for e in existing if parts(e)[1] == tn and (tc == "" or parts(e)[0] == "") and parts(e)[0] != tc]


BUILDING = st.builds(lambda c, n, s: f"{c}{n}{s}", st.sampled_from(COMPOUNDS), st.integers(1, 30), st.sampled_from(["栋", "幢", "号楼"]))


@given(BUILDING, st.lists(BUILDING, max_size=8, unique_by=normalise))
def test_matching_agrees_with_the_brute_force_reference(typed, existing):
    assert match(typed, existing) == _reference(typed, existing)
