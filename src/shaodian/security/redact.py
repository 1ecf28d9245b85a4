"""Hide ID numbers and phone numbers inside free text before it is stored (audit details, purposes).

Pure: no Django import. Anything that looks like a document or phone number — a run of seven or
more digits (an optional check letter X after it), or a mobile or ID number typed in groups with
spaces or hyphens — becomes a mask that keeps its last four characters plus a keyed hash, so a
supervisor can still tell that two searches were for the same number, and nobody can read it.
"""

import hashlib
import hmac
import re
import unicodedata

# Longest forms first: an ID number in groups (6-8-4), a mobile in groups (3-4-4), any long digit run.
SENSITIVE = re.compile(
    r"(?<!\d)(?:\d{6}[ -]\d{8}[ -]\d{3}[\dXx]|1\d{2}[ -]\d{4}[ -]\d{4}|\d{7,}[Xx]?)(?!\d)"
)
# The hash is written with letters only, so a mask never holds a digit run that looks like a number.
_LETTERS = "abcdefghjkmnpqrs"


def _tag(key: bytes, digits: str) -> str:
    mac = hmac.new(key, b"audit:" + digits.encode("utf-8"), hashlib.sha256).digest()
    return "".join(_LETTERS[b >> 4] + _LETTERS[b & 15] for b in mac[:5])


def mask_number(key: bytes, found: str) -> str:
    """`***9876#kqpa…`: the last four (what a clerk reads out loud) and a keyed hash of the whole."""
    # Full-width digits (typed with a Chinese input method) hash as the same number as ASCII ones.
    digits = re.sub(r"[ -]", "", unicodedata.normalize("NFKC", found)).upper()
    return "***" + digits[-4:] + "#" + _tag(key, digits)


def redact_text(key: bytes, text: str) -> str:
    return SENSITIVE.sub(lambda m: mask_number(key, m.group(0)), text)


def redact(key: bytes, value):
    """The same structure (dicts, lists, tuples) with every string's numbers masked; other values kept."""
    if isinstance(value, str):
        return redact_text(key, value)
    if isinstance(value, dict):
        return {redact(key, k) if isinstance(k, str) else k: redact(key, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(key, v) for v in value]
    return value
