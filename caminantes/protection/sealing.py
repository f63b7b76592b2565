"""Sealed blobs: one JSON object encrypted under the protection keys.

`seal(dict) -> str` and `unseal(str) -> dict`. The keys are settings.PROTECTION_ENCRYPTION_KEYS
(newest first; the first seals, any opens), never the registry's FIELD_ENCRYPTION_KEYS, so a
copy of the database together with the registry's keys still opens no case file.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from caminantes.lib import crypto


def _keys() -> list[str]:
    return list(settings.PROTECTION_ENCRYPTION_KEYS)


def seal(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return crypto.encrypt(text, keys=_keys())


def unseal(token: str) -> dict[str, Any]:
    if not token:
        return {}
    value = json.loads(crypto.decrypt(token, keys=_keys()))
    if not isinstance(value, dict):
        raise ValueError("a sealed blob holds a JSON object")
    return value


def reseal(token: str) -> str:
    """The same contents under the newest protection key (key rotation)."""
    return crypto.rotate(token, keys=_keys())
