"""Every 5W quality rule, each with a row that breaks it and one that keeps it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.engine.reference import Reference
from caminantes.coordination.fivew.engine.rules import RULES, check

TODAY = dt.date(2025, 6, 15)
HEALTH_DA = "# of refugees and migrants benefiting from primary health care consultations"
HEALTH_CB = "# of health personnel and community workers trained"
SHELTER_INFRA = (
    "# of interventions in settlement infrastructures undertaken through supported construction"
)
MPC_DA = "# of individuals benefitting from multipurpose cash transfers (MPC)"
EDUCATION_DA = (
    "# of refugees and migrants who receive assistance for the recognition of academic "
    "titles/diplomas/degrees from primary and secondary educational establishments"
)
CP_DA = (
    "# of refugee and migrant children and adolescents who received specialised child "
    "protection services"
)
PROTECTION_DA = (
    "# of refugees and migrants who received protection-related assistance and specialized services"
)
NO_PEOPLE = {n: None for n in (F.NEW_BENEFICIARIES, *F.POPULATION_TYPES, *F.AGE_SEX)}
CHILDREN_ONLY = {F.WOMEN_UNDER18: 5, F.MEN_UNDER18: 5, F.WOMEN_OVER18: 0, F.MEN_OVER18: 0}


def _row(**changes: Any) -> dict[str, object]:
    """A Direct Assistance row that breaks no rule."""
    row: dict[str, object] = {
        F.COUNTRY: "Colombia",
        F.ADMIN1: "Norte de Santander",
        F.ADMIN2: None,
        F.APPEALING_ORG: "UNHCR",
        F.IMPLEMENTATION_SETUP: False,
        F.IMPLEMENTING_PARTNER: None,
        F.MONTH: "2025-03",
        F.SECTOR: "Health",
        F.SUBSECTOR: None,
        F.INDICATOR: HEALTH_DA,
        F.ACTIVITY_NAME: "Consultas",
        F.ACTIVITY_DESCRIPTION: None,
        F.RMRP_ACTIVITY: True,
        F.CVA: False,
        F.VALUE_USD: None,
        F.DELIVERY_MECHANISM: None,
        F.QUANTITY_OUTPUT: 10,
        F.MONTHLY_BENEFICIARIES: 12,
        F.NEW_BENEFICIARIES: 10,
        F.POP_IN_DESTINATION: 6,
        F.POP_IN_TRANSIT: 4,
        F.POP_HOST_COMMUNITY: 0,
        F.POP_PENDULAR: 0,
        F.POP_COLOMBIAN_RETURNEES: 0,
        F.WOMEN_UNDER18: 2,
        F.MEN_UNDER18: 3,
        F.WOMEN_OVER18: 3,
        F.MEN_OVER18: 2,
        F.OTHER_UNDER18: 0,
        F.OTHER_OVER18: 0,
    }
    row.update(changes)
    return row


# rule, column, changes that break it, changes that keep it (the whole row then passes)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("required", F.COUNTRY, {F.COUNTRY: None}, {F.COUNTRY: "Colombia"}),
    (
        "required",
        F.IMPLEMENTING_PARTNER,
        {F.IMPLEMENTATION_SETUP: True},
        {F.IMPLEMENTATION_SETUP: True, F.IMPLEMENTING_PARTNER: "Caritas Bolivia"},
    ),
    ("required", F.MONTHLY_BENEFICIARIES, {F.MONTHLY_BENEFICIARIES: None}, {}),
    ("yes_no", F.RMRP_ACTIVITY, {F.RMRP_ACTIVITY: "quizás"}, {F.RMRP_ACTIVITY: True}),
    ("month_format", F.MONTH, {F.MONTH: "2025-13"}, {F.MONTH: "2025-01"}),
    ("month_future", F.MONTH, {F.MONTH: "2025-07"}, {F.MONTH: "2025-06"}),
    ("number_invalid", F.QUANTITY_OUTPUT, {F.QUANTITY_OUTPUT: 2.5}, {F.QUANTITY_OUTPUT: 2}),
    ("number_invalid", F.VALUE_USD, {F.VALUE_USD: "mucho"}, {F.VALUE_USD: Decimal("12.5")}),
    ("number_negative", F.QUANTITY_OUTPUT, {F.QUANTITY_OUTPUT: -1}, {F.QUANTITY_OUTPUT: 0}),
    ("country_unknown", F.COUNTRY, {F.COUNTRY: "Narnia"}, {F.COUNTRY: "COL"}),
    ("admin1_unknown", F.ADMIN1, {F.ADMIN1: "Tumbes"}, {F.ADMIN1: "Country level"}),
    (
        "admin2_unknown",
        F.ADMIN2,
        {F.COUNTRY: "Bolivia", F.ADMIN1: "La Paz", F.ADMIN2: "Springfield"},
        {F.COUNTRY: "Bolivia", F.ADMIN1: "La Paz", F.ADMIN2: "Desaguadero"},
    ),
    ("sector_unknown", F.SECTOR, {F.SECTOR: "Astrología"}, {F.SECTOR: "Salud"}),
    (
        "subsector_unknown",
        F.SUBSECTOR,
        {F.SECTOR: "Protection", F.SUBSECTOR: "Fishing", F.INDICATOR: PROTECTION_DA},
        {F.SECTOR: "Protección", F.SUBSECTOR: None, F.INDICATOR: PROTECTION_DA},
    ),
    ("indicator_unknown", F.INDICATOR, {F.INDICATOR: "# of unicorns"}, {}),
    ("indicator_sector", F.INDICATOR, {F.SECTOR: "Shelter"}, {F.SECTOR: "HEALTH"}),
    (
        "partner_unknown",
        F.APPEALING_ORG,
        {F.APPEALING_ORG: "Acme Aid"},
        {F.APPEALING_ORG: "United Nations High Commissioner for Refugees (UNHCR)"},
    ),
    (
        "da_new_required",
        F.NEW_BENEFICIARIES,
        {**{n: 0 for n in (*F.POPULATION_TYPES, *F.AGE_SEX)}, F.NEW_BENEFICIARIES: 0},
        {},
    ),
    ("da_population_sum", F.POP_IN_DESTINATION, {F.POP_IN_DESTINATION: 5}, {}),
    ("age_sex_sum", F.WOMEN_UNDER18, {F.WOMEN_UNDER18: 1}, {}),
    (
        "cb_new_required",
        F.NEW_BENEFICIARIES,
        {F.INDICATOR: HEALTH_CB, **NO_PEOPLE},
        {
            F.INDICATOR: HEALTH_CB,
            **NO_PEOPLE,
            F.NEW_BENEFICIARIES: 3,
            F.WOMEN_OVER18: 2,
            F.MEN_OVER18: 1,
        },
    ),
    (
        "age_sex_sum",
        F.WOMEN_UNDER18,
        {F.INDICATOR: HEALTH_CB, **NO_PEOPLE, F.NEW_BENEFICIARIES: 3, F.WOMEN_OVER18: 2},
        {F.INDICATOR: HEALTH_CB, **NO_PEOPLE, F.NEW_BENEFICIARIES: 0},
    ),
    (
        "new_not_expected",
        F.NEW_BENEFICIARIES,
        {F.SECTOR: "Shelter", F.INDICATOR: SHELTER_INFRA, **NO_PEOPLE, F.NEW_BENEFICIARIES: 5},
        {F.SECTOR: "Shelter", F.INDICATOR: SHELTER_INFRA, **NO_PEOPLE},
    ),
    (
        "new_over_total",
        F.NEW_BENEFICIARIES,
        {F.MONTHLY_BENEFICIARIES: 8},
        {F.MONTHLY_BENEFICIARIES: 10},
    ),
    (
        "cva_value",
        F.VALUE_USD,
        {F.CVA: True, F.DELIVERY_MECHANISM: "Vouchers", F.VALUE_USD: 0},
        {F.CVA: True, F.DELIVERY_MECHANISM: "Vouchers", F.VALUE_USD: Decimal(146)},
    ),
    (
        "cva_mechanism",
        F.DELIVERY_MECHANISM,
        {F.CVA: True, F.VALUE_USD: Decimal(100), F.DELIVERY_MECHANISM: "Paloma mensajera"},
        {F.CVA: True, F.VALUE_USD: Decimal(100), F.DELIVERY_MECHANISM: "Tarjeta prepago"},
    ),
    (
        "mpc_not_cva",
        F.CVA,
        {F.SECTOR: "Multipurpose Cash Assistance (MPC)", F.INDICATOR: MPC_DA},
        {
            F.SECTOR: "MPC",
            F.INDICATOR: MPC_DA,
            F.CVA: True,
            F.VALUE_USD: Decimal(215),
            F.DELIVERY_MECHANISM: "Bank transfer",
        },
    ),
    (
        "adults_in_children",
        F.WOMEN_OVER18,
        {F.SECTOR: "Education", F.INDICATOR: EDUCATION_DA},
        {F.SECTOR: "Educación", F.INDICATOR: EDUCATION_DA, **CHILDREN_ONLY},
    ),
    (
        "adults_in_children",
        F.WOMEN_OVER18,
        {F.SECTOR: "Protection", F.SUBSECTOR: "Child Protection", F.INDICATOR: CP_DA},
        {F.SECTOR: "Protection", F.SUBSECTOR: "CP", F.INDICATOR: CP_DA, **CHILDREN_ONLY},
    ),
]


def _problems(row: dict[str, object], language: str = "es") -> list[tuple[str, str]]:
    return [
        (p.rule, p.column)
        for p in check([row], Reference.default(), language=language, today=TODAY)
    ]


def test_it_passes_a_clean_direct_assistance_row() -> None:
    assert _problems(_row()) == []


@pytest.mark.parametrize(
    ("rule", "column", "breaks", "keeps"),
    CASES,
    ids=[f"{c[0]}-{c[1]}" for c in CASES],
)
def test_it_applies_each_rule(
    rule: str, column: str, breaks: dict[str, Any], keeps: dict[str, Any]
) -> None:
    assert (rule, column) in _problems(_row(**breaks))
    assert _problems(_row(**keeps)) == []


def test_every_rule_has_a_case_and_a_message_in_three_languages() -> None:
    assert {c[0] for c in CASES} | {"duplicate_row"} == set(RULES)
    for messages in RULES.values():
        assert set(messages) == {"es", "en", "pt"}


def test_it_flags_the_second_of_two_identical_rows_with_the_first_row_number() -> None:
    rows = [{**_row(), "_row": 7}, {**_row(), "_row": 9}, {**_row(admin1="Arauca"), "_row": 10}]
    problems = check(rows, Reference.default(), language="en", today=TODAY)
    assert [(p.row, p.rule) for p in problems] == [(9, "duplicate_row")]
    assert problems[0].message.startswith("Repeats row 7")


def test_it_speaks_the_users_language() -> None:
    row = _row(**{F.COUNTRY: "Narnia"})
    ref = Reference.default()
    [es] = check([row], ref, language="es", today=TODAY)
    [en] = check([row], ref, language="en", today=TODAY)
    [pt] = check([row], ref, language="pt", today=TODAY)
    assert es.message == "País desconocido: «Narnia»."
    assert en.message == "Unknown country: “Narnia”."
    assert pt.message == "País desconhecido: “Narnia”."
    assert es.params["value"] == "Narnia" and es.row == 2


def test_it_checks_the_real_2022_sample_and_finds_its_real_mistakes() -> None:
    from caminantes.coordination.fivew.engine.workbook import read_workbook

    from .test_engine_workbook import SAMPLE_2022

    problems = check(read_workbook(SAMPLE_2022).rows, Reference.default(), today=TODAY)
    found = {(p.row, p.rule) for p in problems}
    assert (82, "admin1_unknown") in found  # Bolivia's admin1 written "Bolivia"
    assert (58, "cva_mechanism") in found  # an MPC transfer without its mechanism
    assert not any(p.rule in ("indicator_unknown", "sector_unknown") for p in problems)


def test_it_checks_against_a_reference_the_app_builds_from_its_own_tables() -> None:
    from caminantes.coordination.fivew.engine.reference import (
        DIRECT_ASSISTANCE,
        Admin1,
        Country,
        Indicator,
        Partner,
        Sector,
    )

    ref = Reference(
        countries=[
            Country("Colombia", "COL", "CO", admin1={"Arauca": Admin1("Arauca", "CO-ARA", "CO81")})
        ],
        sectors=[Sector("Nutrition", names={"es": "Nutrición"})],
        indicators=[Indicator("# of children screened", "Nutrition", DIRECT_ASSISTANCE)],
        partners=[Partner("Acción contra el Hambre", "ACH")],
    )
    row = _row(
        admin1="ARAUCA",
        sector="Nutricion",
        indicator="# of children screened",
        appealing_org="ach",
    )
    assert _problems_with(ref, row) == []
    assert sorted(_problems_with(ref, _row(admin1="Arauca"))) == [
        ("indicator_unknown", F.INDICATOR),
        ("partner_unknown", F.APPEALING_ORG),
        ("sector_unknown", F.SECTOR),
    ]


def _problems_with(ref: Reference, row: dict[str, object]) -> list[tuple[str, str]]:
    return [(p.rule, p.column) for p in check([row], ref, today=TODAY)]


def test_a_child_protection_training_may_train_adults() -> None:
    trained = "# of individuals working with refugees and migrants trained on Child Protection"
    row = _row(
        sector="Protection",
        subsector="Child Protection",
        indicator=trained,
        **{**NO_PEOPLE, F.NEW_BENEFICIARIES: 4, F.WOMEN_OVER18: 3, F.MEN_OVER18: 1},
    )
    assert _problems(row) == []
