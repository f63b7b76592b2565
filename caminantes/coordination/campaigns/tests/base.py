"""A campaign of IOM in Colombia (Norte de Santander), run by carla (country manager)."""

from __future__ import annotations

from datetime import date
from typing import Any

from caminantes.coordination.campaigns import services
from caminantes.coordination.campaigns.models import Campaign
from tests.personas import PersonaTestCase

STATEMENTS = "Los migrantes nos quitan el trabajo\nLos migrantes traen inseguridad"


class CampaignTestCase(PersonaTestCase):
    campaign: Campaign

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = cls.make_campaign()

    @classmethod
    def make_campaign(cls, **extra: Any) -> Campaign:
        values: dict[str, Any] = {
            "title": "Somos vecinos", "objective": "Reducir la xenofobia en Cúcuta.",
            "audience": "both", "themes": ["xenophobia", "cohesion"], "languages": ["es"],
            "channels": ["radio", "schools", "community_events"],
            "start_on": date(2026, 1, 1), "end_on": date(2026, 12, 31), "areas": [cls.nsa],
            "partners": [cls.ffs], "statements": STATEMENTS,
        }  # fmt: skip
        values.update(extra)
        return services.campaign_create(actor=cls.carla, organization=cls.iom, country=cls.co,
                                        **values)  # fmt: skip
