"""The columns an import file may have, under the names partners really give them.

Each column has its code (`given_names`), the header a Spanish and a Portuguese template
use ('Nombres', 'Nome') and other names seen in files ('primer_nombre', 'prenome' …).
Headers are matched by `lib.headers.header_key`: case, accents, spaces, underscores,
bracketed hints and small words ('de', 'do') do not matter, and the group prefixes of
KoboToolbox ('group_members/given_names') and ODK Central ('members-given_names') are
stripped. A header that speaks of consent but is not one of ours, or one that is a typo of
ours, stops the check (`read_header`): a consent silently dropped is a consent lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from caminantes.lib import headers


@dataclass(frozen=True)
class Column:
    name: str
    help: Any  # lazy text for the upload page
    example: str = ""
    required: bool = False
    es: str = ""  # the header of the Spanish template
    pt: str = ""  # the header of the Portuguese template
    aliases: tuple[str, ...] = ()

    def label(self, language: str | None = None) -> str:
        """The header this column has in the template of `language` (default: the active)."""
        code = (language or get_language() or "en")[:2]
        return {"es": self.es, "pt": self.pt}.get(code) or self.name

    def titled(self) -> str:
        """'Fecha de nacimiento (birth_date)', or 'birth_date' where the two are one."""
        label = self.label()
        return label if label == self.name else f"{label} ({self.name})"

    @property
    def other_names(self) -> list[str]:
        """Every other name the column is read under, for the upload page."""
        return [self.es, self.pt, *self.aliases]


def _column(
    name: str, help: Any, example: str, required: bool, es: str, pt: str, aliases: str
) -> Column:
    return Column(name, help, example, required, es, pt, tuple(aliases.split()))


# 'Fecha de llegada a Colombia', 'Data de chegada ao Brasil', 'Fecha de ingreso al país'.
_ARRIVALS = " ".join(
    f"{base}_{place}"
    for base in ("fecha_llegada", "fecha_ingreso", "fecha_entrada", "data_chegada", "data_entrada")
    for place in ("pais", "colombia", "peru", "ecuador", "chile", "brasil", "argentina", "panama",
                  "mexico", "costa_rica", "bolivia", "uruguay", "paraguay", "guyana", "trinidad")
)  # fmt: skip

COLUMNS: tuple[Column, ...] = (
    _column(
        "household_id",
        gettext_lazy("Any code; rows with the same code form one household."),
        "HH-001", True, "Código de hogar", "Código da família",
        "hogar id_hogar household household_code hh_id family_id id_familia grupo_familiar "
        "codigo_familia numero_hogar familia nucleo_familiar id_familia codigo_grupo_familiar "
        "familia_id grupo_familiar_id codigo_nucleo_familiar",
    ),
    _column(
        "relationship",
        gettext_lazy(
            "Relationship to the focal point: focal_point (the head), spouse, child, stepchild, "
            "parent, sibling, grandchild, grandparent, other_relative, not_related (also jefe "
            "de hogar, cónyuge, hijo, hija…)."
        ),
        "focal_point", True, "Parentesco", "Parentesco",
        "relacion relacion_con_el_jefe relacion_jefe_hogar parentesco_jefe_hogar "
        "parentesco_con_jefe relationship_to_head relation relacao grau_parentesco "
        "parentesco_responsavel relacao_responsavel",
    ),
    _column(
        "given_names",
        gettext_lazy("Given names, all of them."),
        "María José", True, "Nombres", "Nome",
        "nombre primer_nombre first_name given_name names nomes primeiro_nome prenome",
    ),
    _column(
        "middle_names",
        gettext_lazy("Second and further given names, when the file keeps them apart."),
        "", False, "Segundo nombre", "Segundo nome",
        "segundo_nombre otros_nombres middle_name middle_names nombre2 nome2",
    ),
    _column(
        "first_surname",
        gettext_lazy("First surname (a second surname alone is also accepted)."),
        "Pérez", False, "Primer apellido", "Sobrenome",
        "apellido apellido_paterno apellido1 surname last_name family_name ultimo_nome "
        "primeiro_sobrenome sobrenome1",
    ),
    _column(
        "second_surname",
        gettext_lazy("Second surname."),
        "González", False, "Segundo apellido", "Segundo sobrenome",
        "apellido_materno apellido2 sobrenome2",
    ),
    _column(
        "surnames",
        gettext_lazy(
            "Both surnames in one cell (“Pérez González”), when the file has no separate "
            "columns: two words are read as first and second surname, anything else as the "
            "first surname."
        ),
        "", False, "Apellidos", "Sobrenomes",
        "surnames last_names apellidos_completos",
    ),
    _column(
        "preferred_name",
        gettext_lazy("Name the person prefers to be called by."),
        "", False, "Nombre preferido", "Nome social",
        "nombre_social nombre_identitario nome_preferido preferred",
    ),
    _column(
        "sex",
        gettext_lazy("F, M, O, or U when not known (also femenino, masculino, otro, desconocido)."),
        "F", True, "Sexo", "Sexo", "genero gender sex",
    ),
    _column(
        "birth_date",
        gettext_lazy("YYYY-MM-DD or DD/MM/YYYY."),
        "1990-03-14", False, "Fecha de nacimiento", "Data de nascimento",
        "fecha_nacimiento nacimiento date_of_birth dob fec_nac fecha_nac f_nacimiento "
        "nascimento data_nasc dt_nascimento",
    ),
    _column(
        "birth_date_estimated",
        gettext_lazy("yes/no: the date of birth is an estimate."),
        "no", False, "Fecha de nacimiento estimada", "Data de nascimento estimada",
        "fecha_estimada dob_estimated edad_estimada data_estimada idade_estimada",
    ),
    _column(
        "age",
        gettext_lazy(
            "Age in years, when the date of birth is not known: an estimated date of birth is "
            "recorded."
        ),
        "", False, "Edad", "Idade", "edad_anos idade_anos age_years anos",
    ),
    _column(
        "nationality",
        gettext_lazy("ISO code (VE or VEN) or country name; several separated by “;”."),
        "VE", False, "Nacionalidad", "Nacionalidade",
        "nacionalidades nationalities pais_nacionalidad nacionalidades pais_nacionalidade",
    ),
    _column(
        "document_type",
        gettext_lazy(
            "cedula, passport, birth_certificate, ppt, cpp, host_permit or other "
            "(also pasaporte, partida de nacimiento…)."
        ),
        "cedula", False, "Tipo de documento", "Tipo do documento",
        "tipo_doc doc_type tipo_identificacion tipo_documento_identidad",
    ),
    _column(
        "document_number",
        gettext_lazy("Document number."),
        "V-12345678", False, "Número de documento", "Número do documento",
        "nro_documento doc_number id_number documento numero_identificacion "
        "numero_identidad numero_doc documento_numero identificacion documento_identidad "
        "numero_documento_identidad",
    ),
    _column(
        "phone",
        gettext_lazy("Phone number; local numbers are read in the batch's country."),
        "300 123 4567", False, "Teléfono", "Telefone",
        "telefono celular movil phone_number numero_telefono numero_celular telefono_celular "
        "telefono_contacto contacto telefone_celular numero_telefone telefone_contato "
        "whatsapp_telefono",
    ),
    _column(
        "whatsapp",
        gettext_lazy("yes/no: the phone has WhatsApp (or a separate WhatsApp number)."),
        "yes", False, "WhatsApp", "WhatsApp",
        "tiene_whatsapp has_whatsapp whatsapp_number numero_whatsapp tem_whatsapp",
    ),
    _column(
        "population_type",
        gettext_lazy(
            "in_destination, in_transit, pendular, returnee or host_community "
            "(also en destino, en tránsito…; em destino, em trânsito…)."
        ),
        "in_destination", True, "Tipo de población", "Tipo de população",
        "tipo_poblacion perfil_migratorio population perfil tipo_populacao",
    ),
    _column(
        "admin1",
        gettext_lazy("Area of registration: ISO 3166-2 code (CO-NSA), P-code (CO54) or name."),
        "CO-NSA", False, "Departamento", "Estado",
        "departamento provincia region adm1 adm1_pcode admin1_pcode adm1_code admin1_code "
        "admin_area uf unidade_federativa departamento_residencia estado_residencia",
    ),
    _column(
        "address",
        gettext_lazy("Address or place of stay."),
        "", False, "Dirección", "Endereço",
        "direccion domicilio endereco morada direccion_residencia direccion_actual "
        "endereco_atual lugar_residencia",
    ),
    _column(
        "arrival_date",
        gettext_lazy("Arrival in the country: YYYY-MM-DD or DD/MM/YYYY."),
        "2024-11-02", False, "Fecha de llegada", "Data de chegada",
        "fecha_llegada fecha_ingreso arrival data_entrada data_ingresso " + _ARRIVALS,
    ),
    _column(
        "consent_registration",
        gettext_lazy("yes/no: agrees to be registered."),
        "yes", True, "Consentimiento", "Consentimento",
        "consentimiento_registro acepta_registro consent consentimiento_informado "
        "consentimento_registro aceita_registro consentimento_informado "
        "consentimiento_de_registro",
    ),
    _column(
        "consent_family_tracing",
        gettext_lazy("yes/no: agrees to family tracing."),
        "yes", False, "Consentimiento búsqueda familiar", "Consentimento busca familiar",
        "consentimiento_busqueda consentimiento_rastreo acepta_busqueda_familiar "
        "acepta_busqueda consent_tracing tracing_consent consentimiento_rcf "
        "consentimiento_restablecimiento_contacto consentimiento_reunificacion "
        "consentimento_busca aceita_busca_familiar consentimento_rlf "
        "consentimento_reunificacao",
    ),
    _column(
        "consent_messaging",
        gettext_lazy("yes/no: agrees to receive messages."),
        "no", False, "Consentimiento mensajes", "Consentimento mensagens",
        "acepta_mensajes consent_messages consentimiento_contacto acepta_contacto "
        "aceita_mensagens consentimento_contato aceita_contato",
    ),
    _column(
        "legal_basis",
        gettext_lazy(
            "Only when the basis is not consent: vital_interest, public_interest, "
            "legitimate_interest or legal_obligation."
        ),
        "", False, "Base legal", "Base legal", "base_juridica",
    ),
    _column(
        "guardian_name",
        gettext_lazy(
            "For a child: the parent or guardian who consented. Left empty, the household's "
            "adult focal point is taken."
        ),
        "", False, "Nombre del tutor", "Nome do responsável",
        "nombre_tutor tutor guardian acudiente nombre_acudiente representante_legal "
        "responsavel responsavel_legal",
    ),
)  # fmt: skip
BY_NAME = {c.name: c for c in COLUMNS}


def _aliases() -> dict[str, str]:
    found: dict[str, str] = {}
    for column in COLUMNS:
        for alias in (column.name, *column.other_names):
            key = headers.header_key(alias)
            if found.setdefault(key, column.name) != column.name:
                raise ValueError(f"header {alias!r} stands for {found[key]} and {column.name}")
    return found


ALIASES = _aliases()


def canonical_column(header: str) -> str | None:
    """The column a header stands for, or None: the whole header first, then without
    its group prefixes ('group_members/Nombres' -> given_names)."""
    for key in headers.prefixed_parts(header):
        if (name := ALIASES.get(key)) is not None:
            return name
    return None


@dataclass
class Header:
    """What a file's first row says: our column per file column, and what is wrong."""

    columns: list[str | None]
    names: dict[str, str] = field(default_factory=dict)  # column -> the file's header
    ignored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def name_of(self, column: str) -> str:
        """The column as the file names it, or as the template of the language does."""
        if column in self.names:
            return self.names[column]
        return BY_NAME[column].label() if column in BY_NAME else column


