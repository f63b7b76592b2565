"""Write flow_monitoring_survey.xlsx: the flow monitoring survey as an XLSForm.

Run after changing the questions or the code lists (dtm.choices):
    DEBUG=1 .venv/bin/python -m caminantes.dtm.xlsforms.build_xlsform
Field names are those `dtm.intake.submit_survey` and the file import read, so a Kobo or
ODK export of this form imports as it is. Choice labels come from the DTM catalogue
(dtm.choices in es/pt/en); country names from pycountry's ISO 3166 translations.
"""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any

import pycountry

from caminantes.dtm.choices import (
    Document,
    Education,
    Employment,
    Incident,
    MaritalStatus,
    Need,
    ReasonForLeaving,
    Sex,
    TransportMode,
    YesNo,
)
from caminantes.geo.data.crossings import CROSSINGS

OUT = Path(__file__).parent / "flow_monitoring_survey.xlsx"
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
}
ADULT = ". >= 18 and . <= 110"

# (type, name, {lang: label}, extra columns)
T = tuple[str, str, dict[str, str], dict[str, str]]


def q(kind: str, name: str, es: str, en: str, pt: str, **extra: str) -> T:
    return (kind, name, {"es": es, "en": en, "pt": pt}, extra)


QUESTIONS: list[T] = [
    q("start", "start", "", "", ""),
    q("end", "end", "", "", ""),
    q("deviceid", "deviceid", "", "", ""),
    q("select_one point", "point", "Punto de monitoreo de flujo", "Flow monitoring point",
      "Ponto de monitoramento de fluxo", required="yes"),
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
    q("end_group", "", "", "", ""),
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
    q("integer", "group_size", "Personas que viajan juntas (con usted)",
      "People travelling together (including you)", "Pessoas viajando juntas (incluindo você)",
      constraint=". >= 1", default="1"),
    q("integer", "children_in_group", "Niñas y niños en el grupo", "Children in the group",
      "Crianças no grupo", constraint=". < ${group_size}", default="0"),
    q("integer", "unaccompanied_children", "Niñas y niños no acompañados vistos en la ruta",
      "Unaccompanied children met on the route", "Crianças desacompanhadas vistas na rota",
      default="0"),
    q("select_one yes_no", "children_left_behind", "¿Dejó hijas o hijos en el país de origen?",
      "Did you leave children behind in the country of origin?",
      "Deixou filhas ou filhos no país de origem?"),
    q("end_group", "", "", "", ""),
    q("begin_group", "route", "Ruta", "Route", "Rota", relevant="${consent} = 'yes'"),
    q("select_multiple country", "transit_countries", "Países de tránsito (en orden)",
      "Transit countries (in order)", "Países de trânsito (em ordem)"),
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
    q("select_one yes_no", "intends_to_stay", "¿Piensa quedarse en el destino?",
      "Do you intend to stay at the destination?", "Pretende ficar no destino?"),
    q("select_multiple reason", "reasons_leaving", "Razones para salir", "Reasons for leaving",
      "Motivos para sair"),
    q("text", "other_reason", "Otra razón", "Other reason", "Outro motivo",
      relevant="selected(${reasons_leaving}, 'other')"),
    q("end_group", "", "", "", ""),
    q("begin_group", "status", "Documentos", "Documents", "Documentos",
      relevant="${consent} = 'yes'"),
    q("select_multiple document", "documents", "Documentos que tiene", "Documents held",
      "Documentos que possui",
      constraint="not(selected(., 'none') and count-selected(.) > 1)"),
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
    for crossing in CROSSINGS:
        rows.append(["point", crossing.slug, *(crossing.name for _l in LANGS)])
    return rows


def build(path: Path = OUT) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    extras = ["required", "relevant", "constraint", "default"]
    survey.append(["type", "name", *(f"label::{h}" for _l, h in LANGS), *extras])
    for kind, name, labels, extra in QUESTIONS:
        survey.append([kind, name, *(labels[lang] for lang, _h in LANGS),
                       *(extra.get(e, "") for e in extras)])  # fmt: skip
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{h}" for _l, h in LANGS)])
    for row in choice_rows():
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Encuesta de monitoreo de flujo", "caminantes_fms", "2025030101",
                     LANGS[0][1]])  # fmt: skip
    book.save(path)
    return path


if __name__ == "__main__":
    import django

    django.setup()
    print(build())
