from __future__ import annotations

from ninja import Router

router = Router(tags=["Campaigns against xenophobia"])