def read_header(texts: list[str]) -> Header:
    """Map the file's headers to our columns; problems stop the check before any row."""
    header = Header(columns=[canonical_column(t) if t.strip() else None for t in texts])
    by_column: dict[str, list[str]] = {}
    for text, name in zip(texts, header.columns, strict=True):
        if name:
            by_column.setdefault(name, []).append(text.strip())
            header.names.setdefault(name, text.strip())
    for name, found in by_column.items():
        if len(found) > 1:
            header.problems.append(
                _("Several columns stand for %(c)s: %(headers)s. Keep one.")
                % {"c": BY_NAME[name].label(), "headers": ", ".join(f"“{h}”" for h in found)}
            )
    consents = [c for c in COLUMNS if c.name.startswith("consent_")]
    for text, name in zip(texts, header.columns, strict=True):
        if name or not text.strip() or headers.is_system_column(text):
            continue
        if headers.looks_like_consent(text):
            header.problems.append(
                _(
                    "The column “%(h)s” looks like a consent, but it is not one the import "
                    "knows, so it would be lost. Rename it to one of: %(known)s, or remove it "
                    "if it records no consent."
                )
                % {
                    "h": text.strip(),
                    "known": "; ".join(f"“{c.label()}” ({c.help})" for c in consents),
                }
            )
            continue
        guess = None
        for key in headers.prefixed_parts(text):
            if (near := headers.near_miss(key, ALIASES)) is not None:
                guess = BY_NAME[ALIASES[near]]
                break
        if guess is not None and guess.name not in by_column:
            header.problems.append(
                _(
                    "The column “%(h)s” is not one the import knows; it looks like a typo of "
                    "“%(c)s”. Correct its name in the file, or remove the column."
                )
                % {"h": text.strip(), "c": guess.label()}
            )
            continue
        header.ignored.append(text.strip())
    missing = [c for c in COLUMNS if c.required and c.name not in by_column]
    if missing:
        header.problems.append(
            _("Columns missing: %(c)s. The upload page lists the columns and their other names.")
            % {"c": ", ".join(c.titled() for c in missing)}
        )
    return header


