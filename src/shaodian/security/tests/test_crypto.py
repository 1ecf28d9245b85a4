import base64
import os

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given, strategies as st

from shaodian.security import crypto

KEY = base64.b64encode(b"k" * 32).decode()
OTHER = base64.b64encode(b"o" * 32).decode()


@given(st.text(min_size=1, max_size=60))
def test_encryption_round_trips(value):
    stored = crypto.encrypt(KEY, value)
    assert value not in stored[3:] or len(value) < 3
    assert crypto.decrypt(KEY, stored) == value


def test_it_uses_a_fresh_nonce_each_time():
    assert crypto.encrypt(KEY, "11010519491231002X") != crypto.encrypt(KEY, "11010519491231002X")


def test_it_refuses_another_key_or_tampering():
    stored = crypto.encrypt(KEY, "13800000000")
    with pytest.raises(InvalidTag):
        crypto.decrypt(OTHER, stored)
    blob = bytearray(base64.b64decode(stored[3:]))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(KEY, "v1:" + base64.b64encode(bytes(blob)).decode())


def test_lookup_hash_is_deterministic_keyed_and_purpose_bound():
    a = crypto.lookup_hash(KEY, "13800000000", purpose="phone")
    assert a == crypto.lookup_hash(KEY, "13800000000", purpose="phone")
    assert a != crypto.lookup_hash(OTHER, "13800000000", purpose="phone")
    assert a != crypto.lookup_hash(KEY, "13800000000", purpose="id")


def test_it_refuses_a_short_key():
    with pytest.raises(crypto.FieldKeyError):
        crypto.encrypt(base64.b64encode(os.urandom(16)).decode(), "x")


@pytest.mark.parametrize(
    "value, masked",
    [("11010519491231002X", "110105********002X"), ("E12345678", "E******78"), ("H123", "****")],
)
def test_it_masks_document_numbers(value, masked):
    assert crypto.mask_id_number(value) == masked


def test_it_masks_phones():
    assert crypto.mask_phone("13800000000") == "138****0000"
    assert crypto.mask_phone("") == ""
