"""R4V's counting rules on a small dataset whose figures were worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.engine.consolidate import across_sectors, cva_totals, totals
from caminantes.coordination.fivew.engine.reference import Reference

from .test_engine_rules import HEALTH_CB, HEALTH_DA, MPC_DA

SHELTER_DA = (
    "# of refugees and migrants provided with rent accommodation support as a short-term solution"
)
FOOD_DA = (
    "# of refugees, migrants and members of affected host communities that receive food assistance"
)


def _r(
    country: str, admin1: str, month: str, sector: str, indicator: str, **people: object
) -> dict:
    row: dict[str, object] = {
        F.COUNTRY: country,
        F.ADMIN1: admin1,
        F.MONTH: month,
        F.SECTOR: sector,
        F.INDICATOR: indicator,
        F.APPEALING_ORG: "UNHCR",
        F.ACTIVITY_NAME: "Actividad",
        F.RMRP_ACTIVITY: True,
        F.CVA: False,
    }
    row.update(people)
    return row


ROWS = [
    # Arauca, January: three sectors reach partly the same people
    _r(
        "Colombia",
        "Arauca",
        "2025-01",
        "Health",
        HEALTH_DA,
        monthly_beneficiaries=10,
        new_beneficiaries=10,
        pop_in_destination=10,
        women_under18=4,
        men_under18=6,
    ),
    _r(
        "Colombia",
        "Arauca",
        "2025-01",
        "Shelter",
        SHELTER_DA,
        monthly_beneficiaries=8,
        new_beneficiaries=6,
        pop_in_destination=6,
        women_under18=6,
    ),
    _r(
        "Colombia",
        "Arauca",
        "2025-01",
        "Multipurpose Cash Assistance (MPC)",
        MPC_DA,
        cva=True,
        value_usd=Decimal(215),
        delivery_mechanism="Bank transfer",
        monthly_beneficiaries=4,
        new_beneficiaries=4,
        pop_in_destination=4,
        women_over18=4,
    ),
    # Arauca, February
    _r(
        "Colombia",
        "Arauca",
        "2025-02",
        "Health",
        HEALTH_DA,
        monthly_beneficiaries=12,
        new_beneficiaries=2,
        pop_in_destination=2,
        men_over18=2,
    ),
    _r(
        "Colombia",
        "Arauca",
        "2025-02",
        "Shelter",
        SHELTER_DA,
        monthly_beneficiaries=4,
        new_beneficiaries=4,
        pop_in_destination=2,
        pop_in_transit=2,
        women_under18=2,
        men_under18=2,
    ),
    # Norte de Santander, January
    _r(
        "Colombia",
        "Norte de Santander",
        "2025-01",
        "Food Security",
        FOOD_DA,
        monthly_beneficiaries=5,
        new_beneficiaries=5,
        pop_in_transit=5,
        women_over18=5,
    ),
    # Peru, written the Spanish way
    _r(
        "Perú",
        "Tumbes",
        "2025-01",
        "Salud",
        HEALTH_DA,
        monthly_beneficiaries=3,
        new_beneficiaries=3,
        pop_host_community=3,
        men_under18=3,
    ),
    # not counted: not an RMRP activity (but a CVA transfer all the same) ...
    _r(
        "Colombia",
        "Arauca",
        "2025-01",
        "Shelter",
        SHELTER_DA,
        rmrp_activity=False,
        cva=True,
        value_usd=Decimal(100),
        delivery_mechanism="Vouchers",
        monthly_beneficiaries=2,
        new_beneficiaries=2,
        pop_in_destination=2,
        women_under18=2,
    ),
    # ... and not Direct Assistance
    _r(
        "Colombia",
        "Arauca",
        "2025-01",
        "Health",
        HEALTH_CB,
        monthly_beneficiaries=7,
        new_beneficiaries=7,
        women_over18=7,
    ),
]


def test_it_counts_people_reached_per_country_and_sector() -> None:
    got = {
        (t["country"], t["sector"]): (t["monthly_beneficiaries"], t["people_reached"])
        for t in totals(ROWS, Reference.default())
    }
    assert got == {
        ("Colombia", "Food Security"): (5, 5),
        ("Colombia", "Health"): (22, 12),
        ("Colombia", "Multipurpose Cash Assistance (MPC)"): (4, 4),
        ("Colombia", "Shelter"): (12, 10),
        ("Peru", "Health"): (3, 3),
    }


def test_it_breaks_people_reached_down_by_population_type_and_age_and_sex() -> None:
    [shelter] = [t for t in totals(ROWS, Reference.default()) if t["sector"] == "Shelter"]
    assert shelter["pop_in_destination"] == 8 and shelter["pop_in_transit"] == 2
    assert shelter["women_under18"] == 8 and shelter["men_under18"] == 2


def test_the_sum_model_adds_every_sector() -> None:
    got = {r["country"]: r for r in across_sectors(ROWS, Reference.default(), model="sum")}
    assert got["Colombia"]["people_reached"] == 31
    assert got["Colombia"]["pop_in_destination"] == 24
    assert got["Colombia"]["pop_in_transit"] == 7
    assert got["Peru"]["people_reached"] == 3


def test_the_max_sector_model_takes_each_cells_largest_sector_per_admin1_and_month() -> None:
    got = {r["country"]: r for r in across_sectors(ROWS, Reference.default(), model="max-sector")}
    colombia = got["Colombia"]
    # Arauca January: destination x girls max(4, 6) = 6, x boys 6, x women 4 -> 16
    # Arauca February: health 2 men + shelter's four cells of 1 -> 6
    # Norte de Santander January: 5
    assert colombia["people_reached"] == 27
    assert (colombia["pop_in_destination"], colombia["pop_in_transit"]) == (20, 7)
    assert colombia["women_under18"] == 8 and colombia["men_under18"] == 8
    assert colombia["women_over18"] == 9 and colombia["men_over18"] == 2
    assert got["Peru"]["people_reached"] == 3 and got["Peru"]["pop_host_community"] == 3


def test_it_groups_by_admin1_when_asked() -> None:
    got = {
        r["admin1"]: r["people_reached"]
        for r in across_sectors(ROWS, Reference.default(), by=("country", "admin1"))
    }
    assert got == {"Arauca": 22, "Norte de Santander": 5, "Tumbes": 3}


def test_it_totals_cash_by_delivery_mechanism() -> None:
    got = cva_totals(ROWS, Reference.default())
    assert got == [
        {
            "country": "Colombia",
            "delivery_mechanism": "bank_account",
            "rows": 1,
            "value_usd": Decimal(215),
            "new_beneficiaries": 4,
        },
        {
            "country": "Colombia",
            "delivery_mechanism": "voucher",
            "rows": 1,
            "value_usd": Decimal(100),
            "new_beneficiaries": 2,
        },
    ]
