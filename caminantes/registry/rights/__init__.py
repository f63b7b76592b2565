"""Rights of the people registered: the register of requests, erasure, retention, and the
re-encryption of what is encrypted at rest.

Modules: `requests` (the register of access, correction and erasure requests), `erasure`
(irreversible anonymisation of a person everywhere; its docstring says what is kept and what
goes), `traces` (what identifies a person, to find and redact it in free text and staged
rows), `retention` (households inactive past their country's retention period, anonymised
as an erasure would), `keys` (re-encryption under the newest key), `checks` (the permission
checks they share), and the pages: `views` with their `urls` (under /registry/rights/; this
module does not import them).

The services are re-exported here, so `from caminantes.registry import rights` then
`rights.person_erase(...)` reads as it always has.
"""

from __future__ import annotations

from caminantes.registry.rights.erasure import (
    Eraser,
    ErasureResult,
    person_erase,
    register_eraser,
)
from caminantes.registry.rights.keys import (
    RotationCount,
    encrypted_columns,
    encryption_rotate,
    json_columns,
)
from caminantes.registry.rights.requests import data_request_close, data_request_record
from caminantes.registry.rights.retention import (
    DEFAULT_MONTHS_INACTIVE,
    RetentionLine,
    RetentionResult,
    months_before,
    retention_apply,
)
from caminantes.registry.rights.traces import (
    NAME_FIELDS,
    PLACEHOLDER,
    RowMatcher,
    Traces,
    traces_of,
)

__all__ = [
    "DEFAULT_MONTHS_INACTIVE",
    "NAME_FIELDS",
    "PLACEHOLDER",
    "Eraser",
    "ErasureResult",
    "RetentionLine",
    "RetentionResult",
    "RotationCount",
    "RowMatcher",
    "Traces",
    "data_request_close",
    "data_request_record",
    "encrypted_columns",
    "encryption_rotate",
    "json_columns",
    "months_before",
    "person_erase",
    "register_eraser",
    "retention_apply",
    "traces_of",
]
