"""How each cell of an import file is read (the columns themselves: `headers`).

Values accept the codes and their usual Spanish and Portuguese words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from caminantes.geo.models import AdminArea, Country
from caminantes.lib import names
from caminantes.registry.models import Consent, Document, PopulationType, Relationship, Sex

HOUSEHOLD_COLUMNS = ("population_type", "admin1", "address", "arrival_date")
MAX_LENGTH = {
    "household_id": 100, "given_names": 120, "first_surname": 80, "second_surname": 80,
    "preferred_name": 120, "guardian_name": 200, "address": 300, "document_number": 40,
}  # fmt: skip


def fold_key(text: str) -> str:
    """'Fecha de nacimiento' -> 'fecha_de_nacimiento': folded, words joined by '_'."""
    return "_".join(names.fold(text).split())


class ChoiceWords(dict[str, str]):
    """Each code by the words files use for it (folded); `choices` are the model's own."""

    def __init__(self, words: dict[str, str], choices: type[models.Choices]) -> None:
        super().__init__(words)
        self.choices = choices


def _choices(mapping: dict[str, Iterable[str]], choices: type[models.Choices]) -> ChoiceWords:
    return ChoiceWords(
        {fold_key(alias): code for code, aliases in mapping.items() for alias in (code, *aliases)},
        choices,
    )


@cache
def _label_words(choices: type[models.Choices]) -> dict[str, str]:
    """Each code by its label in every language Caminantes speaks ('Hijo o hija', 'Filho ou
    filha'), folded: the words of the registration form are accepted in a file too."""
    words: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            words.update({fold_key(str(label)): str(code) for code, label in choices.choices})
    return words


YES = frozenset({"si", "yes", "y", "s", "true", "1", "x", "verdadero", "sim", "ok",
                 "acepta", "aceita", "verdadeiro"})  # fmt: skip
NO = frozenset({"no", "n", "false", "0", "falso", "nao", "ninguno", "no_acepta", "nao_aceita",
                "nenhum"})  # fmt: skip
