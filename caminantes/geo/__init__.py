"""Countries, admin areas (ISO 3166-2 and OCHA P-codes), towns and border crossing points.

Layer: lib -> geo -> audit -> accounts -> ...: geo imports only lib; everything above may
import geo. Its API (api.py) may use `accounts.policies`, as any app's pages may; the scopes
of geo's models are registered there.
"""
