"""Masking numbers in free text before it is stored: pure, against a brute-force reference."""

import re

from hypothesis import given, strategies as st

from shaodian.security.redact import redact, redact_text

KEY, OTHER = b"k" * 32, b"o" * 32


def longest_digit_run(text: str) -> int:
    """Brute force: the longest stretch of consecutive decimal digits (any script's 0-9, fullwidth included).

    Superscripts and circled digits ("¹", "①") are digits to `str.isdigit` but write no number a phone or an
    ID card carries: they count as the break between two runs, as they do for the masking.
    """
    best = run = 0
    for ch in text:
        run = run + 1 if ch.isdecimal() else 0
        best = max(best, run)
    return best


digits = st.text(alphabet="0123456789", min_size=1, max_size=25)
words = st.text(alphabet=st.sampled_from("张三查询 abcXx-:#/，。\n"), max_size=12)
texts = st.lists(st.one_of(digits, words, st.text(max_size=8)), max_size=8).map("".join)


@given(texts)
def test_no_number_survives(text):
    assert longest_digit_run(redact_text(KEY, text)) < 7


@given(texts)
def test_text_without_long_numbers_is_kept(text):
    grouped = re.search(r"\d{3}[ -]\d{4}[ -]\d{4}|\d{6}[ -]\d{8}[ -]\d{3}", text)
    if longest_digit_run(text) < 7 and not grouped:
        assert redact_text(KEY, text) == text


@given(st.sampled_from(["", "查询 ", "q="]), digits.filter(lambda d: len(d) >= 7), st.sampled_from(["", "X", " 张"]))
def test_the_same_number_gives_the_same_mask_and_keys_differ(before, number, after):
    text = before + number + after
    once, twice = redact_text(KEY, text), redact_text(KEY, text)
    assert once == twice and number not in once
    assert redact_text(OTHER, text) != once
    assert once.startswith(before + "***")


def test_it_hides_id_and_phone_numbers_typed_in_any_common_way():
    for raw in ["11010519880808888X", "110105198808088881", "110105 19880808 888X", "135 1234 9876",
                "135-1234-9876", "13512349876", "１３５１２３４９８７６", "E12345678"]:
        masked = redact_text(KEY, f"搜索{raw}。")
        assert raw not in masked and masked.startswith("搜索") and masked.endswith("。"), masked
    assert redact_text(KEY, "11010519880808888X") == redact_text(KEY, "110105 19880808 888x")


def test_it_keeps_dates_times_and_ids_readable():
    for kept in ["2026-11-28T10:00:00+08:00", "2026-11-28", "window 30", "第12行", "ABC-123"]:
        assert redact_text(KEY, kept) == kept
    detail = {"ids": [1234567890123, 5], "query": {"q": "13512349876", "grid": 7}, "ok": True}
    out = redact(KEY, detail)
    assert out["ids"] == [1234567890123, 5] and out["query"]["grid"] == 7 and out["ok"] is True
    assert "13512349876" not in out["query"]["q"] and out["query"]["q"].startswith("***9876#")
