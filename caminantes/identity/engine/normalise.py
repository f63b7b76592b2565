"""Fields as people write them -> the comparable form the engine works on.

Names: accents, case and punctuation folded; particles (de, del, de la, da, dos...) dropped
from surnames; "de Pérez" at the end of a woman's surnames kept apart as a married name;
abbreviations (Ma., Fco.) expanded, one-letter initials ("J.") kept as initials; nicknames
resolved to the full name. Dates as (year, month, day) without validation, so a mistyped
31 February still compares. Documents as their digits (V-12.345.678 -> 12345678). Phones
as E.164 when they can be read, compared on their last nine digits either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from caminantes.identity.engine.nicknames import expand
from caminantes.lib import names
from caminantes.lib.names import ABBREVIATIONS, PARTICLES, fold, phonetic

__all__ = ["ABBREVIATIONS", "PARTICLES", "fold", "phonetic"]  # the one set, in lib.names

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Name:
    """A folded name: its tokens in order (initials are one letter), their sound keys."""

    tokens: tuple[str, ...]
    sounds: tuple[str, ...]
    married: str = ""  # for surnames: "perez" in "gonzalez de perez"

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


EMPTY = Name((), ())


@lru_cache(maxsize=500_000)
def given_name(raw: str) -> Name:
    """'Ma. José' -> maria jose; 'Pepe' -> jose; 'J. Gregorio' -> j gregorio."""
    words: list[str] = []
    for word in names.tokens(raw):  # "María de los Ángeles" -> maria angeles
        words.extend(expand(word).split(" "))
    tokens = tuple(w for w in words if w)
    return Name(tokens, tuple(phonetic(t) if len(t) > 1 else t for t in tokens))


@lru_cache(maxsize=500_000)
def family_name(raw: str) -> Name:
    """'González de Pérez' -> gonzalez (+ married perez); 'De la Cruz' -> cruz."""
    words = fold(raw).split(" ")
    married = ""
    # "X de Y" with nothing after Y: the married form (Y is the husband's surname); "de la",
    # "de los" and a leading "De" (De Freitas) are parts of a surname instead.
    if len(words) >= 3 and words[-2] == "de" and words[-1] not in PARTICLES:
        married = words[-1]
        words = words[:-2]
    tokens = tuple(w for w in words if w and w not in PARTICLES)
    return Name(tokens, tuple(phonetic(t) for t in tokens), married)


@lru_cache(maxsize=100_000)
def birth_date(raw: str) -> tuple[int, int, int]:
    """(year, month, day), 0 where unknown. Accepts YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY, with or
    without a time after it."""
    text = (raw or "").strip()
    parts = _DIGITS.findall(text)
    if len(parts) in (5, 6) and all(len(p) <= 2 for p in parts[3:]):
        parts = parts[:3]  # a spreadsheet's date and time: 1990-05-12 00:00:00
    if len(parts) == 1 and len(parts[0]) == 8:
        p = parts[0]
        parts = [p[:4], p[4:6], p[6:]]
    if len(parts) != 3:
        if len(parts) == 1 and len(parts[0]) == 4:
            return (int(parts[0]), 0, 0)
        return (0, 0, 0)
    if len(parts[0]) == 4:
        y, m, d = parts
    elif len(parts[2]) == 4:
        d, m, y = parts
    else:
        return (0, 0, 0)
    return (int(y), int(m), int(d))


def document(raw: str) -> str:
    """V-12.345.678, v12345678, 12 345 678 -> 12345678; a passport keeps its letters; "" when
    too short to tell people apart (`lib.names.identity_document`, the registry's rule)."""
    return names.identity_document(raw)


def phone_e164(raw: str, region: str = "VE") -> str:
    """E.164 when the number can be read ('0412-555 1234' in Venezuela -> +584125551234)."""
    text = (raw or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=500_000)
def phone(raw: str) -> str:
    """The comparison key of a phone: the last nine digits of its national number.

    The country is often missing ('300 123 4567' written in Colombia); the last nine digits
    of the E.164 form and of the number as written are the same, so no region is guessed.
    """
    digits = "".join(ch for ch in (raw or "") if ch.isdigit())
    return digits[-9:] if len(digits) >= 7 else ""


_SEX_WORDS = {
    "MUJER": "F", "MULHER": "F", "FEMENINO": "F", "FEMININO": "F", "FEMALE": "F",
    "WOMAN": "F", "NINA": "F", "MENINA": "F", "GIRL": "F",
    "HOMBRE": "M", "HOMEM": "M", "MASCULINO": "M", "MALE": "M", "MAN": "M", "NINO": "M",
    "MENINO": "M", "BOY": "M", "VARON": "M",
}  # fmt: skip


@lru_cache(maxsize=256)
def sex(raw: str) -> str:
    """F, M or "" from F/M (the contract), H or W, or the word in es/pt/en ("Mujer" is F)."""
    text = fold(raw or "").upper()
    if len(text) > 1:
        return _SEX_WORDS.get(text, "")
    return {"F": "F", "M": "M", "H": "M", "W": "F"}.get(text, "")


@lru_cache(maxsize=100_000)
def place(raw: str) -> str:
    return fold(raw)
