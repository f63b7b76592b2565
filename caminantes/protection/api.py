"""The protection API: mounted by dotted string in caminantes/api.py (nobody imports this)."""

from __future__ import annotations

from ninja import Router

from caminantes.protection.reports.api import router as reports_router

router = Router(tags=["protection"])

# The aggregate report (suppressed counts, no case): protection/reports/api.py.
router.add_router("/reports", reports_router)
