"""Aggregate reports of protection cases: suppressed counts, never a case.

`suppression` is the pure engine (no Django: tables, primary "<5" and complementary "x"
suppression, the audit that every "<5" has a second completion); `build` lays out the GBV and
trafficking tables; `selectors` reads the consented cases an officer may count (all of her
organisation's in the country, not only her assigned ones: only aggregates leave it);
`report` labels the tables for the page, the files (`exports`) and the API (`api`).
"""
