"""The flow monitoring survey as an XLSForm, made for one operation at download.

The list of points is the operation's active points (`FormPoint`: code, name, country), so
an enumerator picks where she stands, not one of the demo crossings; the status in the
host country offers only the permits of the point's country (choice_filter on the
`country` column of the point list). Field names are those `dtm.intake.submit_survey` and
the file import read, so a Kobo or ODK export of this form imports as it is. Choice labels
come from the DTM catalogue (dtm.choices in es/pt/en); country names from pycountry.
    DEBUG=1 .venv/bin/python -m caminantes.dtm.xlsforms.build_xlsform OUT.xlsx
writes an example with the demo crossings (for trying the form in ODK, not for use).
"""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pycountry

from caminantes.dtm.choices import (
    AGE_GROUPS,
    GROUP_FIELDS,
    LEGAL_STATUS_COUNTRY,
    TRANSIT_SLOTS,
    WG_DOMAINS,
    Document,
    Education,
    Employment,
    Incident,
    Intention,
    LegalStatus,
    MaritalStatus,
    Need,
    ReasonForLeaving,
    Sex,
    SleepingPlace,
    TransportMode,
    WgAnswer,
    YesNo,
)


@dataclass(frozen=True)
class FormPoint:
    code: str
    name: str
    country: str  # ISO alpha-2


LANGS = (("es", "Español (es)"), ("en", "English (en)"), ("pt", "Português (pt)"))
COUNTRIES = (
    "VE", "CO", "EC", "PE", "CL", "BR", "AR", "BO", "PA", "CR", "MX", "DO", "PY", "UY",
    "GY", "TT", "AW", "CW", "US", "ES",
)  # fmt: skip
LISTS: dict[str, Any] = {
    "yes_no": YesNo,
    "sex": Sex,
    "marital": MaritalStatus,
    "education": Education,
    "employment": Employment,
    "transport": TransportMode,
    "reason": ReasonForLeaving,
    "document": Document,
    "need": Need,
    "incident": Incident,
    "wg": WgAnswer,
    "slept": SleepingPlace,
    "intention": Intention,
}
ADULT = ". >= 18 and . <= 110"

# (type, name, {lang: label}, extra columns)
T = tuple[str, str, dict[str, str], dict[str, str]]


def q(kind: str, name: str, es: str, en: str, pt: str, **extra: str) -> T:
    return (kind, name, {"es": es, "en": en, "pt": pt}, extra)


WG_LABELS = {
    "wg_seeing": ("¿Tiene dificultad para ver, incluso si usa lentes?",
                  "Do you have difficulty seeing, even if wearing glasses?",
                  "Tem dificuldade para enxergar, mesmo usando óculos?"),
    "wg_hearing": ("¿Tiene dificultad para oír, incluso si usa un audífono?",
                   "Do you have difficulty hearing, even if using a hearing aid?",
                   "Tem dificuldade para ouvir, mesmo usando aparelho auditivo?"),
    "wg_walking": ("¿Tiene dificultad para caminar o subir escalones?",
                   "Do you have difficulty walking or climbing steps?",
                   "Tem dificuldade para caminhar ou subir degraus?"),
    "wg_remembering": ("¿Tiene dificultad para recordar o concentrarse?",
                       "Do you have difficulty remembering or concentrating?",
                       "Tem dificuldade para lembrar-se ou concentrar-se?"),
    "wg_selfcare": ("¿Tiene dificultad para su cuidado personal, como lavarse o vestirse?",
                    "Do you have difficulty with self-care, such as washing all over or "
                    "dressing?", "Tem dificuldade com o cuidado pessoal, como tomar banho ou "
                    "vestir-se?"),
    "wg_communicating": ("Usando su idioma habitual, ¿tiene dificultad para comunicarse, por "
                         "ejemplo para entender o ser entendido?",
                         "Using your usual language, do you have difficulty communicating, for "
                         "example understanding or being understood?",
                         "Usando seu idioma habitual, tem dificuldade para se comunicar, por "
                         "exemplo entender ou ser entendido?"),
}  # fmt: skip
WG_QUESTIONS: list[T] = [
    q(
        "begin_group",
        "disability",
        "Dificultades (Grupo de Washington)",
        "Difficulties (Washington Group)",
        "Dificuldades (Grupo de Washington)",
        relevant="${consent} = 'yes'",
    ),
    *(q("select_one wg", name, *WG_LABELS[name]) for name, _domain in WG_DOMAINS),
    q("end_group", "", "", "", ""),
]
_SEX_WORDS = {"female": (("Niñas", "Girls", "Meninas"), ("Mujeres", "Women", "Mulheres")),
              "male": (("Niños", "Boys", "Meninos"), ("Hombres", "Men", "Homens"))}  # fmt: skip
