"""The real schemes each host country runs, as ordered steps: what a migration seeds and the
demo loads, and what country managers edit afterwards (the rows, not this list).

Names are written as the country's authorities write them (Spanish, Portuguese for Brazil):
they are data, not interface text. Each step: (name, needs an appointment, the registry
document type it produces or "", may be skipped).

`seed(Scheme, Step, Country)` takes the model classes so that the data migration can pass
its historical models and the demo the real ones. Idempotent: a scheme already there (same
country and code) is left as it is, edits included; a country not loaded yet is skipped
(`caminantes regularization_seed` after `load_places` fills it in).
"""

from __future__ import annotations

from typing import Any, NamedTuple


class StepSeed(NamedTuple):
    name: str
    needs_appointment: bool = False
    document_type: str = ""
    may_skip: bool = False


class SchemeSeed(NamedTuple):
    country: str  # ISO2
    code: str
    name: str
    description: str
    steps: tuple[StepSeed, ...]


SCHEMES: tuple[SchemeSeed, ...] = (
    SchemeSeed(
        "CO",
        "ppt",
        "Permiso por Protección Temporal (PPT)",
        "Estatuto Temporal de Protección para Migrantes Venezolanos (ETPV, Decreto 216 de "
        "2021): pre-registro en el RUMV, registro biométrico presencial con cita en Migración "
        "Colombia y entrega del PPT.",
        (
            StepSeed("Pre-registro virtual en el RUMV"),
            StepSeed("Encuesta de caracterización socioeconómica", may_skip=True),
            StepSeed("Registro biométrico presencial", needs_appointment=True),
            StepSeed("Entrega del PPT", needs_appointment=True, document_type="ppt"),
        ),
    ),
    SchemeSeed(
        "PE",
        "cpp",
        "Carné de Permiso Temporal de Permanencia (CPP)",
        "Superintendencia Nacional de Migraciones: pre-inscripción virtual, cita para el "
        "registro de datos biométricos y entrega del carné.",
        (
            StepSeed("Pre-inscripción virtual en Migraciones"),
            StepSeed("Cita de registro biométrico", needs_appointment=True),
            StepSeed("Entrega del CPP", needs_appointment=True, document_type="cpp"),
        ),
    ),
    SchemeSeed(
        "EC",
        "virte",
        "Visa de residencia temporal de excepción por razones humanitarias (VIRTE)",
        "Proceso de regularización del Ministerio de Gobierno y la Cancillería: registro "
        "migratorio virtual, cita, emisión de la visa y cédula de identidad en el Registro "
        "Civil.",
        (
            StepSeed("Registro de permanencia migratoria (virtual)"),
            StepSeed("Cita para la solicitud de visa", needs_appointment=True),
            StepSeed("Emisión de la visa", document_type="host_permit"),
            StepSeed(
                "Cédula de identidad en el Registro Civil",
                needs_appointment=True,
                document_type="host_permit",
            ),
        ),
    ),
    SchemeSeed(
        "BR",
        "residencia",
        "Autorização de residência (Portaria Interministerial nº 9/2018)",
        "Requerimento no MigranteWeb, atendimento agendado na Polícia Federal (coleta "
        "biométrica) e entrega da Carteira de Registro Nacional Migratório (CRNM).",
        (
            StepSeed("Requerimento no MigranteWeb"),
            StepSeed("Atendimento na Polícia Federal", needs_appointment=True),
            StepSeed("Entrega da CRNM", needs_appointment=True, document_type="host_permit"),
        ),
    ),
)


def seed(scheme_model: Any, step_model: Any, country_model: Any) -> int:
    """Create the schemes not there yet for the countries that are; returns how many."""
    made = 0
    countries = {
        c.iso2: c for c in country_model.objects.filter(iso2__in={s.country for s in SCHEMES})
    }
    for s in SCHEMES:
        country = countries.get(s.country)
        if country is None or scheme_model.objects.filter(country=country, code=s.code).exists():
            continue
        scheme = scheme_model.objects.create(
            country=country, code=s.code, name=s.name, description=s.description
        )
        step_model.objects.bulk_create(
            [
                step_model(
                    scheme=scheme,
                    position=i,
                    name=st.name,
                    needs_appointment=st.needs_appointment,
                    document_type=st.document_type,
                    may_skip=st.may_skip,
                )
                for i, st in enumerate(s.steps, start=1)
            ]
        )
        made += 1
    return made
