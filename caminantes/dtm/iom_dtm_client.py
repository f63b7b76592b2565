"""A client of IOM's public DTM API v3 (not our own django-ninja API): IDP figures at admin
0, 1 and 2, stored as DtmApiFigure rows.

Plain HTTP (httpx): GET {DTM_API_URL}/displacement/admin{0,1,2} with the subscription key
in the `Ocp-Apim-Subscription-Key` header; the answer is an envelope
`{"isSuccess": true, "result": [...], "errorMessages": []}` whose rows carry `id`,
`operation`, `admin0Name`, `admin0Pcode` (ISO3), `admin1Name`, `admin1Pcode`, `admin2Name`,
`admin2Pcode`, `numPresentIdpInd`, `reportingDate`, `roundNumber`, `assessmentType`,
`displacementReason` … Importing the same rows again updates them (keyed on level + id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import httpx
import pycountry
from django.conf import settings
from django.db import transaction

from caminantes.dtm.models import DtmApiFigure
from caminantes.geo.models import Country

LEVELS = (0, 1, 2)
TIMEOUT = 30.0


class DtmApiError(Exception):
    """The API refused or failed; the message says what to check."""


def _client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    key = settings.DTM_API_KEY
    if not key:
        raise DtmApiError("DTM_API_KEY is not set: get a subscription key from the DTM portal.")
    return httpx.Client(
        base_url=settings.DTM_API_URL.rstrip("/"),
        headers={"Ocp-Apim-Subscription-Key": key, "User-Agent": "Caminantes"},
        timeout=TIMEOUT,
        transport=transport,
    )


def fetch(
    level: int, *, admin0_pcode: str, client: httpx.Client, **params: Any
) -> list[dict[str, Any]]:
    """The rows of one admin-level dataset for one country (ISO 3166-1 alpha-3)."""
    query = {"Admin0Pcode": admin0_pcode, **params}
    try:
        response = client.get(f"/displacement/admin{level}", params=query)
    except httpx.HTTPError as exc:
        raise DtmApiError(f"The DTM API did not answer: {exc}") from exc
    if response.status_code in (401, 403):
        raise DtmApiError("The DTM API refused the subscription key (DTM_API_KEY).")
    if response.status_code >= 400:
        raise DtmApiError(f"The DTM API answered {response.status_code}.")
    body = response.json()
    if not body.get("isSuccess"):
        messages = body.get("errorMessages") or ["unknown error"]
        raise DtmApiError(f"The DTM API reported: {messages[0]}")
    result = body.get("result") or []
    return list(result)


def _iso3(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return found.alpha_3 if found is not None else code.upper()


def _row(level: int, raw: dict[str, Any], countries: dict[str, Country]) -> DtmApiFigure:
    pcode = str(raw.get("admin0Pcode") or "")
    return DtmApiFigure(
        admin_level=level,
        api_id=str(raw["id"]),
        operation=str(raw.get("operation") or "")[:200],
        country=countries.get(pcode),
        admin0_name=str(raw.get("admin0Name") or "")[:200],
        admin0_pcode=pcode[:10],
        admin1_name=str(raw.get("admin1Name") or "")[:200],
        admin1_pcode=str(raw.get("admin1Pcode") or "")[:30],
        admin2_name=str(raw.get("admin2Name") or "")[:200],
        admin2_pcode=str(raw.get("admin2Pcode") or "")[:30],
        idps=int(raw.get("numPresentIdpInd") or 0),
        reporting_date=date.fromisoformat(str(raw["reportingDate"])[:10]),
        round_number=raw.get("roundNumber") or None,
        assessment_type=str(raw.get("assessmentType") or "")[:50],
        displacement_reason=str(raw.get("displacementReason") or "")[:100],
        raw=raw,
    )


def import_figures(
    *,
    country: str,
    levels: Iterable[int] = LEVELS,
    transport: httpx.BaseTransport | None = None,
    say: Callable[[str], None] = lambda _m: None,
    **params: Any,
) -> dict[int, int]:
    """Fetch and store the country's datasets; returns rows stored per level."""
    pcode = _iso3(country)
    countries = {c.iso3: c for c in Country.objects.all()}
    stored: dict[int, int] = {}
    with _client(transport) as client:
        for level in levels:
            found = fetch(level, admin0_pcode=pcode, client=client, **params)
            rows = [_row(level, raw, countries) for raw in found]
            with transaction.atomic():
                DtmApiFigure.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["admin_level", "api_id"],
                    update_fields=[
                        "operation", "country", "admin0_name", "admin0_pcode", "admin1_name",
                        "admin1_pcode", "admin2_name", "admin2_pcode", "idps", "reporting_date",
                        "round_number", "assessment_type", "displacement_reason", "raw",
                        "imported_at",
                    ],
                )  # fmt: skip
            stored[level] = len(rows)
            say(f"admin{level}: {len(rows)} rows")
    return stored
