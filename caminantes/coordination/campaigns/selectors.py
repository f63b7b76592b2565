"""Reads of campaigns, always through the policy door (404 for another organisation's, as
for a missing id), and the figures a campaign page shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from caminantes.accounts import policies
from caminantes.coordination.campaigns import indicators
from caminantes.coordination.campaigns.models import Activity, Campaign, Material, SurveyRound


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    return policies.visible(user, Campaign).select_related("organization", "country")


def campaign_for(user: Any, uuid: Any) -> Campaign:
    return policies.get_for_user(user, Campaign, uuid)


def activity_for(user: Any, uuid: Any) -> Activity:
    return policies.get_for_user(user, Activity, uuid)


def material_for(user: Any, uuid: Any) -> Material:
    return policies.get_for_user(user, Material, uuid)


def activities_of(campaign: Campaign) -> QuerySet[Activity]:
    return campaign.activities.select_related("area", "delivery").order_by("-date", "-id")


def surveys_of(campaign: Campaign) -> QuerySet[SurveyRound]:
    return campaign.surveys.order_by("date", "id")


def perception(campaign: Campaign) -> indicators.Perception:
    return indicators.perception([
        indicators.Round(s.date, s.phase, s.sample_size, s.agreeing)
        for s in surveys_of(campaign)
    ])  # fmt: skip


@dataclass(frozen=True)
class Reach:
    people: int  # counted people reached
    audience: int  # radio and social media estimates: never added to people
    counted_in_5w: int  # people written as service deliveries


def reach(campaign: Campaign) -> Reach:
    rows = list(activities_of(campaign))
    return Reach(
        people=sum(a.people_reached for a in rows),
        audience=sum(a.audience_estimate or 0 for a in rows),
        counted_in_5w=sum(a.delivery.quantity for a in rows if a.delivery is not None),
    )
