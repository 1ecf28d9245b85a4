"""Matching a building name as typed in a sheet to the buildings a community already has. Pure: no Django.

"1栋" is "海棠名苑1栋" when the community has exactly one building whose name ends in 1栋
after a non-alphanumeric character (so 11栋 and A1栋 are not 1栋); 幢/号楼/号 read as 栋, full-width
digits as ASCII, spaces ignored.
"""

import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
                           "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SUFFIX = re.compile(r"(号楼|幢|号|栋)$")


def normalise(name: str) -> str:
    text = "".join(str(name).split()).translate(_FULLWIDTH).upper()
    return _SUFFIX.sub("栋", text) if text and text[:-1] and _SUFFIX.search(text) else text


def _ends_with_token(longer: str, shorter: str) -> bool:
    """`longer` ends with `shorter`, and what comes before is not a letter or digit of the same token."""
    if len(longer) <= len(shorter) or not longer.endswith(shorter):
        return False
    before = longer[-len(shorter) - 1]
    return not (before.isascii() and before.isalnum())


def match(typed: str, existing: list[str]) -> list[str]:
    """The existing names that `typed` means: the exact ones if any, else those it abbreviates or extends."""
    t = normalise(typed)
    if not t:
        return []
    exact = [e for e in existing if normalise(e) == t]
    if exact:
        return exact
    return [e for e in existing if _ends_with_token(normalise(e), t) or _ends_with_token(t, normalise(e))]
