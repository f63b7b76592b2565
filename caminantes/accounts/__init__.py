"""Organisations, users, memberships (role x countries x areas), permissions and access policy.

Layer: accounts imports lib, geo and the audit seam (`audit.log`, which imports no app).
`accounts.policies` is the one door through which every page, API, export, search and job
lists or fetches records.
"""
