"""The canonical names of the 5W columns (RMRP 2025 template), their kinds and their labels.

Every module of the engine, the app's models and its forms use these names. A row is a
plain ``dict[str, object]`` keyed by them; a value the reader could not turn into its kind
stays the cleaned text the partner typed, so the rules can say what was wrong with it.

=========================  ======  ==========================================================
name                       kind    2025 template header
=========================  ======  ==========================================================
country                    text    Country
admin1                     text    Admin1 ("Country level" for national reporting)
admin2                     text    Admin2 (may be empty)
appealing_org              text    Appealing organisation Name
implementation_setup       bool    Implementation Set up (Yes: through an implementing partner)
implementing_partner       text    Implementing partner Name (needed when the set-up is Yes)
month                      month   Month, "YYYY-MM" (real Excel dates are accepted)
sector                     text    Indicator Sector
subsector                  text    Protection's subsectors (2022 layout: "Protection (GBV)")
indicator                  text    Indicator
activity_name              text    Activity Name
activity_description       text    Activity Description
rmrp_activity              bool    RMRP Activity
cva                        bool    CVA (cash and voucher assistance)
value_usd                  money   Value (in USD)
delivery_mechanism         text    Delivery mechanism (CVA)
quantity_output            int     Quantity of output
monthly_beneficiaries      int     Total monthly beneficiaries
new_beneficiaries          int     New beneficiaries of the month
pop_in_destination         int     Refugees and Migrants IN DESTINATION
pop_in_transit             int     Refugees and Migrants IN TRANSIT
pop_host_community         int     Host Communities Beneficiaries
pop_pendular               int     Refugees and Migrants PENDULARS
pop_colombian_returnees    int     Colombian Returnees
women_under18              int     Women under 18 (2022: Girls)
men_under18                int     Men under 18 (2022: Boys)
women_over18               int     Women above 18 (2022: Women)
men_over18                 int     Men above 18 (2022: Men)
other_under18              int     Other under 18
other_over18               int     Other above 18
covid19                    bool    2022 layout only (COVID-19 related); kept, never checked
=========================  ======  ==========================================================
"""

from __future__ import annotations

from typing import Final, Literal

Kind = Literal["text", "bool", "int", "money", "month"]

COUNTRY: Final = "country"
ADMIN1: Final = "admin1"
ADMIN2: Final = "admin2"
APPEALING_ORG: Final = "appealing_org"
IMPLEMENTATION_SETUP: Final = "implementation_setup"
IMPLEMENTING_PARTNER: Final = "implementing_partner"
MONTH: Final = "month"
SECTOR: Final = "sector"
SUBSECTOR: Final = "subsector"
INDICATOR: Final = "indicator"
ACTIVITY_NAME: Final = "activity_name"
ACTIVITY_DESCRIPTION: Final = "activity_description"
RMRP_ACTIVITY: Final = "rmrp_activity"
CVA: Final = "cva"
VALUE_USD: Final = "value_usd"
DELIVERY_MECHANISM: Final = "delivery_mechanism"
QUANTITY_OUTPUT: Final = "quantity_output"
MONTHLY_BENEFICIARIES: Final = "monthly_beneficiaries"
NEW_BENEFICIARIES: Final = "new_beneficiaries"
POP_IN_DESTINATION: Final = "pop_in_destination"
POP_IN_TRANSIT: Final = "pop_in_transit"
POP_HOST_COMMUNITY: Final = "pop_host_community"
POP_PENDULAR: Final = "pop_pendular"
POP_COLOMBIAN_RETURNEES: Final = "pop_colombian_returnees"
WOMEN_UNDER18: Final = "women_under18"
MEN_UNDER18: Final = "men_under18"
WOMEN_OVER18: Final = "women_over18"
MEN_OVER18: Final = "men_over18"
OTHER_UNDER18: Final = "other_under18"
OTHER_OVER18: Final = "other_over18"
COVID19: Final = "covid19"

# The breakdowns, in the template's order.
POPULATION_TYPES: Final[tuple[str, ...]] = (
    POP_IN_DESTINATION,
    POP_IN_TRANSIT,
    POP_HOST_COMMUNITY,
    POP_PENDULAR,
    POP_COLOMBIAN_RETURNEES,
)
AGE_SEX: Final[tuple[str, ...]] = (
    WOMEN_UNDER18,
    MEN_UNDER18,
    WOMEN_OVER18,
    MEN_OVER18,
    OTHER_UNDER18,
    OTHER_OVER18,
)
ADULTS: Final[tuple[str, ...]] = (WOMEN_OVER18, MEN_OVER18, OTHER_OVER18)
CHILDREN: Final[tuple[str, ...]] = (WOMEN_UNDER18, MEN_UNDER18, OTHER_UNDER18)

KINDS: Final[dict[str, Kind]] = {
    COUNTRY: "text",
    ADMIN1: "text",
    ADMIN2: "text",
    APPEALING_ORG: "text",
    IMPLEMENTATION_SETUP: "bool",
    IMPLEMENTING_PARTNER: "text",
    MONTH: "month",
    SECTOR: "text",
    SUBSECTOR: "text",
    INDICATOR: "text",
    ACTIVITY_NAME: "text",
    ACTIVITY_DESCRIPTION: "text",
    RMRP_ACTIVITY: "bool",
    CVA: "bool",
    VALUE_USD: "money",
    DELIVERY_MECHANISM: "text",
    QUANTITY_OUTPUT: "int",
    MONTHLY_BENEFICIARIES: "int",
    NEW_BENEFICIARIES: "int",
    **{name: "int" for name in POPULATION_TYPES},
    **{name: "int" for name in AGE_SEX},
    COVID19: "bool",
}

