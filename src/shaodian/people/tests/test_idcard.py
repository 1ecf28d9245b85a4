"""GB 11643 checksum and number validation, against published vectors and a brute-force reference."""

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from shaodian.people import idcard


def reference_check_char(first17: str) -> str:
    # The standard's own definition: find the character c that makes sum(a_i * 2^(i-1)) ≡ 1 (mod 11),
    # with weights counted from the right, position 1 being the check character itself.
    for c in "0123456789X":
        value = 10 if c == "X" else int(c)
        total = value + sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
        if total % 11 == 1:
            return c
    raise AssertionError("no check character")


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the standard's own example
        "440524188001010014",  # GB 11643 annex example
        "110101199003074477",
    ],
)
def test_it_accepts_published_numbers(number):
    assert idcard.validate_resident_id(number) == number


def test_it_accepts_lowercase_x_and_spaces():
    assert idcard.validate_resident_id(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    "number, code",
    [
        ("11010519491231002Y", "format"),
        ("110105194912310021", "checksum"),
        ("110105194912310020", "checksum"),
        ("11010519491331002X", "birth_date"),
        ("110105194902300026", "birth_date"),  # 30 February
        ("320311770706001", "length"),
        ("1101051949123100", "length"),
        ("", "required"),
        ("11010５19491231002X", "format"),  # a full-width digit
        ("990105194912310023", "region"),
    ],
)
def test_it_refuses_bad_numbers_with_a_reason(number, code):
    with pytest.raises(idcard.InvalidNumber) as exc:
        idcard.validate_resident_id(number)
    assert exc.value.code == code
    assert exc.value.zh and exc.value.en


def test_it_refuses_a_birth_date_in_the_future():
    first17 = "11010520300101002"
    with pytest.raises(idcard.InvalidNumber) as exc:
        idcard.validate_resident_id(first17 + idcard.check_char(first17), today=dt.date(2026, 1, 1))
    assert exc.value.code == "birth_date"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_matches_the_reference(first17):
    assert idcard.check_char(first17) == reference_check_char(first17)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_exactly_one_check_char_is_valid(first17, last):
    number = first17 + last
    valid = last == reference_check_char(first17)
    try:
        idcard.validate_resident_id(number)
        accepted = True
    except idcard.InvalidNumber as exc:
        accepted = False
        if exc.code == "checksum":
            assert not valid
    if accepted:
        assert valid


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.integers(0, 999),
    st.sampled_from(["110105", "440524", "310101", "650102"]),
)
def test_any_real_birth_date_and_region_validates(birth, seq, region):
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    number = first17 + reference_check_char(first17)
    assert idcard.validate_resident_id(number, today=dt.date(2026, 1, 1)) == number
    assert idcard.birth_date_of(number) == birth
    assert idcard.sex_of(number) == ("M" if seq % 2 else "F")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 9))
def test_a_single_digit_typo_is_always_caught(first17, pos, delta):
    # The mod-11 check catches every single-digit substitution; the typo may also break the date.
    good = first17 + reference_check_char(first17)
    digits = list(good)
    digits[pos] = str((int(digits[pos]) + delta) % 10)
    typo = "".join(digits)
    assert reference_check_char(typo[:17]) != typo[17]


@pytest.mark.parametrize("raw, want", [("138 0000 0000", "13800000000"), ("+86 13912345678", "13912345678"),
                                       ("010-12345678", "01012345678"), ("", "")])
def test_it_normalises_phones(raw, want):
    assert idcard.validate_phone(raw) == want


@pytest.mark.parametrize("raw", ["12345", "23800000000", "1380000000", "138000000001", "abc", "<script>"])
def test_it_refuses_bad_phones(raw):
    with pytest.raises(idcard.InvalidNumber):
        idcard.validate_phone(raw)


@pytest.mark.parametrize("doc, number", [("passport", "E12345678"), ("hk_macau", "H12345678"), ("taiwan", "12345678")])
def test_it_accepts_other_documents(doc, number):
    assert idcard.validate_document(doc, number) == number


def test_it_refuses_a_malformed_passport():
    with pytest.raises(idcard.InvalidNumber):
        idcard.validate_document("passport", "E1-2")
