"""The columns each kind of DTM import reads: field names, and the prefixes of breakdown
columns (nationality_VE, need_food ...). The import checks headers against them and the
templates (`imports.templates`) are built from them."""

from __future__ import annotations

from caminantes.dtm.choices import (
    GROUP_FIELDS,
    SEX_AGE_FIELDS,
    TRANSIT_SLOTS,
    VULNERABILITY_FIELDS,
    WG_DOMAINS,
    SurveyQuestion,
)
from caminantes.dtm.intake.survey import YES_NO_FIELDS
from caminantes.dtm.models import DtmImport

K = DtmImport.Kind

_PEOPLE = ("households", "individuals", *SEX_AGE_FIELDS)
COLUMNS: dict[str, tuple[set[str], tuple[str, ...]]] = {
    K.FLOW_COUNTS: (
        {"uuid", "point", "date", "shift_start", "shift_end", "direction", "flow_type",
         "individuals", "groups", "unaccompanied_children", *SEX_AGE_FIELDS,
         *VULNERABILITY_FIELDS},
        ("nationality_", "transport_", "destination_"),
    ),
    K.SURVEY: (
        {"uuid", "point", "date", "consent", "nationality", "sex", "age", "marital_status",
         "education", "employment_before", "employment_now", "origin_country", "origin_admin1",
         "departure_date", "group_size", "children_in_group", "unaccompanied_children",
         "days_in_transit", "main_transport", "travel_cost_usd", "destination_country",
         "destination_admin1", "other_reason", "other_need", "comments", *YES_NO_FIELDS,
         *SurveyQuestion.values, "legal_status", "slept_last_night", "intention",
         "intention_country", *(n for n, _d in WG_DOMAINS), *GROUP_FIELDS,
         *(f"transit_country_{i}" for i in range(1, TRANSIT_SLOTS + 1))},
        (),
    ),
    K.BASELINE: (
        {"round", "admin_area", "date", "key_informants", "notes", *_PEOPLE},
        ("origin_", "arrival_", "shelter_", "need_"),
    ),
    K.SITES: (
        {"site", "round", "date", "capacity", "services", "notes", *_PEOPLE},
        ("nationality_",),
    ),
}  # fmt: skip
