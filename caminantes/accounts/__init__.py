"""Organisations, users, memberships (role x countries x areas), permissions and access policy.

Layer: lib -> geo -> audit -> accounts -> registry -> ...: accounts imports lib, geo and
audit, never an app above it. `accounts.policies` is the one door through which every page,
API, export, search and job lists or fetches records; it registers the scopes of accounts'
own models and of the layers below (geo, audit), which cannot import it. Each app above
keeps its rules in `<app>/policies.py`.
"""