SEXES = _choices(
    {"F": ("f", "female", "femenino", "mujer", "feminino", "femme"),
     "M": ("m", "male", "masculino", "hombre", "homem", "varon"),
     "O": ("o", "other", "otro", "otra", "outro", "x", "no binario"),
     "U": ("u", "unknown", "desconocido", "no sabe", "sin dato", "nr", "ns",
           "desconhecido", "nao sabe", "sem informacao")},
    Sex,
)  # fmt: skip
RELATIONSHIPS = _choices(
    {"focal_point": ("jefe", "jefa", "jefe de hogar", "jefa de hogar", "jefe de familia",
                     "jefa de familia", "cabeza de hogar", "punto focal", "titular", "head",
                     "head of household", "responsable", "jefe a", "jefe a de hogar",
                     "jefe a de familia", "responsavel", "chefe", "chefe de familia",
                     "chefe do domicilio", "responsavel familiar", "pessoa de referencia"),
     "spouse": ("conyuge", "esposo", "esposa", "pareja", "companero", "companera", "partner",
                "marido", "mujer del jefe", "companheiro", "companheira", "parceiro",
                "parceira"),
     "child": ("hijo", "hija", "hijo a", "son", "daughter", "filho", "filha", "filho a"),
     "stepchild": ("hijastro", "hijastra", "stepson", "stepdaughter", "enteado", "enteada"),
     "parent": ("padre", "madre", "father", "mother", "pai", "mae"),
     "sibling": ("hermano", "hermana", "hermano a", "brother", "sister", "irmao", "irma"),
     "grandchild": ("nieto", "nieta", "nieto a", "grandson", "granddaughter", "neto", "neta"),
     "grandparent": ("abuelo", "abuela", "abuelo a", "grandfather", "grandmother", "avo",
                     "avoa"),
     "other_relative": ("otro familiar", "otro pariente", "tio", "tia", "primo", "prima",
                        "sobrino", "sobrina", "cunado", "cunada", "yerno", "nuera", "suegro",
                        "suegra", "other relative", "outro parente", "outro familiar",
                        "sobrinho", "sobrinha", "cunhado", "cunhada", "genro", "nora", "sogro",
                        "sogra"),
     "not_related": ("sin parentesco", "no familiar", "no pariente", "amigo", "amiga",
                     "not related", "sem parentesco", "nao parente")},
    Relationship,
)  # fmt: skip
POPULATION_TYPES = _choices(
    {"in_destination": ("en destino", "destino", "destination", "vocacion de permanencia",
                        "em destino"),
     "in_transit": ("en transito", "transito", "transit", "em transito"),
     "pendular": ("pendulares", "pendular"),
     "returnee": ("retornado", "retornada", "retornados", "colombiano retornado",
                  "colombiana retornada", "retorno"),
     "host_community": ("comunidad de acogida", "comunidad receptora", "acogida",
                        "host community", "host", "comunidade de acolhida",
                        "comunidade de acolhimento", "comunidade receptora")},
    PopulationType,
)  # fmt: skip
DOCUMENT_TYPES = _choices(
    {"cedula": ("ci", "cedula de identidad", "cedula venezolana", "cedula de identidad venezolana"),
     "passport": ("pasaporte", "passaporte"),
     "birth_certificate": ("partida de nacimiento", "acta de nacimiento",
                           "certificado de nacimiento", "registro civil", "certidao de nascimento"),
     "ppt": ("permiso por proteccion temporal",),
     "cpp": ("carne de permiso temporal de permanencia",),
     "host_permit": ("permiso", "pep", "ptp", "carne de extranjeria", "permiso de residencia",
                     "crnm", "rnm", "carteira de registro nacional migratorio",
                     "autorizacao de residencia", "protocolo de refugio"),
     "other": ("otro", "outro")},
    Document.Type,
)  # fmt: skip
LEGAL_BASES = _choices(
    {"consent": ("consentimiento", "consentimento"),
     "vital_interest": ("interes vital", "interesse vital"),
     "public_interest": ("interes publico", "mandato", "interesse publico"),
     "legitimate_interest": ("interes legitimo", "interesse legitimo"),
     "legal_obligation": ("obligacion legal", "obrigacao legal")},
    Consent.LegalBasis,
)  # fmt: skip
DEMONYMS = {
    "venezolano": "VE", "venezolana": "VE", "colombiano": "CO", "colombiana": "CO",
    "peruano": "PE", "peruana": "PE", "ecuatoriano": "EC", "ecuatoriana": "EC",
    "brasileno": "BR", "brasilena": "BR", "brasileiro": "BR", "brasileira": "BR",
    "chileno": "CL", "chilena": "CL", "boliviano": "BO", "boliviana": "BO",
    "argentino": "AR", "argentina": "AR", "panameno": "PA", "panamena": "PA",
    "venezuelano": "VE", "venezuelana": "VE", "equatoriano": "EC", "equatoriana": "EC",
    "haitiano": "HT", "haitiana": "HT", "cubano": "CU", "cubana": "CU",
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


_AGE = re.compile(r"^(\d{1,3})(?: 0+)?(?: (?:anos|ano|years|year|a))?$")
MAX_AGE = 120


def parse_age(value: str) -> int | None:
    """'35', '35 años', '35 anos' -> 35: whole years, as people write an age."""
    m = _AGE.match(fold_key(value).replace("_", " "))
    if m is None or int(m.group(1)) > MAX_AGE:
        raise BadValue(
            _("Write the age in whole years (0 to %(max)d), not “%(v)s”.")
            % {"max": MAX_AGE, "v": value[:40]}
        )
    return int(m.group(1))


def birth_date_from_age(age: int, today: date) -> date:
    """The estimated date of birth of someone `age` years old today (29 February: the 28th)."""
    year = today.year - age
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def parse_yes_no(value: str) -> bool | None:
    word = fold_key(value)
    if not word:
        return None
    if word in YES:
        return True
    if word in NO:
        return False
    raise BadValue(_("Write yes or no, not “%(v)s”.") % {"v": value[:40]})


def choice(value: str, mapping: ChoiceWords, column: str) -> str:
    key = fold_key(value)
    code = mapping.get(key) or _label_words(mapping.choices).get(key)
    if code is None:
        # The labels in the reader's language, never the internal codes.
        allowed = ", ".join(str(label) for label in mapping.choices.labels)
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
