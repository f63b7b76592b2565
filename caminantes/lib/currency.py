"""Currencies a cash or voucher transfer is recorded in: ISO 4217 codes.

`CURRENCIES` lists those of the response's countries first (Venezuela's bolívar, the host
countries' own, the US dollar that Ecuador and Panama use); `is_currency` accepts any active
ISO 4217 code (pycountry's list), so a transfer in euros is not refused. `for_country` is the
currency a form offers first for an ISO 3166-1 alpha-2 country code.
"""

from __future__ import annotations

import pycountry

CURRENCIES = [
    "COP", "PEN", "USD", "VES", "BRL", "CLP", "ARS", "BOB", "MXN", "CRC", "DOP", "GYD",
    "TTD", "UYU", "PYG", "AWG", "ANG", "PAB", "EUR",
]  # fmt: skip

# Ecuador and Panama use the US dollar (Panama's balboa is at par and coins only).
BY_COUNTRY = {
    "CO": "COP", "PE": "PEN", "EC": "USD", "VE": "VES", "BR": "BRL", "CL": "CLP", "AR": "ARS",
    "BO": "BOB", "MX": "MXN", "CR": "CRC", "DO": "DOP", "GY": "GYD", "TT": "TTD", "UY": "UYU",
    "PY": "PYG", "AW": "AWG", "CW": "ANG", "PA": "USD",
}  # fmt: skip


def is_currency(code: str) -> bool:
    """An ISO 4217 alphabetic code, upper case (`cop` is not one: the caller normalises)."""
    return len(code) == 3 and code.isalpha() and code.isupper() and (
        code in CURRENCIES or pycountry.currencies.get(alpha_3=code) is not None
    )  # fmt: skip


def for_country(iso2: str) -> str:
    return BY_COUNTRY.get(iso2.upper(), "USD")
