"""Field encryption with rotating keys, and keyed hashes for exact look-ups.

Keys come from settings.FIELD_ENCRYPTION_KEYS, newest first: MultiFernet encrypts with the
first and decrypts with any, so a new key is put in front, everything is re-encrypted with
`rotate`, and the old key is removed afterwards. Encrypted values cannot be searched, so a
keyed hash (HMAC-SHA256 of the normalised value) sits beside each one for exact matches.

`encrypt`, `decrypt` and `rotate` take another keyring with `keys=` (newest first, same
rules), for data that must not open with the registry's keys (protection case files use
settings.PROTECTION_ENCRYPTION_KEYS).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "generate_key", "lookup_hash", "rotate"]


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


def rotate(token: str, *, keys: Sequence[str] | None = None) -> str:
    """Re-encrypt under the newest key (no-op for values already under it)."""
    return _current(keys).rotate(token.encode()).decode() if token else ""


def lookup_hash(value: str, *, purpose: str) -> str:
    """Keyed hash of a normalised value; `purpose` keeps e.g. phones and documents apart."""
    if not value:
        return ""
    key = hashlib.sha256(f"{settings.LOOKUP_HASH_KEY}:{purpose}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
