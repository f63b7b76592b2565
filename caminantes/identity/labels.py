"""Words for the engine's evidence: which field, and how it compared."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "given_names": _("Given names"),
    "family_names": _("Surnames"),
    "birth_date": _("Date of birth"),
    "sex": _("Sex"),
    "document_number": _("Document"),
    "phone": _("Phone"),
    "nationality": _("Nationality"),
    "birth_place": _("Place of birth"),
    "age": _("Age"),
}
LEVELS = {
    "exact": _("same"),
    "fuzzy": _("similar"),
    "phonetic": _("sounds the same"),
    "swapped": _("day and month swapped"),
    "near": _("one year apart"),
    "one_digit": _("one digit differs"),
    "different": _("different"),
    "missing": _("not known on one side"),
}
AGREE = {"exact", "fuzzy", "phonetic", "swapped", "near", "one_digit"}


def describe(evidence: dict[str, str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for field, level in evidence.items():
        rows.append(
            {
                "field": FIELDS.get(field, field),
                "level": LEVELS.get(level, level),
                "agrees": level in AGREE or level.startswith(("exact", "fuzzy", "phon")),
                "differs": level == "different",
            }
        )
    return rows
