"""The record every caller hands the engine: ten strings, "" where unknown."""

from __future__ import annotations

from dataclasses import dataclass

FIELDS = (
    "record_id",
    "given_names",
    "family_names",
    "sex",
    "birth_date",
    "nationality",
    "document_type",
    "document_number",
    "phone",
    "birth_place",
)


@dataclass(frozen=True, slots=True)
class Record:
    record_id: str
    given_names: str = ""
    family_names: str = ""
    sex: str = ""
    birth_date: str = ""
    nationality: str = ""
    document_type: str = ""
    document_number: str = ""
    phone: str = ""
    birth_place: str = ""
