"""HXL: the schema our flow aggregates export is validated against (libhxl)."""

from __future__ import annotations

from pathlib import Path

FLOW_AGGREGATES_SCHEMA = Path(__file__).resolve().parent / "flow_aggregates_schema.csv"
