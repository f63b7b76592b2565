# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from caminantes.accounts import policies
from caminantes.geo.models import AdminArea, Country, Place
from caminantes.lib.pagination import PageNumberPagination

router = Router(tags=["places"])


class CountryOut(Schema):
    uuid: UUID
    iso2: str
    iso3: str
    pcode: str
    name_es: str
    name_pt: str
    name_en: str
    is_host: bool
    is_origin: bool


class AreaOut(Schema):
    uuid: UUID
    country: str
    iso_code: str
    pcode: str
    name_es: str
    name_pt: str
    name_en: str
    area_type: str

    @staticmethod
    def resolve_country(obj: AdminArea) -> str:
        return obj.country.iso2


class PlaceOut(Schema):
    uuid: UUID
    kind: str
    slug: str
    name: str
    country: str
    admin_area: str | None
    latitude: Decimal
    longitude: Decimal
    crossing_type: str
    counterpart_country: str | None

    @staticmethod
    def resolve_country(obj: Place) -> str:
        return obj.country.iso2

    @staticmethod
    def resolve_admin_area(obj: Place) -> str | None:
        return obj.admin_area.iso_code if obj.admin_area else None

    @staticmethod
    def resolve_counterpart_country(obj: Place) -> str | None:
        return obj.counterpart_country.iso2 if obj.counterpart_country else None


@router.get("/countries", response=list[CountryOut])
def country_list(request: HttpRequest) -> object:
    return policies.visible(request.user, Country)


@router.get("/areas", response=list[AreaOut])
@paginate(PageNumberPagination, page_size=100)
def area_list(request: HttpRequest, country: str | None = None) -> object:
    qs = policies.visible(request.user, AdminArea).select_related("country")
    if country:
        qs = qs.filter(country__iso2=country.upper())
    return qs


@router.get("/places", response=list[PlaceOut])
@paginate(PageNumberPagination, page_size=100)
def place_list(request: HttpRequest, kind: str | None = None, country: str | None = None) -> object:
    qs = policies.visible(request.user, Place).select_related(
        "country", "admin_area", "counterpart_country"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(country__iso2=country.upper())
    return qs


@router.get("/places/{uuid}", response=PlaceOut)
def place_get(request: HttpRequest, uuid: UUID) -> Place:
    return policies.get_for_user(request.user, Place, uuid)
