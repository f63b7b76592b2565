"""The columns an import file may have, and how each cell is read.

Headers are matched case- and accent-insensitively, with Spanish and English aliases, and
with the group prefixes of KoboToolbox ('group_members/given_names') and ODK Central
('members-given_names') stripped. Values accept the codes and their usual Spanish words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caminantes.geo.models import AdminArea, Country
from caminantes.lib import names


@dataclass(frozen=True)
class Column:
    name: str
    help: Any  # lazy text for the upload page
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()


def _column(name: str, help: Any, example: str, required: bool, aliases: str) -> Column:
    return Column(name, help, example, required, tuple(aliases.split()))


COLUMNS: tuple[Column, ...] = (
    _column(
        "household_id",
        gettext_lazy("Any code; rows with the same code form one household."),
        "HH-001",
        True,
        "hogar id_hogar codigo_hogar household household_code hh_id family_id id_familia "
        "grupo_familiar",
    ),
    _column(
        "relationship",
        gettext_lazy(
            "Relationship to the focal point: focal_point (the head), spouse, child, stepchild, "
            "parent, sibling, grandchild, grandparent, other_relative, not_related (also jefe "
            "de hogar, cónyuge, hijo, hija…)."
        ),
        "focal_point",
        True,
        "parentesco relacion relacion_con_el_jefe relacion_jefe_hogar relationship_to_head "
        "relation",
    ),
    _column(
        "given_names",
        gettext_lazy("Given names, all of them."),
        "María José",
        True,
        "nombres nombre first_name given_name names",
    ),
    _column(
        "first_surname",
        gettext_lazy("First surname (a second surname alone is also accepted)."),
        "Pérez",
        False,
        "primer_apellido apellido apellido_paterno apellido1 surname last_name family_name",
    ),
    _column(
        "second_surname",
        gettext_lazy("Second surname."),
        "González",
        False,
        "segundo_apellido apellido_materno apellido2",
    ),
    _column(
        "preferred_name",
        gettext_lazy("Name the person prefers to be called by."),
        "",
        False,
        "nombre_preferido nombre_social nombre_identitario",
    ),
    _column(
        "sex",
        gettext_lazy("F, M, O, or U when not known (also femenino, masculino, otro, desconocido)."),
        "F",
        True,
        "sexo genero gender",
    ),
    _column(
        "birth_date",
        gettext_lazy("YYYY-MM-DD or DD/MM/YYYY."),
        "1990-03-14",
        False,
        "fecha_nacimiento fecha_de_nacimiento nacimiento date_of_birth dob fec_nac",
    ),
    _column(
        "birth_date_estimated",
        gettext_lazy("yes/no: the date of birth is an estimate."),
        "no",
        False,
        "fecha_nacimiento_estimada fecha_estimada dob_estimated edad_estimada",
    ),
    _column(
        "nationality",
        gettext_lazy("ISO code (VE or VEN) or country name; several separated by “;”."),
        "VE",
        False,
        "nacionalidad nacionalidades nationalities pais_nacionalidad",
    ),
    _column(
        "document_type",
        gettext_lazy(
            "cedula, passport, birth_certificate, ppt, cpp, host_permit or other "
            "(also pasaporte, partida de nacimiento…)."
        ),
        "cedula",
        False,
        "tipo_documento tipo_de_documento doc_type",
    ),
    _column(
        "document_number",
        gettext_lazy("Document number."),
        "V-12345678",
        False,
        "numero_documento numero_de_documento nro_documento n_documento doc_number id_number",
    ),
    _column(
        "phone",
        gettext_lazy("Phone number; local numbers are read in the batch's country."),
        "300 123 4567",
        False,
        "telefono celular movil phone_number numero_telefono numero_de_telefono",
    ),
    _column(
        "whatsapp",
        gettext_lazy("yes/no: the phone has WhatsApp (or a separate WhatsApp number)."),
        "yes",
        False,
        "tiene_whatsapp has_whatsapp whatsapp_number",
    ),
    _column(
        "population_type",
        gettext_lazy(
            "in_destination, in_transit, pendular, returnee or host_community "
            "(also en destino, en tránsito…)."
        ),
        "in_destination",
        True,
        "tipo_poblacion tipo_de_poblacion perfil_migratorio population",
    ),
    _column(
        "admin1",
        gettext_lazy("Area of registration: ISO 3166-2 code (CO-NSA), P-code (CO54) or name."),
        "CO-NSA",
        False,
        "departamento provincia region adm1 adm1_pcode admin1_pcode adm1_code admin1_code "
        "admin_area",
    ),
    _column("address", gettext_lazy("Address or place of stay."), "", False, "direccion"),
    _column(
        "arrival_date",
        gettext_lazy("Arrival in the country: YYYY-MM-DD or DD/MM/YYYY."),
        "2024-11-02",
        False,
        "fecha_llegada fecha_de_llegada fecha_ingreso fecha_de_ingreso arrival",
    ),
    _column(
        "consent_registration",
        gettext_lazy("yes/no: agrees to be registered."),
        "yes",
        True,
        "consentimiento consentimiento_registro acepta_registro consent",
    ),
    _column(
        "consent_family_tracing",
        gettext_lazy("yes/no: agrees to family tracing."),
        "yes",
        False,
        "consentimiento_busqueda_familiar consentimiento_rastreo acepta_busqueda_familiar "
        "consent_tracing",
    ),
    _column(
        "consent_messaging",
        gettext_lazy("yes/no: agrees to receive messages."),
        "no",
        False,
        "consentimiento_mensajes acepta_mensajes consent_messages",
    ),
    _column(
        "legal_basis",
        gettext_lazy(
            "Only when the basis is not consent: vital_interest, public_interest, "
            "legitimate_interest or legal_obligation."
        ),
        "",
        False,
        "base_legal base_juridica",
    ),
    _column(
        "guardian_name",
        gettext_lazy(
            "For a child: the parent or guardian who consented. Left empty, the household's "
            "adult focal point is taken."
        ),
        "",
        False,
        "nombre_tutor tutor nombre_del_tutor guardian acudiente nombre_acudiente",
    ),
)
HOUSEHOLD_COLUMNS = ("population_type", "admin1", "address", "arrival_date")
MAX_LENGTH = {
    "household_id": 100, "given_names": 120, "first_surname": 80, "second_surname": 80,
    "preferred_name": 120, "guardian_name": 200, "address": 300, "document_number": 40,
}  # fmt: skip


def fold_key(text: str) -> str:
    """'Fecha de nacimiento' -> 'fecha_de_nacimiento': folded, words joined by '_'."""
    return "_".join(names.fold(text).split())


_ALIASES: dict[str, str] = {}
for _c in COLUMNS:
    for _alias in (_c.name, *_c.aliases):
        _ALIASES[fold_key(_alias)] = _c.name


def canonical_column(header: str) -> str | None:
    """The column a header stands for, or None.

    Kobo prefixes group names with '/', ODK Central with '-' ('group_members/given_names',
    'members-given_names'): the whole header is tried first, then without its prefixes.
    """
    parts = [p for p in re.split(r"[/:.\-]", str(header or "").strip()) if p.strip()]
    for start in range(len(parts)):
        name = _ALIASES.get(fold_key(" ".join(parts[start:])))
        if name is not None:
            return name
    return None


def template_rows() -> list[list[str]]:
    """The downloadable template: the header and a mother with her son."""
    header = [c.name for c in COLUMNS]
    mother = [c.example for c in COLUMNS]
    son = dict(zip(header, mother, strict=True))
    son.update(
        relationship="child", given_names="Luis Ángel", sex="M", birth_date="2015-07-02",
        document_type="", document_number="", phone="", whatsapp="",
        consent_family_tracing="yes",
    )  # fmt: skip
    return [header, mother, [son[h] for h in header]]


def _choices(mapping: dict[str, Iterable[str]]) -> dict[str, str]:
    return {
        fold_key(alias): code for code, aliases in mapping.items() for alias in (code, *aliases)
    }


YES = frozenset({"si", "yes", "y", "s", "true", "1", "x", "verdadero", "sim", "ok"})
NO = frozenset({"no", "n", "false", "0", "falso", "nao", "ninguno"})
SEXES = _choices(
    {"F": ("f", "female", "femenino", "mujer", "feminino", "femme"),
     "M": ("m", "male", "masculino", "hombre", "homem", "varon"),
     "O": ("o", "other", "otro", "otra", "outro", "x", "no binario"),
     "U": ("u", "unknown", "desconocido", "no sabe", "sin dato", "nr", "ns",
           "desconhecido", "nao sabe", "sem informacao")}
)  # fmt: skip
RELATIONSHIPS = _choices(
    {"focal_point": ("jefe", "jefa", "jefe de hogar", "jefa de hogar", "jefe de familia",
                     "jefa de familia", "cabeza de hogar", "punto focal", "titular", "head",
                     "head of household", "responsable", "jefe a", "jefe a de hogar",
                     "jefe a de familia"),
     "spouse": ("conyuge", "esposo", "esposa", "pareja", "companero", "companera", "partner",
                "marido", "mujer del jefe"),
     "child": ("hijo", "hija", "hijo a", "son", "daughter", "filho", "filha", "filho a"),
     "stepchild": ("hijastro", "hijastra", "stepson", "stepdaughter"),
     "parent": ("padre", "madre", "father", "mother", "pai", "mae"),
     "sibling": ("hermano", "hermana", "hermano a", "brother", "sister", "irmao", "irma"),
     "grandchild": ("nieto", "nieta", "nieto a", "grandson", "granddaughter", "neto", "neta"),
     "grandparent": ("abuelo", "abuela", "abuelo a", "grandfather", "grandmother", "avo",
                     "avoa"),
     "other_relative": ("otro familiar", "otro pariente", "tio", "tia", "primo", "prima",
                        "sobrino", "sobrina", "cunado", "cunada", "yerno", "nuera", "suegro",
                        "suegra", "other relative"),
     "not_related": ("sin parentesco", "no familiar", "no pariente", "amigo", "amiga",
                     "not related")}
)  # fmt: skip
POPULATION_TYPES = _choices(
    {"in_destination": ("en destino", "destino", "destination", "vocacion de permanencia"),
     "in_transit": ("en transito", "transito", "transit"),
     "pendular": ("pendulares", "pendular"),
     "returnee": ("retornado", "retornada", "retornados", "colombiano retornado",
                  "colombiana retornada", "retorno"),
     "host_community": ("comunidad de acogida", "comunidad receptora", "acogida",
                        "host community", "host")}
)  # fmt: skip
DOCUMENT_TYPES = _choices(
    {"cedula": ("ci", "cedula de identidad", "cedula venezolana", "cedula de identidad venezolana"),
     "passport": ("pasaporte", "passaporte"),
     "birth_certificate": ("partida de nacimiento", "acta de nacimiento",
                           "certificado de nacimiento", "registro civil", "certidao de nascimento"),
     "ppt": ("permiso por proteccion temporal",),
     "cpp": ("carne de permiso temporal de permanencia",),
     "host_permit": ("permiso", "pep", "ptp", "carne de extranjeria", "permiso de residencia"),
     "other": ("otro", "outro")}
)  # fmt: skip
LEGAL_BASES = _choices(
    {"consent": ("consentimiento",),
     "vital_interest": ("interes vital",),
     "public_interest": ("interes publico", "mandato"),
     "legitimate_interest": ("interes legitimo",),
     "legal_obligation": ("obligacion legal",)}
)  # fmt: skip
DEMONYMS = {
    "venezolano": "VE", "venezolana": "VE", "colombiano": "CO", "colombiana": "CO",
    "peruano": "PE", "peruana": "PE", "ecuatoriano": "EC", "ecuatoriana": "EC",
    "brasileno": "BR", "brasilena": "BR", "brasileiro": "BR", "brasileira": "BR",
    "chileno": "CL", "chilena": "CL", "boliviano": "BO", "boliviana": "BO",
    "argentino": "AR", "argentina": "AR", "panameno": "PA", "panamena": "PA",
}  # fmt: skip

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+\-Z]*)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MOJIBAKE_HINT = re.compile("[\u00c2\u00c3\u00e2\u00c5\u00c6][\u0080-\u00bf\u0152-\u2122]")


class BadValue(ValueError):
    """One cell that cannot be read; the message says what to write instead."""


def repair_mojibake(text: str) -> str | None:
    """'MarÃ­a' -> 'María': UTF-8 read as Windows-1252/Latin-1. None when the text is fine.

    Only text whose characters, put back into bytes, make valid UTF-8 counts: 'JOÃO' in
    Portuguese is left alone, because 'Ã' followed by 'O' is not a UTF-8 sequence.
    """
    if not _MOJIBAKE_HINT.search(text):
        return None
    raw = bytearray()
    for ch in text:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            raw.append(ord(ch))
    try:
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return fixed if fixed != text else None


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if m := _ISO_DATE.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DMY_DATE.match(text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    raise BadValue(
        _("Wrong date “%(v)s”: write it as YYYY-MM-DD or DD/MM/YYYY.") % {"v": text[:40]}
    )


def parse_yes_no(value: str) -> bool | None:
    word = fold_key(value)
    if not word:
        return None
    if word in YES:
        return True
    if word in NO:
        return False
    raise BadValue(_("Write yes or no, not “%(v)s”.") % {"v": value[:40]})


def choice(value: str, mapping: dict[str, str], column: str) -> str:
    code = mapping.get(fold_key(value))
    if code is None:
        allowed = ", ".join(sorted(set(mapping.values())))
        raise BadValue(
            _("Unknown value “%(v)s” for %(column)s. Use one of: %(choices)s.")
            % {"v": value[:40], "column": column, "choices": allowed}
        )
    return code


def cell_text(value: Any) -> str:
    """A cell as text: numbers without '.0', dates in ISO, booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Lookups:
    """Countries and areas by every code and name a file may use, loaded once per batch."""

    def __init__(self, country: Country) -> None:
        self.country = country
        self.countries: dict[str, str] = dict(DEMONYMS)
        for iso2, iso3, *labels in Country.objects.values_list(
            "iso2", "iso3", "name_es", "name_en", "name_pt"
        ):
            for label in (iso2, iso3, *labels):
                if label:
                    self.countries[fold_key(label)] = iso2
        self.areas: dict[str, tuple[int, int, str]] = {}
        for pk, country_id, iso_code, pcode, name_es, name_en in AdminArea.objects.values_list(
            "pk", "country_id", "iso_code", "pcode", "name_es", "name_en"
        ):
            entry = (pk, country_id, iso_code or pcode)
            for label in (iso_code, pcode):
                if label:
                    self.areas[label.upper()] = entry
            if country_id == country.pk:  # names only within the batch's country
                for label in (name_es, name_en):
                    self.areas.setdefault(fold_key(label), entry)

    def nationalities(self, value: str) -> list[str]:
        found: list[str] = []
        for part in re.split(r"[,;|/]", value):
            if not part.strip():
                continue
            iso2 = self.countries.get(fold_key(part))
            pieces: list[str | None] = (
                [iso2] if iso2 else [self.countries.get(fold_key(w)) for w in part.split()]
            )
            if not all(pieces):
                raise BadValue(_("Unknown country: %(c)s") % {"c": part.strip()[:40]})
            found += [p for p in pieces if p and p not in found]
        return found

    def area(self, value: str) -> int:
        entry = self.areas.get(value.strip().upper()) or self.areas.get(fold_key(value))
        if entry is None:
            raise BadValue(_("Unknown area: %(a)s") % {"a": value[:40]})
        if entry[1] != self.country.pk:
            raise BadValue(_("This area is not in %(c)s.") % {"c": self.country.name})
        return entry[0]