GROUP_QUESTIONS: list[T] = [
    q("integer", f"group_{sex}_{age}",
      *(f"{word} {label}" for word in _SEX_WORDS[sex][age in ("18_59", "60_plus")]),
      default="0", constraint=". >= 0", required="yes")
    for sex in ("female", "male") for age, label in AGE_GROUPS
]  # fmt: skip
# The last count checks the whole group: at least one adult (the person interviewed).
_ADULTS = " + ".join(f"${{{n}}}" for n in GROUP_FIELDS if n.endswith(("18_59", "60_plus")))
GROUP_QUESTIONS[-1] = (*GROUP_QUESTIONS[-1][:3], {
    **GROUP_QUESTIONS[-1][3],
    "constraint": f". >= 0 and ({_ADULTS}) >= 1",
    "constraint_message::es": "Al menos una persona adulta (usted).",
    "constraint_message::en": "At least one adult (you).",
    "constraint_message::pt": "Pelo menos uma pessoa adulta (você).",
})  # fmt: skip
TRANSIT_QUESTIONS: list[T] = [
    q(
        "select_one country",
        f"transit_country_{i}",
        f"País de tránsito {i} (en orden)",
        f"Transit country {i} (in order)",
        f"País de trânsito {i} (em ordem)",
        **({"relevant": f"${{transit_country_{i - 1}}} != ''"} if i > 1 else {}),
    )
    for i in range(1, TRANSIT_SLOTS + 1)
]

