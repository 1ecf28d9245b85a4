"""Signed QR payloads (Ed25519): a resident's digital identity and passes, verifiable offline.

Pure: no Django import. A token is `SD1.<payload>.<signature>`, both base64url without padding;
the signature covers `SD1.<payload>`, so a guard's phone holding only the public key can check
it with WebCrypto when the network is down.
"""

import base64
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PREFIX = "SD1"
MAX_TOKEN = 2048


class BadToken(ValueError):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.code, self.zh, self.en = code, zh, en


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keys:
    private: Ed25519PrivateKey
    public: Ed25519PublicKey

    @classmethod
    def from_seed(cls, seed_b64: str) -> "Keys":
        seed = base64.b64decode(seed_b64)
        if len(seed) != 32:
            raise ValueError("SHAODIAN_SIGNING_KEY must be 32 bytes, base64-encoded")
        private = Ed25519PrivateKey.from_private_bytes(seed)
        return cls(private, private.public_key())

    def public_raw_b64(self) -> str:
        return b64e(self.public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def sign(keys: Keys, payload: dict) -> str:
    body = b64e(json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode("utf-8"))
    signed = f"{PREFIX}.{body}"
    return f"{signed}.{b64e(keys.private.sign(signed.encode('ascii')))}"


def verify(public: Ed25519PublicKey, token: str) -> dict:
    """The payload of a genuine token; BadToken says why anything else is refused."""
    token = (token or "").strip()
    if len(token) > MAX_TOKEN:
        raise BadToken("malformed", "二维码内容过长", "The code is too long")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise BadToken("malformed", "无法识别的二维码", "Not a Shaodian code")
    try:
        signature = b64d(parts[2])
        payload = json.loads(b64d(parts[1]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BadToken("malformed", "二维码内容已损坏", "The code is damaged") from None
    try:
        public.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature:
        raise BadToken("forged", "二维码签名无效，可能被伪造", "The signature is invalid: the code may be forged") from None
    if not isinstance(payload, dict):
        raise BadToken("malformed", "二维码内容已损坏", "The code is damaged")
    return payload


def looks_like_token(value: str) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ".")