# Example cells in the words of each language's template: they must read back as the codes.
_EXAMPLES = {
    "es": {"relationship": ("jefe de hogar", "hijo"), "population_type": ("en destino",),
           "consent": ("sí", "no"), "document_type": ("cédula",)},
    "pt": {"relationship": ("responsável", "filho"), "population_type": ("em destino",),
           "consent": ("sim", "não"), "document_type": ("cédula",)},
}  # fmt: skip
_YES_NO_COLUMNS = ("whatsapp", "consent_registration", "consent_family_tracing",
                   "consent_messaging", "birth_date_estimated")  # fmt: skip


def template_rows(language: str = "en") -> list[list[str]]:
    """The downloadable template: the header in `language` and a mother with her son."""
    mother = {c.name: c.example for c in COLUMNS}
    son = dict(mother)
    son.update(
        relationship="child", given_names="Luis Ángel", sex="M", birth_date="2015-07-02",
        document_type="", document_number="", phone="", whatsapp="",
        consent_family_tracing="yes",
    )  # fmt: skip
    words = _EXAMPLES.get(language[:2])
    if words:
        yes, no = words["consent"]
        for row, relationship in ((mother, words["relationship"][0]),
                                  (son, words["relationship"][1])):  # fmt: skip
            row["relationship"] = relationship
            row["population_type"] = words["population_type"][0]
            if row["document_type"]:
                row["document_type"] = words["document_type"][0]
            for name in _YES_NO_COLUMNS:
                row[name] = {"yes": yes, "no": no}.get(row[name], row[name])
    header = [c.label(language) if words else c.name for c in COLUMNS]
    return [header, [mother[c.name] for c in COLUMNS], [son[c.name] for c in COLUMNS]]