QUESTIONS: list[T] = [
    q("start", "start", "", "", ""),
    q("end", "end", "", "", ""),
    q("deviceid", "deviceid", "", "", ""),
    q("select_one point", "point", "Punto de monitoreo de flujo", "Flow monitoring point",
      "Ponto de monitoramento de fluxo", required="yes"),
    q("calculate", "host_country", "", "", "",
      calculation="instance('point')/root/item[name=${point}]/country"),
    q("date", "date", "Fecha de la entrevista", "Interview date", "Data da entrevista",
      required="yes", default="today()"),
    q("select_one yes_no", "consent",
      "¿Acepta responder esta encuesta anónima? Puede parar cuando quiera.",
      "Do you agree to answer this anonymous survey? You may stop at any time.",
      "Aceita responder a esta pesquisa anônima? Pode parar quando quiser.", required="yes"),
    q("begin_group", "profile", "Perfil", "Profile", "Perfil", relevant="${consent} = 'yes'"),
    q("select_one country", "nationality", "Nacionalidad", "Nationality", "Nacionalidade",
      required="yes"),
    q("select_one sex", "sex", "Sexo", "Sex", "Sexo", required="yes"),
    q("integer", "age", "Edad", "Age", "Idade", required="yes", constraint=ADULT),
    q("select_one marital", "marital_status", "Estado civil", "Marital status", "Estado civil"),
    q("select_one education", "education", "Nivel educativo", "Education", "Escolaridade"),
    q("select_one employment", "employment_before", "Situación laboral antes de salir",
      "Employment before leaving", "Situação de trabalho antes de sair"),
    q("select_one employment", "employment_now", "Situación laboral actual",
      "Employment now", "Situação de trabalho atual"),
    q("select_one yes_no", "pregnant", "¿Está embarazada o lactando?",
      "Are you pregnant or breastfeeding?", "Está grávida ou amamentando?",
      relevant="${sex} = 'female'"),
    q("end_group", "", "", "", ""),
    *WG_QUESTIONS,
    q("begin_group", "origin", "Origen", "Origin", "Origem", relevant="${consent} = 'yes'"),
    q("select_one country", "origin_country", "País de origen", "Country of origin",
      "País de origem"),
    q("text", "origin_admin1", "Estado o departamento de origen", "State or department of origin",
      "Estado ou departamento de origem"),
    q("date", "departure_date", "Fecha de salida", "Departure date", "Data de saída",
      constraint=". <= ${date}"),
    q("end_group", "", "", "", ""),
    q("begin_group", "travel_group", "Grupo de viaje", "Travel group", "Grupo de viagem",
      relevant="${consent} = 'yes'"),
    q("note", "group_note", "Personas que viajan juntas, contándole a usted, por sexo y edad",
      "People travelling together, including you, by sex and age",
      "Pessoas viajando juntas, incluindo você, por sexo e idade"),
    *GROUP_QUESTIONS,
    q("calculate", "group_size", "", "", "", calculation=" + ".join(
        f"${{{n}}}" for n in GROUP_FIELDS)),
    q("calculate", "children_in_group", "", "", "", calculation=" + ".join(
        f"${{{n}}}" for n in GROUP_FIELDS if n.endswith(("0_5", "6_17")))),
    q("integer", "unaccompanied_children", "Niñas y niños no acompañados vistos en la ruta",
      "Unaccompanied children met on the route", "Crianças desacompanhadas vistas na rota",
      default="0"),
    q("select_one yes_no", "children_left_behind", "¿Dejó hijas o hijos en el país de origen?",
      "Did you leave children behind in the country of origin?",
      "Deixou filhas ou filhos no país de origem?"),
    q("end_group", "", "", "", ""),
    q("begin_group", "route", "Ruta", "Route", "Rota", relevant="${consent} = 'yes'"),
    *TRANSIT_QUESTIONS,
    q("integer", "days_in_transit", "Días en tránsito", "Days in transit", "Dias em trânsito"),
    q("select_one transport", "main_transport", "Medio de transporte principal",
      "Main transport mode", "Meio de transporte principal"),
    q("select_multiple transport", "transport_modes", "Medios de transporte usados en la ruta",
      "Transport modes used on the route", "Meios de transporte usados na rota"),
    q("integer", "travel_cost_usd", "Costo del viaje (USD)", "Cost of the journey (USD)",
      "Custo da viagem (USD)"),
    q("end_group", "", "", "", ""),
    q("begin_group", "intentions", "Intenciones", "Intentions", "Intenções",
      relevant="${consent} = 'yes'"),
    q("select_one country", "destination_country", "País de destino", "Destination country",
      "País de destino"),
    q("text", "destination_admin1", "Estado o departamento de destino",
      "Destination state or department", "Estado ou departamento de destino"),
    q("select_one intention", "intention", "¿Qué piensa hacer?", "What do you intend to do?",
      "O que pretende fazer?"),
    q("select_one country", "intention_country", "¿A qué país piensa seguir?",
      "Which country do you mean to go on to?", "Para qual país pretende seguir?",
      relevant="${intention} = 'move_on'", required="yes",
      constraint=". != ${host_country}"),
    q("select_multiple reason", "reasons_leaving", "Razones para salir", "Reasons for leaving",
      "Motivos para sair"),
    q("text", "other_reason", "Otra razón", "Other reason", "Outro motivo",
      relevant="selected(${reasons_leaving}, 'other')"),
    q("end_group", "", "", "", ""),
    q("begin_group", "status", "Documentos y situación", "Documents and status",
      "Documentos e situação",
      relevant="${consent} = 'yes'"),
    q("select_multiple document", "documents", "Documentos que tiene", "Documents held",
      "Documentos que possui",
      constraint="not(selected(., 'none') and count-selected(.) > 1)"),
    q("select_one status", "legal_status", "Situación migratoria en este país",
      "Status in this country", "Situação migratória neste país",
      choice_filter="host = 'any' or host = ${host_country}"),
    q("select_one slept", "slept_last_night", "¿Dónde durmió anoche?",
      "Where did you sleep last night?", "Onde dormiu ontem à noite?"),
    q("select_one yes_no", "regular_entry", "¿Entró por un paso regular?",
      "Did you enter through a regular crossing?", "Entrou por uma passagem regular?"),
    q("select_one yes_no", "asylum_sought", "¿Ha solicitado asilo?", "Have you sought asylum?",
      "Solicitou refúgio?"),
    q("end_group", "", "", "", ""),
    q("begin_group", "needs_protection", "Necesidades y protección", "Needs and protection",
      "Necessidades e proteção", relevant="${consent} = 'yes'"),
    q("select_multiple need", "needs", "Necesidades más urgentes", "Most urgent needs",
      "Necessidades mais urgentes"),
    q("text", "other_need", "Otra necesidad", "Other need", "Outra necessidade",
      relevant="selected(${needs}, 'other')"),
    q("select_multiple incident", "incidents", "Incidentes sufridos en la ruta",
      "Incidents suffered on the route", "Incidentes sofridos na rota",
      constraint="not((selected(., 'none') or selected(., 'refused')) and count-selected(.) > 1)"),
    q("select_one yes_no", "health_problem", "¿Tuvo un problema de salud en el viaje?",
      "Did you have a health problem during the journey?", "Teve um problema de saúde na viagem?"),
    q("select_one yes_no", "sends_remittances", "¿Envía dinero a su país?",
      "Do you send money home?", "Envia dinheiro para o seu país?"),
    q("text", "comments", "Comentarios de quien encuesta", "Enumerator's comments",
      "Comentários de quem entrevista"),
    q("end_group", "", "", "", ""),
]  # fmt: skip


