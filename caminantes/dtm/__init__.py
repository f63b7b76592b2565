"""DTM: flow monitoring, mobility tracking, dashboards and round reports.

Layer: lib -> geo -> audit -> accounts -> registry -> dtm -> coordination, except that DTM
counts flows, not people: it imports lib, geo, audit and accounts, never registry or identity.
Only coordination and the project's shell (web, api, urls) may import dtm. Access rules:
`dtm.policies`.
"""
