"""The foreign world's campaign (with an activity, a survey round and a material) and a
complaint carrying the planted name (see tests/world.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.lib import crypto
from tests.world import BUILDERS, plant


def _feedback(org: Organization, member: User) -> Any:
    from caminantes.coordination.feedback.models import FeedbackItem

    existing = FeedbackItem.objects.filter(organization=org).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    return FeedbackItem.objects.create(
        organization=org, country=org.countries.first(), channel="hotline",
        category="complaint", received_on=today, recorded_by=member,
        description_encrypted=crypto.encrypt("Foreign complaint"),
        name_encrypted=crypto.encrypt(plant(org).given_names), due_on=today + timedelta(days=7),
    )  # fmt: skip


def _campaign(org: Organization, member: User) -> Any:
    from caminantes.coordination.campaigns.models import Campaign

    return Campaign.objects.get_or_create(
        organization=org, country=org.countries.first(), title="Foreign campaign",
        defaults={"objective": "Foreign objective", "audience": "both",
                  "themes": ["xenophobia"], "languages": ["es"], "channels": ["radio"],
                  "start_on": date(2026, 1, 1), "end_on": date(2026, 12, 31),
                  "statements": "Foreign statement", "created_by": member},
    )[0]  # fmt: skip


def _activity(org: Organization, member: User) -> Any:
    from caminantes.coordination.campaigns.models import Activity

    campaign = _campaign(org, member)
    return Activity.objects.get_or_create(
        campaign=campaign, defaults={"date": date(2026, 2, 1), "channel": "radio",
                                     "population_type": "host_community",
                                     "audience_estimate": 1000},
    )[0]  # fmt: skip


def _survey(org: Organization, member: User) -> Any:
    from caminantes.coordination.campaigns.models import SurveyRound

    campaign = _campaign(org, member)
    return SurveyRound.objects.get_or_create(
        campaign=campaign, defaults={"date": date(2026, 1, 15), "phase": "before",
                                     "sample_size": 100, "agreeing": [40]},
    )[0]  # fmt: skip


def _material(org: Organization, member: User) -> Any:
    from caminantes.coordination.campaigns.models import Material

    campaign = _campaign(org, member)
    existing = Material.objects.filter(campaign=campaign).first()
    if existing is not None:
        return existing
    material = Material(campaign=campaign, title="Foreign poster", original_name="poster.png",
                        content_type="image/png", size=8, uploaded_by=member)  # fmt: skip
    material.file.save("foreign.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
    material.save()
    return material


def _register() -> None:
    from caminantes.coordination.campaigns import models as c
    from caminantes.coordination.feedback.models import FeedbackItem

    BUILDERS.update({
        FeedbackItem: _feedback, c.Campaign: _campaign, c.Activity: _activity,
        c.SurveyRound: _survey, c.Material: _material,
    })  # fmt: skip


_register()
