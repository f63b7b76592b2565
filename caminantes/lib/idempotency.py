"""Requests made twice: the digest that tells a re-send from a reuse of the same client id.

Every write that a client may send again (a handover queued offline, an API call retried on
a slow link) carries a UUID made by the client. The first write stores it, unique, beside
`content_digest(content)` of what was asked. A later write with the same UUID is a re-send
when the digest is the same (answer what the first one did, change nothing) and a conflict
when it differs (refuse: `request_id_reused`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 of the request's content, independent of key order; dates and UUIDs as text."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
