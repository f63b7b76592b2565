"""DTM: flow monitoring, mobility tracking, dashboards and round reports."""
