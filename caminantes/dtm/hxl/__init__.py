"""HXL: the schemas our exports are validated against (libhxl)."""

from __future__ import annotations

from pathlib import Path

FLOW_AGGREGATES_SCHEMA = Path(__file__).resolve().parent / "flow_aggregates_schema.csv"
# Mobility tracking: people by admin area and round, needs by sector, collective sites.
MOBILITY_SCHEMA = Path(__file__).resolve().parent / "mobility_schema.csv"
