"""Person names as typed, minus what hides or reorders text: the one check every form, the API and imports share.

Pure (no Django). A name may hold letters of any script, spaces, the middle dot of
transliterated names (阿卜杜拉·艾则孜), and a few punctuation marks of foreign names
(O'Neil, Jean-Luc, J. Smith). Refused: control and format characters (right-to-left
override, zero-width space/joiner, BOM), private-use and unassigned code points,
characters that render as blank (Hangul filler, braille blank), variation selectors,
and markup or separator characters.
"""

import unicodedata

NAME_MAX = 64
MIDDLE_DOT = "\u00b7"
# Dots people type for the middle dot of a transliterated name; all stored as U+00B7.
DOT_VARIANTS = {"\u30fb": MIDDLE_DOT, "\u2027": MIDDLE_DOT, "\u2022": MIDDLE_DOT, "\u2219": MIDDLE_DOT, "\uff65": MIDDLE_DOT}
# Letters that draw nothing, though Unicode files them as letters or symbols.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
# Markup and separators that have no place in a name and break exports and logs.
MARKUP = frozenset('<>{}[]\\;="|`$%^*&#@!?/:~_+')
ALLOWED_PUNCT = frozenset(MIDDLE_DOT + "'-.,()（）\u2019")
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Me"})


class InvalidName(ValueError):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def bad_char(c: str) -> bool:
    """True for a character a name may not hold (spaces are judged separately)."""
    if c in BLANK_LOOKING or c in MARKUP:
        return True
    if "\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef":
        return True  # variation selectors
    cat = unicodedata.category(c)
    if cat in REFUSED_CATEGORIES or cat == "Zs":  # ordinary spaces were collapsed before: a hair or em space hides
        return True
    if cat.startswith("P") and c not in ALLOWED_PUNCT:
        return True
    return cat.startswith("S")  # symbols: emoji, arrows, currency


def _hidden(c: str) -> bool:
    """Characters that do not show, or change how the rest shows: named by code point in messages."""
    return c in BLANK_LOOKING or unicodedata.category(c) in REFUSED_CATEGORIES | {"Zs", "Mn"}


def clean_name(raw, *, max_length: int = NAME_MAX) -> str:
    """The name to store (NFC, single spaces, one kind of middle dot), or InvalidName."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = "".join(DOT_VARIANTS.get(c, c) for c in text)
    # Ordinary and ideographic spaces and tabs collapse to one space; other separators are refused below.
    name = " ".join(_collapse(text))
    if not name:
        raise InvalidName("required", "姓名不能为空", "The name is required")
    if len(name) > max_length:
        raise InvalidName("name", f"姓名不能超过{max_length}个字符", f"A name has at most {max_length} characters")
    bad = [c for c in name if c != " " and bad_char(c)]
    hidden = sorted({f"U+{ord(c):04X}" for c in bad if _hidden(c)})
    if hidden:
        shown = "、".join(hidden)
        raise InvalidName(
            "name_hidden",
            f"姓名含有不可见字符或控制字符（{shown}），请删除后重新输入",
            f"The name contains invisible or control characters ({shown}); please delete them and retype it",
        )
    if bad:
        shown = " ".join(sorted(set(bad)))
        raise InvalidName("name_chars", f"姓名含有不允许的字符：{shown}", f"The name contains characters that are not allowed: {shown}")
    if not any(unicodedata.category(c).startswith("L") for c in name):
        raise InvalidName("name_chars", "姓名须含有文字", "A name must contain letters")
    if name.startswith(MIDDLE_DOT) or name.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in name:
        raise InvalidName("name_dot", "姓名中的间隔号“·”只能位于两段文字之间", "The middle dot “·” must stand between two parts of the name")
    return name


def _collapse(text: str) -> list[str]:
    """Words split on ordinary whitespace only (space, tab, no-break and ideographic space)."""
    out, word = [], []
    for c in text:
        if c in " \t\u00a0\u3000\n\r":
            if c in "\n\r":
                # A line break inside a name is a pasted mistake, not a space: refuse it.
                word.append(c)
                continue
            if word:
                out.append("".join(word))
                word = []
        else:
            word.append(c)
    if word:
        out.append("".join(word))
    return out
