"""Write the XLSForms of field collection that are not DTM's: household registration and
distribution receipt. Run after changing them:
    DEBUG=1 .venv/bin/python -m caminantes.collect.xlsforms.build_xlsforms

Field names are the columns the registry's import reads (`registry.imports.headers`) and
the fields `collect.processing.mappings.map_receipt` reads, so a submission, or a Kobo /
ODK export of these forms, maps as it is. An organisation may add questions of its own:
their answers are kept and shown on the household. The DTM forms (flow count tally, flow
monitoring survey) are DTM's own (caminantes/dtm/xlsforms/): see `collect.xlsforms`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
LANGS = ("Español (es)", "Português (pt)", "English (en)")
EXTRAS = ("required", "relevant", "constraint", "appearance")

YES_NO = [("yes", "Sí", "Sim", "Yes"), ("no", "No", "Não", "No")]
# fmt: off
# ruff: noqa: E501
CHOICES: dict[str, list[tuple[str, str, str, str]]] = {
    "yes_no": YES_NO,
    "population_type": [
        ("in_destination", "En destino", "Em destino", "In destination"),
        ("in_transit", "En tránsito", "Em trânsito", "In transit"),
        ("pendular", "Pendular", "Pendular", "Pendular"),
        ("returnee", "Retornado/a", "Retornado/a", "Returnee"),
        ("host_community", "Comunidad de acogida", "Comunidade de acolhida", "Host community"),
    ],
    "relationship": [
        ("focal_point", "Punto focal (jefe/a de hogar)", "Ponto focal (responsável)", "Focal point"),
        ("spouse", "Cónyuge o pareja", "Cônjuge ou companheiro/a", "Spouse or partner"),
        ("child", "Hijo/a", "Filho/a", "Son or daughter"),
        ("stepchild", "Hijastro/a", "Enteado/a", "Stepchild"),
        ("parent", "Padre o madre", "Pai ou mãe", "Parent"),
        ("sibling", "Hermano/a", "Irmão/ã", "Sibling"),
        ("grandchild", "Nieto/a", "Neto/a", "Grandchild"),
        ("grandparent", "Abuelo/a", "Avô/ó", "Grandparent"),
        ("other_relative", "Otro familiar", "Outro familiar", "Other relative"),
        ("not_related", "Sin parentesco", "Sem parentesco", "Not related"),
    ],
    "sex": [
        ("F", "Mujer", "Mulher", "Female"),
        ("M", "Hombre", "Homem", "Male"),
        ("O", "Otro", "Outro", "Other"),
        ("U", "No se sabe", "Não se sabe", "Unknown"),
    ],
    "country": [
        ("VE", "Venezuela", "Venezuela", "Venezuela"),
        ("CO", "Colombia", "Colômbia", "Colombia"),
        ("EC", "Ecuador", "Equador", "Ecuador"),
        ("PE", "Perú", "Peru", "Peru"),
        ("HT", "Haití", "Haiti", "Haiti"),
        ("CU", "Cuba", "Cuba", "Cuba"),
        ("BR", "Brasil", "Brasil", "Brazil"),
        ("CL", "Chile", "Chile", "Chile"),
    ],
    "document_type": [
        ("cedula", "Cédula", "Cédula", "National ID"),
        ("passport", "Pasaporte", "Passaporte", "Passport"),
        ("birth_certificate", "Partida de nacimiento", "Certidão de nascimento", "Birth certificate"),
        ("ppt", "PPT", "PPT", "PPT"),
        ("cpp", "CPP", "CPP", "CPP"),
        ("host_permit", "Permiso del país de acogida", "Autorização do país", "Host permit"),
        ("other", "Otro", "Outro", "Other"),
    ],
    "collector": [
        ("member", "Un miembro del hogar", "Um membro da família", "A household member"),
        ("proxy", "Otra persona autorizada", "Outra pessoa autorizada", "An authorised proxy"),
    ],
}
# fmt: on

Q = tuple[str, str, tuple[str, str, str], dict[str, str]]


def q(kind: str, name: str, es: str, pt: str = "", en: str = "", **extra: str) -> Q:
    return (kind, name, (es, pt or es, en or es), extra)


HOUSEHOLD: list[Q] = [
    q("start", "start", ""), q("end", "end", ""), q("deviceid", "deviceid", ""),
    q("begin_group", "hogar", "Hogar", "Família", "Household"),
    q("select_one population_type", "population_type", "Situación del hogar",
      "Situação da família", "Population type", required="yes"),
    q("text", "admin1", "Departamento o estado (código o nombre)",
      "Estado (código ou nome)", "Admin area (code or name)"),
    q("text", "address", "Dirección o lugar donde se aloja", "Endereço", "Address"),
    q("date", "arrival_date", "Fecha de llegada al país", "Data de chegada ao país",
      "Arrival date", constraint=". <= today()"),
    q("select_one yes_no", "consent_registration",
      "¿El hogar acepta ser registrado? (lea el aviso de privacidad)",
      "A família aceita ser registrada? (leia o aviso de privacidade)",
      "Does the household agree to be registered? (read the privacy notice)",
      required="yes", constraint=". = 'yes'"),
    q("select_one yes_no", "consent_family_tracing", "¿Acepta la búsqueda de familiares?",
      "Aceita a busca de familiares?", "Agrees to family tracing?"),
    q("select_one yes_no", "consent_messaging", "¿Acepta recibir mensajes?",
      "Aceita receber mensagens?", "Agrees to receive messages?"),
    q("end_group", "", ""),
    q("begin_repeat", "members", "Miembros del hogar", "Membros da família", "Household members"),
    q("select_one relationship", "relationship", "Parentesco con el punto focal",
      "Parentesco com o ponto focal", "Relationship to the focal point", required="yes"),
    q("text", "given_names", "Nombres", "Nome", "Given names", required="yes",
      constraint="string-length(.) <= 100"),
    q("text", "first_surname", "Primer apellido", "Sobrenome", "First surname",
      constraint="string-length(.) <= 100"),
    q("text", "second_surname", "Segundo apellido", "Segundo sobrenome", "Second surname",
      constraint="string-length(.) <= 100"),
    q("select_one sex", "sex", "Sexo", "Sexo", "Sex", required="yes"),
    q("date", "birth_date", "Fecha de nacimiento", "Data de nascimento", "Date of birth",
      constraint=". <= today()"),
    q("integer", "age", "Edad (si no sabe la fecha)", "Idade (se não sabe a data)",
      "Age (when the date is not known)", relevant="${birth_date} = ''",
      constraint=". >= 0 and . <= 120"),
    q("select_one country", "nationality", "Nacionalidad", "Nacionalidade", "Nationality"),
    q("select_one document_type", "document_type", "Tipo de documento", "Tipo de documento",
      "Document type"),
    q("text", "document_number", "Número de documento", "Número do documento",
      "Document number", relevant="${document_type} != ''",
      constraint="string-length(.) <= 40"),
    q("text", "phone", "Teléfono", "Telefone", "Phone",
      constraint="regex(., '^[0-9 +()-]{7,20}$')"),
    q("select_one yes_no", "whatsapp", "¿Tiene WhatsApp?", "Tem WhatsApp?", "WhatsApp?",
      relevant="${phone} != ''"),
    q("end_repeat", "", ""),
]  # fmt: skip

RECEIPT: list[Q] = [
    q("start", "start", ""), q("end", "end", ""), q("deviceid", "deviceid", ""),
    q("text", "plan", "Distribución (código del plan)", "Distribuição (código do plano)",
      "Distribution (plan code)", required="yes"),
    q("barcode", "household", "Escanee la tarjeta del hogar", "Escaneie o cartão da família",
      "Scan the household card", required="yes"),
    q("select_one collector", "collector", "¿Quién retira?", "Quem retira?", "Who collects?",
      required="yes"),
    q("barcode", "member", "Escanee el código de la persona (vacío: el punto focal)",
      "Escaneie o código da pessoa (vazio: o ponto focal)",
      "Scan the person's code (empty: the focal point)", relevant="${collector} = 'member'"),
    q("text", "proxy_name", "Nombre de quien retira", "Nome de quem retira",
      "Name of the proxy", relevant="${collector} = 'proxy'", required="yes",
      constraint="string-length(.) <= 200"),
    q("select_one yes_no", "proxy_consent", "¿El hogar autorizó a esta persona?",
      "A família autorizou esta pessoa?", "Did the household authorise this person?",
      relevant="${collector} = 'proxy'", required="yes"),
]  # fmt: skip

FORMS: dict[str, tuple[str, str, list[Q]]] = {
    "household_registration.xlsx": ("caminantes_registro_hogar", "Registro de hogares", HOUSEHOLD),
    "distribution_receipt.xlsx": (
        "caminantes_recibo_distribucion",
        "Recibo de distribución",
        RECEIPT,
    ),
}


def build_one(out: Path | Any, form_id: str, title: str, rows: list[Q], version: str) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", *(f"label::{lang}" for lang in LANGS), *EXTRAS])
    for kind, name, labels, extra in rows:
        survey.append([kind, name, *labels, *(extra.get(e, "") for e in EXTRAS)])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{lang}" for lang in LANGS)])
    for list_name, options in CHOICES.items():
        for name, es, pt, en in options:
            choices.append([list_name, name, es, pt, en])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([title, form_id, version, LANGS[0]])
    book.save(out)


def build(folder: Path = HERE, version: str = "2026120601") -> list[Path]:
    written = []
    for file_name, (form_id, title, rows) in FORMS.items():
        path = folder / file_name
        build_one(path, form_id, title, rows, version)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
