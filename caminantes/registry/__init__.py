"""Households, people, documents, consent, needs, and each family's timeline.

Layer: lib -> geo -> audit -> accounts -> registry -> {identity, dtm, assistance, protection,
collect} -> coordination: registry imports lib, geo, audit and accounts, never the modules
above it (they plug in through `registry.events`, `registry.links` and `registry.duplicates`).
Access rules: `registry.policies`. The seams others use live here:
`registry.consent` (may we?), `registry.timeline` (what happened to this family) and
`registry.duplicates` (who might this already be?). The calls the registry makes into
higher modules (identity's duplicate finder and matching keys) are listed by dotted path
in `registry.hooks`; signals in `registry.events` are only after-commit notices.
"""
