"""Column headers of spreadsheets written by people: one key per header, however it is typed.

'Fecha de nacimiento', 'FECHA_NACIMIENTO', 'fecha de nacimiento (dd/mm/aaaa)' and
'Fecha-de-Nacimiento' all become 'fecha_nacimiento': accents and case are dropped, spaces,
underscores and punctuation are one separator, a hint in brackets is dropped, and so are the
small words that join others ('de', 'do', 'of' …). 'Nº', 'N°', 'Nro.' and 'No.' are read as
'numero'. Pure functions: the registry and DTM imports both use them; no app is imported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher

# Words that join others in Spanish, Portuguese and English headers.
CONNECTORS = frozenset(
    "de del la las el los y e do da dos das of the a al ao aos en em na nas para por con com "
    "with".split()
)
# A bracket naming another unit is part of the name ('Edad (meses)' is not the age in years).
UNIT_WORDS = frozenset({"mes", "meses", "month", "months", "dias", "days", "semanas", "weeks"})
NUMBER_WORDS = frozenset({"nro", "num", "nr", "numero"})
NUMBER_WORDS_FIRST = frozenset({"n", "no"})  # 'No. documento', not 'chegada no Brasil'
_NUMBER_SIGN = re.compile(r"\bn\s*\.?\s*[º°]\.?", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Kobo, ODK Central and Enketo add these to every export: never a data column of ours.
SYSTEM_COLUMNS = frozenset(
    {
        "start", "end", "today", "deviceid", "username", "simserial", "subscriberid",
        "phonenumber", "audit", "instanceid", "instancename", "uuid", "id", "index",
        "parent_index", "parent_table_name", "submission_time", "submitted_by",
        "validation_status", "notes", "status", "tags", "version", "xform_id_string",
        "formhub_uuid", "key", "submissiondate", "submitterid", "submittername",
        "attachmentspresent", "attachmentsexpected", "reviewstate", "edits", "formversion",
        "meta_instanceid", "meta_instancename", "meta_deprecatedid", "geopoint", "gps",
    }
)  # fmt: skip
CONSENT_WORDS = ("consent", "acepta", "aceita", "autoriza", "agree")
NEAR_MISS_RATIO = 0.86
NEAR_MISS_MIN_LENGTH = 5
NEAR_MISS_LENGTH_GAP = 3


def _bracket(match: re.Match[str]) -> str:
    inner = _NON_ALNUM.sub(" ", _fold(match.group(0))).split()
    return " " + " ".join(inner) + " " if UNIT_WORDS.intersection(inner) else " "


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def header_key(text: object) -> str:
    """'Número de documento' -> 'numero_documento'; '' for a header with no letters."""
    raw = _BRACKETS.sub(_bracket, str(text or ""))
    raw = _NUMBER_SIGN.sub(" numero ", raw).replace("+", " plus ")  # '60+' is '60_plus'
    raw = _fold(raw)
    words = [w for w in _NON_ALNUM.sub(" ", raw).split() if w not in CONNECTORS]
    words = [
        "numero" if w in NUMBER_WORDS or (i == 0 and w in NUMBER_WORDS_FIRST) else w
        for i, w in enumerate(words)
        if i == 0 or w != "no"  # 'chegada no Brasil': 'no' is 'in the' past the first word
    ]
    # 'n numero documento' ('Nº número…') or 'numero' twice: one is enough.
    deduped = [w for i, w in enumerate(words) if not (i and w == words[i - 1] == "numero")]
    # 'Apellido 1' and 'apellido1' are one header.
    return re.sub(r"(?<=[a-z])_(?=\d)", "", "_".join(deduped))


def prefixed_parts(text: object) -> list[str]:
    """The header, then what is left without each group prefix, keys all.

    KoboToolbox prefixes group names with '/', ODK Central with '-' or '.'
    ('group_members/given_names', 'members-given_names'); a bracketed hint may hold '/'
    ('Fecha (dd/mm/aaaa)'), so brackets go first.
    """
    raw = _BRACKETS.sub(_bracket, str(text or "")).strip()
    parts = [p for p in re.split(r"[/:\-]|\.(?=\S)", raw) if p.strip()]
    keys = [header_key(" ".join(parts[start:])) for start in range(len(parts))]
    found = [header_key(raw)]
    for key in keys:
        if key and key not in found:
            found.append(key)
    return found


def is_system_column(text: object) -> bool:
    """A column the collection tool adds (Kobo '_uuid', ODK 'meta-instanceID', 'KEY')."""
    raw = str(text or "").strip()
    if raw.startswith("_"):
        return True
    keys = prefixed_parts(raw)
    return any(k in SYSTEM_COLUMNS for k in keys) or raw.lower().startswith(
        ("meta/", "meta-", "formhub/", "__")
    )


def looks_like_consent(text: object) -> bool:
    """The header speaks of consent ('Consentimiento RCF', 'acepta_contacto', 'consent_x')."""
    words = header_key(text).split("_")
    return any(w.startswith(CONSENT_WORDS) for w in words)


def near_miss(key: str, known: Iterable[str]) -> str | None:
    """The known key this one is probably a typo of ('fecha_nacimeinto'), or None.

    Numbered variants ('telefono_2') are other columns, not typos; short keys are too easy
    to confuse to guess at.
    """
    if len(key) < NEAR_MISS_MIN_LENGTH:
        return None
    best, best_ratio = None, 0.0
    for candidate in known:
        if len(candidate) < NEAR_MISS_MIN_LENGTH:
            continue
        if key.rstrip("0123456789_") == candidate.rstrip("0123456789_"):
            return None
        if abs(len(key) - len(candidate)) > NEAR_MISS_LENGTH_GAP:
            continue  # a typo changes a letter or two, not a word
        ratio = SequenceMatcher(None, key, candidate).ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best if best_ratio >= NEAR_MISS_RATIO else None
