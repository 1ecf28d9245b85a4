"""Field encryption (AES-256-GCM), keyed lookup hashes (HMAC-SHA256) and masking.

Pure: no Django import. Two sub-keys are derived from the one field key with HKDF, so a
leaked lookup hash never helps decrypt, and the same key always gives the same hashes.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"  # stored values carry a version, so the key can be rotated later


class FieldKeyError(ValueError):
    pass


@lru_cache(maxsize=4)
def _keys(field_key: str) -> tuple[AESGCM, bytes]:
    try:
        raw = base64.b64decode(field_key, validate=True)
    except ValueError as exc:
        raise FieldKeyError("SHAODIAN_FIELD_KEY must be 32 bytes, base64-encoded") from exc
    if len(raw) != 32:
        raise FieldKeyError("SHAODIAN_FIELD_KEY must be 32 bytes, base64-encoded")

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)

    return AESGCM(derive(b"shaodian field encryption")), derive(b"shaodian lookup hash")


def encrypt(field_key: str, plaintext: str) -> str:
    if plaintext == "":
        return ""
    aead, _ = _keys(field_key)
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(field_key: str, stored: str) -> str:
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        raise ValueError("unknown ciphertext version")
    aead, _ = _keys(field_key)
    blob = base64.b64decode(stored[len(PREFIX):])
    return aead.decrypt(blob[:12], blob[12:], None).decode("utf-8")


def lookup_hash(field_key: str, value: str, *, purpose: str, length: int = 64) -> str:
    """Deterministic keyed hash of a normalised value: equality search without plaintext."""
    if value == "":
        return ""
    _, mac_key = _keys(field_key)
    digest = hmac.new(mac_key, f"{purpose}:{value}".encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:length]


def mask_id_number(value: str) -> str:
    """110105********002X: region code and last four stay readable, birth date is hidden."""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    # Passports and permits are short: keep the first and last two, hide at least half.
    if len(value) <= 4:
        return "*" * len(value)
    return value[:1] + "*" * (len(value) - 3) + value[-2:]


def mask_phone(value: str) -> str:
    """138****0000."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张*明 for exports to people outside the jurisdiction chain (not used in lists)."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
