# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Registry API: households and people, filtered by the access policy, versioned.

Reads go through `accounts.policies` and `registry.selectors`, writes through
`registry.services`. A record the caller may not see answers 404, exactly like one that
does not exist; routes that take a body look the record up *before* reading the body, so a
foreign id gets the same 404 whatever is sent. Households, people and documents carry a
`version`; an update names the version it was based on and gets 409 when the record has
moved on since, never a silent overwrite. Document and phone numbers never leave the
server: only their last four characters.

Modules: `schemas` (answers and bodies), `plumbing` (the router, reading bodies, turning
refusals into answers), `households`, `people` and `corrections` (the routes).
"""

from caminantes.registry.api import corrections, households, people  # noqa: F401  (routes)
from caminantes.registry.api.plumbing import router

__all__ = ["router"]
