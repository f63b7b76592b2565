# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from caminantes.accounts import policies, services
from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, Membership, Organization
from caminantes.lib.pagination import PageNumberPagination

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    uuid: UUID
    organization: str
    role: str
    countries: list[str]
    starts_on: date
    ends_on: date | None

    @staticmethod
    def resolve_organization(obj: Membership) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_countries(obj: Membership) -> list[str]:
        return [c.iso2 for c in obj.countries.all()]


class MeOut(Schema):
    uuid: UUID
    email: str
    full_name: str
    language: str
    memberships: list[MembershipOut]


class OrganizationOut(Schema):
    uuid: UUID
    name: str
    acronym: str
    type: str
    countries: list[str]

    @staticmethod
    def resolve_countries(obj: Organization) -> list[str]:
        return [c.iso2 for c in obj.countries.all()]


class MemberOut(MembershipOut):
    user_email: str
    user_name: str

    @staticmethod
    def resolve_user_email(obj: Membership) -> str:
        return obj.user.email

    @staticmethod
    def resolve_user_name(obj: Membership) -> str:
        return obj.user.full_name


class TokenOut(Schema):
    uuid: UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@router.get("/me", response=MeOut, summary="The caller and their active memberships")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    memberships = (
        user.active_memberships()  # type: ignore[union-attr]
        .select_related("organization")
        .prefetch_related("countries")
    )
    return {
        "uuid": user.uuid,  # type: ignore[union-attr]
        "email": user.email,  # type: ignore[union-attr]
        "full_name": user.full_name,  # type: ignore[union-attr]
        "language": user.language,  # type: ignore[union-attr]
        "memberships": list(memberships),
    }


@router.get("/organizations", response=list[OrganizationOut])
@paginate(PageNumberPagination, page_size=50)
def organization_list(request: HttpRequest) -> object:
    return policies.visible(request.user, Organization).prefetch_related("countries")


@router.get("/organizations/{uuid}", response=OrganizationOut)
def organization_get(request: HttpRequest, uuid: UUID) -> Organization:
    return policies.get_for_user(request.user, Organization, uuid)


@router.get("/organizations/{uuid}/members", response=list[MemberOut])
@paginate(PageNumberPagination, page_size=100)
def organization_members(request: HttpRequest, uuid: UUID) -> object:
    org = policies.get_for_user(request.user, Organization, uuid)
    return (
        policies.visible(request.user, Membership)
        .filter(organization=org)
        .select_related("organization", "user")
        .prefetch_related("countries")
    )


@router.get("/memberships/{uuid}", response=MemberOut)
def membership_get(request: HttpRequest, uuid: UUID) -> Membership:
    return policies.get_for_user(request.user, Membership, uuid)


@router.get("/tokens", response=list[TokenOut], summary="The caller's own API tokens")
def token_list(request: HttpRequest) -> object:
    return policies.visible(request.user, ApiToken)


@router.post("/tokens/{uuid}/revoke", response=TokenOut)
def token_revoke(request: HttpRequest, uuid: UUID) -> ApiToken:
    require_scope(request, ApiToken.Scope.WRITE)
    token = policies.get_for_user(request.user, ApiToken, uuid)
    services.api_token_revoke(user=request.user, token=token)  # type: ignore[arg-type]
    return token
