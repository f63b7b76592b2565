"""Field encryption with rotating keys, and keyed hashes for exact look-ups.

Keys come from settings.FIELD_ENCRYPTION_KEYS, newest first: MultiFernet encrypts with the
first and decrypts with any, so a new key is put in front, everything is re-encrypted with
`rotate`, and the old key is removed afterwards. Encrypted values cannot be searched, so a
keyed hash (HMAC-SHA256 of the normalised value) sits beside each one for exact matches.

`encrypt_bytes`/`decrypt_bytes` do the same for bytes (files), and `json_encrypt`/`json_decrypt`
for a JSON value: the token is text either way, so `rotate` serves all three, and an empty
value is stored as "" (unencrypted, so that "is it empty" needs no key).

`encrypt`, `decrypt` and `rotate` take another keyring with `keys=` (newest first, same
rules), for data that must not open with the registry's keys (protection case files use
settings.PROTECTION_ENCRYPTION_KEYS).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = [
    "InvalidToken",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypt_bytes",
    "generate_key",
    "json_decrypt",
    "json_encrypt",
    "lookup_hash",
    "rotate",
]


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ValueError("FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _current(keys: Sequence[str] | None = None) -> MultiFernet:
    if keys is None:
        return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))
    if not keys:
        raise ValueError("the keyring given is empty")
    return _fernet(tuple(keys))


def generate_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(value: str, *, keys: Sequence[str] | None = None) -> str:
    return _current(keys).encrypt(value.encode()).decode() if value else ""


def decrypt(token: str, *, keys: Sequence[str] | None = None) -> str:
    return _current(keys).decrypt(token.encode()).decode() if token else ""


def encrypt_bytes(data: bytes, *, keys: Sequence[str] | None = None) -> str:
    return _current(keys).encrypt(bytes(data)).decode() if data else ""


def decrypt_bytes(token: str, *, keys: Sequence[str] | None = None) -> bytes:
    return _current(keys).decrypt(token.encode()) if token else b""


def json_encrypt(value: Any, *, keys: Sequence[str] | None = None) -> str:
    """A JSON value encrypted; an empty one ({}, [], None, "") is "" (empty, unencrypted)."""
    if not value:
        return ""
    return encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")), keys=keys)


def json_decrypt(token: str, empty: Any = None, *, keys: Sequence[str] | None = None) -> Any:
    """The JSON value of `json_encrypt`'s token; `empty` for "" (the caller's empty value)."""
    return json.loads(decrypt(token, keys=keys)) if token else empty


def rotate(token: str, *, keys: Sequence[str] | None = None) -> str:
    """Re-encrypt under the newest key (no-op for values already under it)."""
    return _current(keys).rotate(token.encode()).decode() if token else ""


def lookup_hash(value: str, *, purpose: str) -> str:
    """Keyed hash of a normalised value; `purpose` keeps e.g. phones and documents apart."""
    if not value:
        return ""
    key = hashlib.sha256(f"{settings.LOOKUP_HASH_KEY}:{purpose}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