# The 2025 template's columns, in its order (covid19 belongs to the 2022 layout only).
FIELDS: Final[tuple[str, ...]] = tuple(name for name in KINDS if name != COVID19)
NUMBERS: Final[tuple[str, ...]] = tuple(n for n, k in KINDS.items() if k in ("int", "money"))

# Header text, per language: what the 2025 template says (en) and how Spanish and
# Portuguese versions of the template word it. The reader accepts many more spellings.
LABELS: Final[dict[str, dict[str, str]]] = {
    COUNTRY: {"en": "Country", "es": "País", "pt": "País"},
    ADMIN1: {"en": "Admin1", "es": "Admin1 (departamento/provincia)", "pt": "Admin1 (estado)"},
    ADMIN2: {"en": "Admin2", "es": "Admin2 (municipio)", "pt": "Admin2 (município)"},
    APPEALING_ORG: {
        "en": "Appealing organisation",
        "es": "Organización solicitante",
        "pt": "Organização solicitante",
    },
    IMPLEMENTATION_SETUP: {
        "en": "Implementation set-up",
        "es": "Implementación con socio",
        "pt": "Implementação com parceiro",
    },
    IMPLEMENTING_PARTNER: {
        "en": "Implementing partner",
        "es": "Socio implementador",
        "pt": "Parceiro implementador",
    },
    MONTH: {"en": "Month", "es": "Mes", "pt": "Mês"},
    SECTOR: {"en": "Sector", "es": "Sector", "pt": "Setor"},
    SUBSECTOR: {"en": "Subsector", "es": "Subsector", "pt": "Subsetor"},
    INDICATOR: {"en": "Indicator", "es": "Indicador", "pt": "Indicador"},
    ACTIVITY_NAME: {"en": "Activity name", "es": "Nombre de la actividad", "pt": "Atividade"},
    ACTIVITY_DESCRIPTION: {
        "en": "Activity description",
        "es": "Descripción de la actividad",
        "pt": "Descrição da atividade",
    },
    RMRP_ACTIVITY: {"en": "RMRP activity", "es": "Actividad RMRP", "pt": "Atividade RMRP"},
    CVA: {"en": "CVA", "es": "CVA (transferencias monetarias)", "pt": "CVA (transferências)"},
    VALUE_USD: {"en": "Value (in USD)", "es": "Valor (USD)", "pt": "Valor (USD)"},
    DELIVERY_MECHANISM: {
        "en": "Delivery mechanism",
        "es": "Mecanismo de entrega",
        "pt": "Mecanismo de entrega",
    },
    QUANTITY_OUTPUT: {
        "en": "Quantity of output",
        "es": "Cantidad de producto",
        "pt": "Quantidade de produto",
    },
    MONTHLY_BENEFICIARIES: {
        "en": "Total monthly beneficiaries",
        "es": "Total de beneficiarios del mes",
        "pt": "Total de beneficiários do mês",
    },
    NEW_BENEFICIARIES: {
        "en": "New beneficiaries of the month",
        "es": "Nuevos beneficiarios del mes",
        "pt": "Novos beneficiários do mês",
    },
    POP_IN_DESTINATION: {
        "en": "Refugees and migrants in destination",
        "es": "Refugiados y migrantes en destino",
        "pt": "Refugiados e migrantes no destino",
    },
    POP_IN_TRANSIT: {
        "en": "Refugees and migrants in transit",
        "es": "Refugiados y migrantes en tránsito",
        "pt": "Refugiados e migrantes em trânsito",
    },
    POP_HOST_COMMUNITY: {
        "en": "Host communities",
        "es": "Comunidades de acogida",
        "pt": "Comunidades de acolhida",
    },
    POP_PENDULAR: {
        "en": "Refugees and migrants pendulars",
        "es": "Refugiados y migrantes pendulares",
        "pt": "Refugiados e migrantes pendulares",
    },
    POP_COLOMBIAN_RETURNEES: {
        "en": "Colombian returnees",
        "es": "Colombianos retornados",
        "pt": "Colombianos retornados",
    },
    WOMEN_UNDER18: {"en": "Women under 18", "es": "Mujeres menores de 18", "pt": "Mulheres < 18"},
    MEN_UNDER18: {"en": "Men under 18", "es": "Hombres menores de 18", "pt": "Homens < 18"},
    WOMEN_OVER18: {"en": "Women above 18", "es": "Mujeres mayores de 18", "pt": "Mulheres 18+"},
    MEN_OVER18: {"en": "Men above 18", "es": "Hombres mayores de 18", "pt": "Homens 18+"},
    OTHER_UNDER18: {"en": "Other under 18", "es": "Otros menores de 18", "pt": "Outros < 18"},
    OTHER_OVER18: {"en": "Other above 18", "es": "Otros mayores de 18", "pt": "Outros 18+"},
    COVID19: {"en": "COVID-19", "es": "COVID-19", "pt": "COVID-19"},
}


def label(name: str, language: str = "es") -> str:
    """The header text of a field in `language` (es, en, pt); the name itself if unknown."""
    labels = LABELS.get(name)
    if labels is None:
        return name
    return labels.get(language[:2], labels["en"])
