"""Assistance reports: stock per warehouse over a period, people reached by deliveries.

Every figure is computed by the database (grouped sums and counts over the append-only
ledger and the service deliveries); only the aggregated rows come back to Python. Reads go
through the policy door (`assistance.selectors` for the warehouse, `accounts.policies` for
the deliveries); exports are audited. `periods` holds the period form and its bounds,
`stock` and `reach` the two reports, `views` and `urls` the pages under
/assistance/reports/.
"""
