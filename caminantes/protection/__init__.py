"""Protection: GBV and trafficking case files, restricted by construction.

Nobody imports this package (import-linter contract "protection"): the URL configuration and
the API include it by dotted string. It imports the layers below it (lib, geo, audit,
accounts, registry) and no sibling. Every field of a case beyond its bare structure is
sealed under settings.PROTECTION_ENCRYPTION_KEYS (see sealing.py), never the registry's
keys; reads go through selectors.py, which only the assigned caseworker and supervisor
pass.
"""
