"""Append-only, hash-chained audit events; bulk-read alerts.

Layer: lib -> geo -> audit -> accounts -> ...: audit imports lib and geo only, so every app
(accounts included) can call the audit seam. `audit.log` takes the actor as an object and
imports no app. The audit pages (views.py, api.py, urls.py) may use accounts' door
(`accounts.policies`, its decorators and permission names), as any app's pages may; the rest
of audit may not: AuditEvent's and Alert's scopes and the audit menu entries are registered by
accounts, and role labels come from accounts' `account_labels` template tags.
"""
