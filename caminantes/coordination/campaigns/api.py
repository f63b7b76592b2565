# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Campaigns API: list, create, one campaign with its reach and perception indicator, and
recording an activity. Same scoping as the pages (MANAGE_CAMPAIGNS in the organisation and
country); another organisation's campaign is 404, like one that does not exist. An invalid
body is 422 with messages by field.
"""

from datetime import date
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, Organization, User
from caminantes.assistance.api import WRITE_ANSWERS, answers
from caminantes.coordination.campaigns import selectors, services
from caminantes.coordination.campaigns.models import Activity, Campaign
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.api import ErrorOut, body_schema, parse_body
from caminantes.lib.pagination import PageNumberPagination

router = Router(tags=["Campaigns against xenophobia"])


class CampaignOut(Schema):
    uuid: UUID
    title: str
    organization: str
    country: str
    objective: str
    audience: str
    themes: list[str]
    languages: list[str]
    channels: list[str]
    start_on: date
    end_on: date
    areas: list[str]
    partners: list[str]
    count_in_5w: bool
    indicator_5w: str

    @staticmethod
    def resolve_organization(obj: Campaign) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: Campaign) -> str:
        return obj.country.iso2

    @staticmethod
    def resolve_areas(obj: Campaign) -> list[str]:
        return [a.iso_code for a in obj.areas.all()]

    @staticmethod
    def resolve_partners(obj: Campaign) -> list[str]:
        return [p.acronym for p in obj.partners.all()]


class ActivityOut(Schema):
    uuid: UUID
    date: date
    channel: str
    area: str | None = None
    population_type: str
    women: int | None
    men: int | None
    girls: int | None
    boys: int | None
    unknown: int | None
    people_reached: int
    audience_estimate: int | None = Field(description="Listeners or impressions: not people.")
    counted_in_5w: bool

    @staticmethod
    def resolve_area(obj: Activity) -> str | None:
        return obj.area.iso_code if obj.area else None

    @staticmethod
    def resolve_counted_in_5w(obj: Activity) -> bool:
        return obj.delivery_id is not None


class CampaignDetailOut(CampaignOut):
    statements: list[str]
    people_reached: int
    audience_estimate: int
    perception_before: float | None = Field(description="% agreeing, latest round before.")
    perception_after: float | None
    perception_change_pp: float | None
    activities: list[ActivityOut]

    @staticmethod
    def resolve_statements(obj: Campaign) -> list[str]:
        return obj.statement_list

    @staticmethod
    def resolve_activities(obj: Campaign) -> list[Activity]:
        return list(getattr(obj, "activity_list", []))


class CampaignIn(Schema):
    organization: str = Field(description="Acronym of your organisation.")
    country: str
    title: str
    objective: str
    audience: str = Field(description="host, migrants or both")
    themes: list[str]
    languages: list[str]
    channels: list[str] = Field(description="radio, social_media, community_events, schools, "
                                "sms_whatsapp")  # fmt: skip
    start_on: date
    end_on: date
    areas: list[str] = Field(default_factory=list, description="ISO 3166-2 codes.")
    partners: list[str] = Field(default_factory=list, description="Acronyms.")
    statements: list[str] = Field(default_factory=list)
    count_in_5w: bool = False
    indicator_5w: str = ""


class ActivityIn(Schema):
    date: date
    channel: str
    area: str = ""
    population_type: str = ""
    description: str = ""
    women: int | None = None
    men: int | None = None
    girls: int | None = None
    boys: int | None = None
    unknown: int | None = None
    audience_estimate: int | None = None


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns you may see")
@paginate(PageNumberPagination, page_size=50)
def campaigns(request: HttpRequest) -> Any:
    return selectors.campaigns_for(request.user).prefetch_related("areas", "partners")


def _detail(campaign: Campaign) -> Campaign:
    """The campaign with its figures attached for CampaignDetailOut."""
    reach = selectors.reach(campaign)
    found = selectors.perception(campaign)
    figures = {
        "people_reached": reach.people,
        "audience_estimate": reach.audience,
        "perception_before": None if found.before is None else round(found.before, 1),
        "perception_after": None if found.after is None else round(found.after, 1),
        "perception_change_pp": found.change_pp,
        "activity_list": list(selectors.activities_of(campaign)),
    }  # fmt: skip
    for key, value in figures.items():
        setattr(campaign, key, value)
    return campaign


@router.get("/campaigns/{uuid}", response={200: CampaignDetailOut, 404: ErrorOut},
            summary="A campaign with its reach and perception indicator")  # fmt: skip
def campaign(request: HttpRequest, uuid: UUID) -> Any:
    return _detail(selectors.campaign_for(request.user, uuid))


@router.post(
    "/campaigns", response={201: CampaignDetailOut, **WRITE_ANSWERS},
    summary="Create a campaign", openapi_extra=body_schema(CampaignIn),
)  # fmt: skip
@answers
def campaign_create(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    d = parse_body(request, CampaignIn)
    org = Organization.objects.filter(acronym__iexact=d.organization.strip()).first()
    if org is None:
        raise DjangoValidationError({"organization": [_("No organisation with this acronym.")]})
    country = Country.objects.filter(iso2=d.country.upper()[:2]).first()
    if country is None:
        raise DjangoValidationError({"country": [_("No country with this code.")]})
    areas = list(AdminArea.objects.filter(iso_code__in=d.areas, country=country))
    if len(areas) != len(set(d.areas)):
        raise DjangoValidationError({"areas": [_("Choose areas of the campaign's country.")]})
    partners = list(Organization.objects.filter(acronym__in=d.partners))
    if len(partners) != len(set(d.partners)):
        raise DjangoValidationError({"partners": [_("Choose partners from the list.")]})
    made = services.campaign_create(
        actor=cast(User, request.user), organization=org, country=country, title=d.title,
        objective=d.objective, audience=d.audience, themes=d.themes, languages=d.languages,
        channels=d.channels, start_on=d.start_on, end_on=d.end_on, areas=areas,
        partners=partners, statements="\n".join(d.statements), count_in_5w=d.count_in_5w,
        indicator_5w=d.indicator_5w,
    )  # fmt: skip
    return Status(201, _detail(made))


@router.post(
    "/campaigns/{uuid}/activities", response={201: ActivityOut, **WRITE_ANSWERS},
    summary="Record an activity (its people reached count in the 5W if the campaign does)",
    openapi_extra=body_schema(ActivityIn),
)  # fmt: skip
@answers
def activity_create(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = selectors.campaign_for(request.user, uuid)
    d = parse_body(request, ActivityIn)
    area = None
    if d.area:
        area = AdminArea.objects.filter(iso_code=d.area).first()
        if area is None:
            raise DjangoValidationError({"area": [_("Choose one of the campaign's areas.")]})
    made = services.activity_save(
        actor=cast(User, request.user), campaign=found, date=d.date, channel=d.channel,
        area=area, population_type=d.population_type, description=d.description,
        women=d.women, men=d.men, girls=d.girls, boys=d.boys, unknown=d.unknown,
        audience_estimate=d.audience_estimate,
    )  # fmt: skip
    return Status(201, made)
