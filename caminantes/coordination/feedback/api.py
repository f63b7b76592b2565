# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Feedback and complaints API, with the pages' scoping: a sensitive item exists only for
the organisation's PSEA focal points in its country (404 for anyone else, exactly as for an
id that does not exist, and absent from every list and count).

Creating an item answers 201 with its reference. When the caller recorded a sensitive item
they may not follow, the answer says only `transmitted: true` and the reference: not the
item's id, which they could not open anyway. An invalid body is 422.
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
from caminantes.coordination.feedback import selectors, services
from caminantes.coordination.feedback.models import FeedbackItem
from caminantes.coordination.feedback.policies import is_focal_point
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.api import ErrorOut, body_schema, parse_body
from caminantes.lib.pagination import PageNumberPagination
from caminantes.registry import selectors as registry

router = Router(tags=["Community feedback and complaints"])


class ItemOut(Schema):
    uuid: UUID
    reference: str
    organization: str
    country: str
    channel: str
    category: str
    sensitive: bool
    status: str
    received_on: date
    due_on: date
    responded_on: date | None
    overdue: bool

    @staticmethod
    def resolve_organization(obj: FeedbackItem) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: FeedbackItem) -> str:
        return obj.country.iso2


class ItemDetailOut(ItemOut):
    description: str = Field(description="What the person said (the read is audited).")
    anonymous: bool
    name: str
    contact: str
    response: str
    reach: str
    reach_on: date | None


class ItemIn(Schema):
    organization: str = Field(description="Acronym of your organisation.")
    country: str = Field(description="ISO 3166-1 alpha-2.")
    channel: str = Field(description="hotline, whatsapp, help_desk, suggestion_box, email")
    category: str = Field(description="information, complaint, feedback, sea, fraud, misconduct")
    received_on: date
    description: str
    anonymous: bool = False
    name: str = ""
    contact: str = ""
    contact_consent: bool = False
    household_code: str = Field("", description="The household's 8-character code.")
    area: str = Field("", description="ISO 3166-2 code of the admin1 area.")


class CreatedOut(Schema):
    reference: str
    transmitted: bool = Field(description="True when it went to the focal point only.")
    uuid: UUID | None = None


class CountOut(Schema):
    key: str
    count: int


class DashboardOut(Schema):
    total: int
    by_category: list[CountOut]
    by_channel: list[CountOut]
    by_month: list[CountOut]
    by_country: list[CountOut]
    median_days_to_respond: float | None
    closed: int
    closed_in_time: int
    overdue: int


@router.get("/items", response=list[ItemOut], summary="Feedback and complaints you may see")
@paginate(PageNumberPagination, page_size=50)
def items(
    request: HttpRequest, status: str = "", category: str = "", channel: str = "",
    overdue: bool = False,
) -> Any:  # fmt: skip
    found = selectors.filtered(selectors.items_for(request.user), status=status,
                               category=category, channel=channel, overdue=overdue)  # fmt: skip
    return found.order_by("-received_on", "-id")


@router.get(
    "/items/{uuid}", response={200: ItemDetailOut, 404: ErrorOut},
    summary="One item (the read is audited)",
)  # fmt: skip
def item(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.item_for(request.user, uuid)


def _organization(user: User, acronym: str) -> Organization:
    org = Organization.objects.filter(acronym__iexact=acronym.strip()).first()
    if org is None:
        raise DjangoValidationError({"organization": [_("No organisation with this acronym.")]})
    return org


@router.post(
    "/items", response={201: CreatedOut, **WRITE_ANSWERS},
    summary="Record feedback or a complaint", openapi_extra=body_schema(ItemIn),
)  # fmt: skip
@answers
def item_create(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    d = parse_body(request, ItemIn)
    user = cast(User, request.user)
    org = _organization(user, d.organization)
    country = Country.objects.filter(iso2=d.country.upper()[:2]).first()
    if country is None:
        raise DjangoValidationError({"country": [_("No country with this code.")]})
    area = None
    if d.area:
        area = AdminArea.objects.filter(iso_code=d.area, country=country).first()
        if area is None:
            raise DjangoValidationError({"area": [_("No area with this code in the country.")]})
    household = None
    code = d.household_code.strip().lower()
    if code:
        if len(code) != 8 or any(ch not in "0123456789abcdef" for ch in code):
            raise DjangoValidationError({"household_code": [_("A household code is 8 letters "
                                                              "and digits.")]})  # fmt: skip
        household = (
            registry.households_by_code(registry.households_for_user(user=user), code)
            .filter(organization=org, country=country)
            .first()
        )
        if household is None:
            raise DjangoValidationError(
                {"household_code": [_("No household with this code that you may see.")]}
            )
    made = services.feedback_create(
        actor=user, organization=org, country=country, channel=d.channel,
        category=d.category, received_on=d.received_on, description=d.description,
        anonymous=d.anonymous, name=d.name, contact=d.contact,
        contact_consent=d.contact_consent, household=household, admin_area=area,
    )  # fmt: skip
    if made.sensitive and not is_focal_point(user, made.organization_id, made.country_id):
        return Status(201, {"reference": made.reference, "transmitted": True, "uuid": None})
    return Status(201, {"reference": made.reference, "transmitted": False, "uuid": made.uuid})


@router.get("/dashboard", response=DashboardOut, summary="Trends over the items you may see")
def dashboard(request: HttpRequest) -> Any:
    figures = selectors.dashboard(selectors.items_for(request.user))

    def counts(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
        return [{"key": k, "count": n} for k, n in pairs]

    return {
        "total": figures.total, "by_category": counts(figures.by_category),
        "by_channel": counts(figures.by_channel), "by_month": counts(figures.by_month),
        "by_country": counts(figures.by_country),
        "median_days_to_respond": figures.median_days, "closed": figures.closed,
        "closed_in_time": figures.closed_in_time, "overdue": len(figures.overdue),
    }  # fmt: skip
