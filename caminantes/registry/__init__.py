"""Households, people, documents, consent, needs, and each family's timeline.

Layer: registry imports lib, geo, accounts and audit. The seams others use live here:
`registry.consent` (may we?), `registry.timeline` (what happened to this family) and
`registry.duplicates` (who might this already be?). The calls the registry makes into
higher modules (identity's duplicate finder and matching keys) are listed by dotted path
in `registry.hooks`; signals in `registry.events` are only after-commit notices.
"""
