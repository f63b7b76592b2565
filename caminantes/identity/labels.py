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
# Every level of `engine.compare.LEVELS`, and the names of older engines' levels that
# tickets opened before an upgrade still carry (fuzzy, phonetic, near, one_digit).
LEVELS = {
    "exact": _("same"),
    "same": _("same"),
    "subset": _("one has more names"),
    "similar": _("similar"),
    "second_differs": _("first name same, second differs"),
    "partial": _("one name in common"),
    "one_shared": _("one surname in common"),
    "swapped": _("day and month swapped"),
    "one_part": _("one part mistyped"),
    "estimated": _("estimated date"),
    "months_apart": _("months apart"),
    "one_edit": _("one digit differs"),
    "fuzzy": _("similar"),
    "phonetic": _("sounds the same"),
    "near": _("one year apart"),
    "one_digit": _("one digit differs"),
    "different": _("different"),
    "missing": _("not known on one side"),
}
AGREE = {
    "exact", "same", "subset", "similar", "swapped", "one_part", "estimated", "one_edit",
    "fuzzy", "phonetic", "near", "one_digit",
}  # fmt: skip


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
