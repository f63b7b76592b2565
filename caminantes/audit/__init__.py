"""Append-only, hash-chained audit events; bulk-read alerts.

Layer: `audit.log` and `audit.models` import only lib, so every app (accounts included) can
call the audit seam. The audit pages (views, api) sit above accounts and use its policies.
"""