def _country_label(code: str, lang: str) -> str:
    name = pycountry.countries.get(alpha_2=code).name  # type: ignore[union-attr]
    if lang == "en":
        return str(name)
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext(name)


def choice_rows() -> list[list[str]]:
    from django.utils import translation

    rows: list[list[str]] = []
    for list_name, choices in LISTS.items():
        for code in choices.values:
            labels = []
            for lang, _header in LANGS:
                with translation.override(lang):
                    labels.append(str(choices(code).label))
            rows.append([list_name, code, *labels])
    for code in COUNTRIES:
        rows.append(["country", code, *(_country_label(code, lang) for lang, _h in LANGS)])
    rows.append(["country", "other", "Otro", "Other", "Outro"])
    from django.utils import translation

    for code in LegalStatus.values:
        labels = []
        for lang, _header in LANGS:
            with translation.override(lang):
                labels.append(str(LegalStatus(code).label))
        rows.append(["status", code, *labels, "", LEGAL_STATUS_COUNTRY.get(code, "any")])
    return rows


def point_rows(points: Sequence[FormPoint]) -> list[list[str]]:
    return [["point", p.code, *(p.name for _l in LANGS), p.country, ""] for p in points]


def build(
    out: Path | IO[bytes],
    *,
    points: Sequence[FormPoint],
    version: str,
    title: str = "Encuesta de monitoreo de flujo",
) -> None:
    """Write the XLSForm with these points (an operation's) to a path or a binary file."""
    import openpyxl

    if not points:
        raise ValueError("An XLSForm needs at least one point.")
    book = openpyxl.Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    extras = ["required", "relevant", "constraint", "default", "calculation", "choice_filter"]
    survey.append(["type", "name", *(f"label::{h}" for _l, h in LANGS), *extras,
                   *(f"constraint_message::{h}" for _l, h in LANGS)])  # fmt: skip
    for kind, name, labels, extra in QUESTIONS:
        messages = [extra.get(f"constraint_message::{lang}", "") for lang, _h in LANGS]
        survey.append([kind, name, *(labels[lang] for lang, _h in LANGS),
                       *(extra.get(e, "") for e in extras), *messages])  # fmt: skip
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{h}" for _l, h in LANGS), "country",
                    "host"])  # fmt: skip
    for row in [*point_rows(points), *choice_rows()]:
        choices.append(row + [""] * (len(LANGS) + 4 - len(row)))
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([title[:200], "caminantes_fms", version, LANGS[0][1]])
    book.save(out)


def example_points() -> list[FormPoint]:
    from caminantes.geo.data.crossings import CROSSINGS

    return [FormPoint(c.slug, c.name, c.country) for c in CROSSINGS]


if __name__ == "__main__":
    import sys

    import django

    django.setup()
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "flow_monitoring_survey.xlsx")
    build(target, points=example_points(), version="example")
    print(target)
