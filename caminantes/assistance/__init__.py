"""Assistance: the catalogue of items and kits, warehouses and their stock ledger, and the one
service-delivery interface every form of assistance writes to (`assistance.delivery`).

Layer: lib -> geo -> audit -> accounts -> registry -> assistance -> coordination. Assistance
sits beside identity and dtm: it imports lib, geo, audit, accounts and registry (households,
people, the timeline), never identity, dtm or protection. Only coordination and the project's
shell (web, api, urls) may import it. Access rules: `assistance.policies`; writes:
`assistance.services` and `assistance.delivery`; reads: `assistance.selectors`.
"""
