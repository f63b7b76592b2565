from __future__ import annotations

from ninja import Router

router = Router(tags=["Community feedback and complaints"])
