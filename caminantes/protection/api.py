"""The protection API: mounted by dotted string in caminantes/api.py (nobody imports this)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["protection"])
