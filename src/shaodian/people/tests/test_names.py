"""Names: letters of any script and the middle dot stay; invisible, control and reordering characters are refused."""

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.people.names import ALLOWED_PUNCT, MIDDLE_DOT, InvalidName, clean_name

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
PART = st.text(CJK, min_size=1, max_size=6)


def reference_allows(c: str) -> bool:
    """Brute-force whitelist: what a name character may be, written independently of names.bad_char."""
    if c in "\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5":
        return False
    if 0xFE00 <= ord(c) <= 0xFE0F or 0xE0100 <= ord(c) <= 0xE01EF:
        return False
    cat = unicodedata.category(c)
    return cat[0] in "LN" or cat in ("Mn", "Mc") or c in ALLOWED_PUNCT


@pytest.mark.parametrize("name", ["张三", "阿卜杜拉·艾则孜", "买买提·吐尔逊", "O'Neil", "Jean-Luc Picard", "José Nguyễn", "欧阳 娜娜"])
def test_real_names_are_kept(name):
    assert clean_name(name) == name


@pytest.mark.parametrize(
    "name",
    ["张\u202e三", "张\u200b三", "张\u200d三", "\ufeff张三", "张\u2066三", "张\u0007三", "张\n三", "张\u3164三",
     "张\u2800三", "张\u200a三", "张\ue000三", "张三\ufe0f", "张\U000e0041三", "张;三", "<b>张</b>", "张🙂"],
)
def test_invisible_control_and_markup_characters_are_refused(name):
    with pytest.raises(InvalidName) as exc:
        clean_name(name)
    assert exc.value.code in ("name_hidden", "name_chars") and exc.value.zh and exc.value.en


@pytest.mark.parametrize("c", ["\u202e", "\u200b", "\u2066", "\u0007"])
def test_a_hidden_character_is_named_by_its_code_point(c):
    with pytest.raises(InvalidName) as exc:
        clean_name(f"张{c}三")
    assert exc.value.code == "name_hidden" and f"U+{ord(c):04X}" in exc.value.zh and f"U+{ord(c):04X}" in exc.value.en


@pytest.mark.parametrize("name", ["·张三", "张三·", "阿卜杜拉··艾则孜", "···", "  ", ""])
def test_a_middle_dot_must_stand_between_parts(name):
    with pytest.raises(InvalidName):
        clean_name(name)


def test_dot_variants_become_the_middle_dot():
    assert clean_name("阿卜杜拉・艾则孜") == f"阿卜杜拉{MIDDLE_DOT}艾则孜"
    assert clean_name("阿卜杜拉‧艾则孜") == f"阿卜杜拉{MIDDLE_DOT}艾则孜"


def test_spaces_collapse_and_long_names_are_refused():
    assert clean_name("  欧阳\u3000 娜娜 ") == "欧阳 娜娜"
    with pytest.raises(InvalidName):
        clean_name("张" * 65)


def test_every_code_point_matches_the_reference():
    """Each character between two letters is accepted exactly when the whitelist allows it."""
    disagree = []
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if c in " \t\u00a0\u3000" or c == MIDDLE_DOT or c in "\u30fb\u2027\u2022\u2219\uff65":
            continue  # spaces collapse and dot variants normalise: tested above
        text = f"张{c}三"
        if unicodedata.normalize("NFC", text) != text:
            continue  # composes with a neighbour: NFC changes it
        try:
            clean_name(text)
            accepted = True
        except InvalidName:
            accepted = False
        if accepted != reference_allows(c):
            disagree.append(f"U+{cp:04X}")
    assert disagree == []


@given(st.lists(PART, min_size=1, max_size=3))
def test_dotted_chinese_names_are_accepted_unchanged(parts):
    name = MIDDLE_DOT.join(parts)
    assert clean_name(name) == name


@settings(max_examples=300)
@given(PART, PART, st.characters(categories=["Cc", "Cf", "Co", "Zl", "Zp", "Me"]).filter(lambda c: c not in "\t"))
def test_a_hidden_character_anywhere_is_refused(left, right, hidden):
    with pytest.raises(InvalidName):
        clean_name(left + hidden + right)


@given(st.text(max_size=20))
def test_accepted_names_are_stable_and_hold_only_allowed_characters(raw):
    try:
        name = clean_name(raw)
    except InvalidName:
        return
    assert clean_name(name) == name
    assert all(c == " " or reference_allows(c) for c in name)
