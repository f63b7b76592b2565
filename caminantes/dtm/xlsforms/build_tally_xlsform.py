"""Write flow_monitoring_tally.xlsx: the flow monitoring tally sheet as an XLSForm.

Run after changing the code lists (dtm.choices):
    DEBUG=1 .venv/bin/python -m caminantes.dtm.xlsforms.build_tally_xlsform
One submission is one shift at one point, going one way, of one flow type (as
`dtm.intake.submit_flow_count` takes it): field names are those the file import reads, so
a Kobo or ODK export of this form imports as it is (group prefixes are understood). The
flow type is asked apart from the direction; pendular movements are their own sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caminantes.dtm.choices import AGE_GROUPS, FLOW_TYPES_ASKED, Direction, FlowType, TransportMode
from caminantes.dtm.xlsforms.build_xlsform import LANGS, choice_rows

OUT = Path(__file__).parent / "flow_monitoring_tally.xlsx"
NATIONALITIES = ("VE", "CO", "HT", "EC", "PE", "CU", "other")
DESTINATIONS = ("CO", "EC", "PE", "CL", "BR", "AR", "PA", "MX", "US", "VE", "other")
SEX_WORDS = {"female": ("Mujeres", "Women", "Mulheres"), "male": ("Hombres", "Men", "Homens")}
COUNT = {"required": "yes", "default": "0", "constraint": ". >= 0 and . <= 100000"}
FLOW_TYPE_HINT = (
    "Pendular: cruza y regresa en el día o la semana (trabajo, compras, servicios). "
    "Tránsito: de paso hacia un tercer país. Permanencia: este país es su destino. "
    "Retorno: vuelve a su país.",
    "Pendular: crosses and comes back within the day or the week (work, shopping, "
    "services). Transit: on the way to a third country. Stay: this country is the "
    "destination. Return: back to their own country.",
    "Pendular: cruza e volta no mesmo dia ou semana (trabalho, compras, serviços). "
    "Trânsito: de passagem para um terceiro país. Permanência: este país é o destino. "
    "Retorno: volta ao seu país.",
)
EXTRAS = ("required", "relevant", "constraint", "default", "calculation")

# (type, name, (es, en, pt) label, (es, en, pt) hint, extra columns)
Row = tuple[str, str, tuple[str, str, str], tuple[str, str, str], dict[str, str]]
NO_TEXT = ("", "", "")


def _sum_constraint(names: list[str]) -> str:
    return " + ".join(f"${{{n}}}" for n in names[:-1]) + " + . = ${individuals}"


def _breakdown(group: str, label: tuple[str, str, str], prefix: str,
               cells: list[tuple[str, tuple[str, str, str]]]) -> list[Row]:  # fmt: skip
    names = [f"{prefix}_{code}" for code, _l in cells]
    rows: list[Row] = [("begin_group", group, label, NO_TEXT, {})]
    for i, (name, (_code, cell_label)) in enumerate(zip(names, cells, strict=True)):
        extra = dict(COUNT)
        if i == len(names) - 1:
            extra["constraint"] = _sum_constraint(names)
        rows.append(("integer", name, cell_label, NO_TEXT, extra))
    rows.append(("end_group", "", NO_TEXT, NO_TEXT, {}))
    return rows


def _labels(choices: Any, code: str) -> tuple[str, str, str]:
    from django.utils import translation

    out = []
    for lang, _header in LANGS:
        with translation.override(lang):
            out.append(str(choices(code).label))
    return out[0], out[1], out[2]


def _country(code: str) -> tuple[str, str, str]:
    if code == "other":
        return "Otro", "Other", "Outro"
    found = {row[1]: row for row in choice_rows() if row[0] == "country"}
    row = found.get(code)
    return (row[2], row[3], row[4]) if row else (code, code, code)


def questions() -> list[Row]:
    people = [f"{sex}_{age}" for sex in ("female", "male") for age, _l in AGE_GROUPS]
    rows: list[Row] = [
        ("start", "start", NO_TEXT, NO_TEXT, {}),
        ("end", "end", NO_TEXT, NO_TEXT, {}),
        ("deviceid", "deviceid", NO_TEXT, NO_TEXT, {}),
        ("select_one point", "point", ("Punto de monitoreo de flujo", "Flow monitoring point",
         "Ponto de monitoramento de fluxo"), NO_TEXT, {"required": "yes"}),
        ("date", "date", ("Fecha", "Date", "Data"), NO_TEXT,
         {"required": "yes", "default": "today()"}),
        ("time", "shift_start", ("Inicio del turno", "Shift start", "Início do turno"), NO_TEXT,
         {"required": "yes"}),
        ("time", "shift_end", ("Fin del turno", "Shift end", "Fim do turno"), NO_TEXT,
         {"required": "yes", "constraint": ". > ${shift_start}"}),
        ("select_one direction", "direction", ("Sentido", "Direction", "Sentido"), NO_TEXT,
         {"required": "yes"}),
        ("select_one flow_type", "flow_type", ("Tipo de flujo", "Flow type", "Tipo de fluxo"),
         FLOW_TYPE_HINT, {"required": "yes"}),
        ("begin_group", "people", ("Personas por sexo y edad", "People by sex and age",
         "Pessoas por sexo e idade"), NO_TEXT, {}),
    ]  # fmt: skip
    for name in people:
        sex, _sep, age = name.partition("_")
        label = dict(AGE_GROUPS)[age]
        words = SEX_WORDS[sex]
        rows.append(("integer", name, (f"{words[0]} {label}", f"{words[1]} {label}",
                                       f"{words[2]} {label}"), NO_TEXT, dict(COUNT)))  # fmt: skip
    rows += [
        ("calculate", "individuals", NO_TEXT, NO_TEXT,
         {"calculation": " + ".join(f"${{{n}}}" for n in people)}),
        ("integer", "groups", ("Grupos", "Groups", "Grupos"), NO_TEXT,
         {**COUNT, "constraint": ". >= 0 and . <= ${individuals}"}),
        ("integer", "unaccompanied_children", ("Niñas, niños y adolescentes no acompañados",
         "Unaccompanied children", "Crianças e adolescentes desacompanhados"), NO_TEXT,
         {**COUNT, "constraint": ". >= 0 and . <= ${female_0_5} + ${female_6_17} + "
                                 "${male_0_5} + ${male_6_17}"}),
        ("end_group", "", NO_TEXT, NO_TEXT, {}),
    ]  # fmt: skip
    rows += _breakdown("nationality", ("Nacionalidad", "Nationality", "Nacionalidade"),
                       "nationality", [(c, _country(c)) for c in NATIONALITIES])  # fmt: skip
    rows += _breakdown("transport", ("Medio de transporte", "Transport mode",
                                     "Meio de transporte"), "transport",
                       [(m, _labels(TransportMode, m)) for m in TransportMode.values])  # fmt: skip
    rows += _breakdown("destination", ("País de destino final", "Final destination country",
                                       "País de destino final"), "destination",
                       [(c, _country(c)) for c in DESTINATIONS])  # fmt: skip
    return rows


def tally_choice_rows() -> list[list[str]]:
    rows = [["direction", code, *_labels(Direction, code)] for code in Direction.values]
    rows += [["flow_type", code, *_labels(FlowType, code)] for code in FLOW_TYPES_ASKED]
    rows += [row for row in choice_rows() if row[0] == "point"]
    return rows


def build(path: Path = OUT) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", *(f"label::{h}" for _l, h in LANGS),
                   *(f"hint::{h}" for _l, h in LANGS), *EXTRAS])  # fmt: skip
    for kind, name, labels, hints, extra in questions():
        survey.append([kind, name, *labels, *hints, *(extra.get(e, "") for e in EXTRAS)])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{h}" for _l, h in LANGS)])
    for row in tally_choice_rows():
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Planilla de conteo de flujo", "caminantes_fmr_tally", "2026120601",
                     LANGS[0][1]])  # fmt: skip
    book.save(path)
    return path


if __name__ == "__main__":
    import django

    django.setup()
    print(build())
