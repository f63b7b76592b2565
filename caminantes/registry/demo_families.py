"""The demo's families, planned before anything is written: how many households of which
kind in which country and area, who registers them, and which are registered twice (the
duplicates the identity review finds). Pure planning from a seed; `registry.demo` writes."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.utils import timezone

from caminantes.lib.fakenames import FakeHousehold, FakeNames
from caminantes.registry.models import (
    PopulationType,
)

HOUSEHOLDS = 2000
SEED = 20190123  # any fixed number: the same seed gives the same families
NO_DOCUMENT_SHARE = 0.40  # people who arrive with no document at all
ASSESSED_SHARE = 0.12  # households with a needs assessment
CHUNK = 100  # households per transaction

P = PopulationType


@dataclass(frozen=True)
class Plan:
    """Where the demo registers families in one country, and who does."""

    share: float
    orgs: dict[str, float]
    areas: dict[str, float]  # ISO 3166-2 -> weight
    neighbourhoods: dict[str, Sequence[str]]


PLANS: dict[str, Plan] = {
    "CO": Plan(
        share=0.40,
        orgs={"IOM": 40, "UNHCR": 35, "FFS": 25},
        areas={
            "CO-DC": 22, "CO-NSA": 18, "CO-LAG": 10, "CO-ATL": 8, "CO-ANT": 8, "CO-SAN": 6,
            "CO-VAC": 5, "CO-NAR": 5, "CO-CUN": 5, "CO-ARA": 4, "CO-BOL": 4, "CO-MAG": 3,
        },
        neighbourhoods={
            "CO-DC": ["Patio Bonito, Kennedy", "Bosa Centro", "Usme", "Ciudad Bolívar", "Suba"],
            "CO-NSA": ["La Parada, Villa del Rosario", "Barrio Camilo Daza, Cúcuta",
                       "Barrio El Escobal, Cúcuta", "Barrio Atalaya, Cúcuta"],
            "CO-LAG": ["Barrio Villa Fátima, Riohacha", "Maicao centro", "Uribia"],
            "CO-ATL": ["Barrio La Chinita, Barranquilla", "Soledad", "Malambo"],
            "CO-ANT": ["Barrio Moravia, Medellín", "Bello", "Necoclí"],
            "CO-NAR": ["Ipiales centro", "Barrio Obrero, Pasto"],
        },
    ),
    "PE": Plan(
        share=0.25,
        orgs={"IOM": 35, "UNHCR": 30, "AMA": 35},
        areas={"PE-LIM": 60, "PE-CAL": 6, "PE-TUM": 10, "PE-LAL": 7, "PE-PIU": 6,
               "PE-ARE": 5, "PE-ICA": 3, "PE-LAM": 3},
        neighbourhoods={
            "PE-LIM": ["San Juan de Lurigancho", "San Martín de Porres", "Los Olivos",
                       "Comas", "Ate", "Chorrillos"],
            "PE-TUM": ["Aguas Verdes", "Zarumilla", "Tumbes centro"],
            "PE-LAL": ["Trujillo, El Porvenir", "La Esperanza"],
        },
    ),
    "EC": Plan(
        share=0.15,
        orgs={"IOM": 55, "UNHCR": 45},
        areas={"EC-P": 45, "EC-G": 20, "EC-C": 8, "EC-O": 8, "EC-M": 6, "EC-A": 5,
               "EC-I": 4, "EC-SD": 4},
        neighbourhoods={
            "EC-P": ["La Marín, Quito", "Carcelén, Quito", "Solanda, Quito", "Calderón"],
            "EC-G": ["Bastión Popular, Guayaquil", "Guasmo Sur, Guayaquil"],
            "EC-C": ["Tulcán centro", "Rumichaca"],
            "EC-O": ["Huaquillas", "Machala"],
        },
    ),
    "BR": Plan(
        share=0.20,
        orgs={"IOM": 55, "UNHCR": 45},
        areas={"BR-RR": 50, "BR-AM": 15, "BR-SP": 12, "BR-SC": 7, "BR-PR": 6, "BR-RS": 5,
               "BR-DF": 3, "BR-MG": 2},
        neighbourhoods={
            "BR-RR": ["Abrigo Rondon 1, Boa Vista", "Abrigo Pricumã, Boa Vista",
                      "Bairro Caimbé, Boa Vista", "Pacaraima centro",
                      "Abrigo Janokoida, Pacaraima"],
            "BR-AM": ["Bairro Coroado, Manaus", "Abrigo Tarumã-Açu, Manaus"],
            "BR-SP": ["Bairro Brás, São Paulo", "Guarulhos"],
        },
    ),
}  # fmt: skip

# Where people cross back and forth (pendular movement) and where they are mostly passing.
PENDULAR_AREAS = frozenset({"CO-NSA", "CO-LAG", "CO-ARA", "BR-RR"})
TRANSIT_AREAS = frozenset({"CO-NSA", "CO-NAR", "CO-ANT", "PE-TUM", "EC-C", "EC-O", "BR-RR"})
# Where families in transit say they are going, from each host country.
ONWARD = {
    "CO": [("PE", "PE-LIM", 30), ("EC", "EC-P", 20), ("CL", "CL-RM", 35), ("PA", "", 15)],
    "EC": [("PE", "PE-LIM", 40), ("CL", "CL-RM", 50), ("AR", "AR-C", 10)],
    "PE": [("CL", "CL-RM", 70), ("AR", "AR-C", 20), ("BO", "", 10)],
    "BR": [("BR", "BR-AM", 40), ("BR", "BR-SP", 40), ("BR", "BR-SC", 20)],
}
# Whom a family may agree its data is shared with, by registering organisation.
PARTNERS = {"IOM": {"CO": "FFS", "PE": "AMA"}, "FFS": {"CO": "IOM"}, "AMA": {"PE": "IOM"},
            "UNHCR": {"CO": "IOM", "PE": "IOM", "EC": "IOM", "BR": "IOM"}}  # fmt: skip

# Registration officers added when the demo organisations have none in a country.
REGISTRARS = {
    ("IOM", "CO"): ("registro.co", "Rosa Registro"),
    ("AMA", "PE"): ("registro.pe", "Pedro Registro"),
    ("IOM", "PE"): ("registro.iom.pe", "Lucía Quispe"),
    ("IOM", "EC"): ("registro.iom.ec", "Esteban Andrade"),
    ("IOM", "BR"): ("registro.iom.br", "Beatriz Cadastro"),
    ("UNHCR", "CO"): ("registro.acnur.co", "Camilo Ospina"),
    ("UNHCR", "PE"): ("registro.acnur.pe", "Patricia Huamán"),
    ("UNHCR", "EC"): ("registro.acnur.ec", "Daniela Cevallos"),
    ("UNHCR", "BR"): ("registro.acnur.br", "Bruno Acolhida"),
    ("FFS", "CO"): ("registro.ffs.co", "Fernanda Frontera"),
}
DEMO_EMAIL = "{}@demo.caminantes.org"


@dataclass(frozen=True)
class DemoFamily:
    """One family to register: who they are, where, by whom."""

    country: str
    org: str
    area: str
    population_type: str
    family: FakeHousehold
    repeat_of: int | None = None  # registered again elsewhere, spelt differently


def plan_families(count: int, seed: int = SEED, today: date | None = None) -> list[DemoFamily]:
    """The same `count` families for the same seed: spread over countries, organisations
    and areas. About one in a hundred is a family already registered elsewhere, as the
    identity engine will meet them (names spelt differently, documents not shown)."""
    fake = FakeNames(seed, today=today or timezone.localdate())
    rng = fake.rng
    isos = list(PLANS)
    shares = [PLANS[i].share for i in isos]
    out: list[DemoFamily] = []
    for i in range(count):
        if i > 50 and rng.random() < 0.01:
            index = rng.randrange(len(out))
            first = out[index]
            if first.repeat_of is None:
                plan = PLANS[first.country]
                others = [o for o in plan.orgs if o != first.org] or [first.org]
                out.append(
                    DemoFamily(
                        country=first.country,
                        org=rng.choice(others),
                        area=_weighted(rng, plan.areas),
                        population_type=first.population_type,
                        family=_respelt(fake, first.family),
                        repeat_of=index,
                    )
                )
                continue
        iso = rng.choices(isos, shares)[0]
        plan = PLANS[iso]
        area = _weighted(rng, plan.areas)
        population_type = _population_type(rng, iso, area)
        settled = population_type not in {P.IN_TRANSIT, P.PENDULAR}
        out.append(
            DemoFamily(
                country=iso,
                org=_weighted(rng, plan.orgs),
                area=area,
                population_type=population_type,
                family=fake.household(iso, area, settled=settled),
            )
        )
    return out


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _population_type(rng: random.Random, iso: str, area: str) -> str:
    weights = {
        P.IN_DESTINATION: 75.0,
        P.IN_TRANSIT: 35.0 if area in TRANSIT_AREAS else 8.0,
        P.PENDULAR: 15.0 if area in PENDULAR_AREAS else 0.0,
        P.RETURNEE: 6.0 if iso == "CO" else 0.0,
        # Host-community families get the same support; their names would not be Venezuelan
        # in Brazil, so the demo has them only where Spanish is spoken.
        P.HOST_COMMUNITY: 0.0 if iso == "BR" else 4.0,
    }
    return _weighted(rng, {str(k): v for k, v in weights.items()})


def _respelt(fake: FakeNames, family: FakeHousehold) -> FakeHousehold:
    members = []
    for m in family.members:
        given = fake.misspell(m.given_names) if fake.rng.random() < 0.6 else m.given_names
        if " " in given and fake.rng.random() < 0.3:
            given = given.split(" ")[0]  # only the first given name this time
        first = fake.misspell(m.first_surname) if fake.rng.random() < 0.4 else m.first_surname
        second = "" if fake.rng.random() < 0.2 else m.second_surname
        members.append(
            replace(m, given_names=given, first_surname=first, second_surname=second, cedula="")
        )
    return replace(family, members=tuple(members), phone="", venezuelan_phone="")


# --- turning a family into the registration a registrar would type -------------------------
