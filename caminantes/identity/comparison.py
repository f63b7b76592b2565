"""The records of a review ticket side by side: one row per field, one column per record,
rows that differ marked, so a reviewer on a phone sees the differences without scrolling
between cards.

A row "differs" when the records give different values (or the engine found the field
different); it is "partial" when only some records know the value. Numbers are shown by
their last three characters only, and compared on the last four the registry keeps.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caminantes.identity import labels
from caminantes.identity.models import TicketRecord
from caminantes.registry.models import Person

SAME, DIFFERS, PARTIAL = "same", "differs", "partial"


@dataclass
class Cell:
    text: str
    key: str = ""  # what is compared (defaults to the text, case and spaces folded)
    href: str = ""
    mono: bool = False

    def __post_init__(self) -> None:
        if not self.key:
            self.key = fold(self.text)


def fold(text: str) -> str:
    """Case, accents and spacing do not make two values differ ("María" is "MARIA")."""
    bare = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in bare if not unicodedata.combining(c)).split())


@dataclass
class Row:
    label: str
    cells: list[Cell]
    engine_field: str = ""  # the engine's name for the field, when it compared it
    level: str = ""  # how the engine compared it (two records only), in words
    compared: bool = True  # False: facts of the registration, which always differ
    state: str = field(init=False, default="")

    def mark(self, engine_level: str | None) -> None:
        if not self.compared:
            return
        self.state = SAME
        known = {c.key for c in self.cells if c.key}
        if len(known) > 1 or engine_level == "different":
            self.state = DIFFERS
        elif known and any(not c.key for c in self.cells):
            self.state = PARTIAL
        if engine_level:
            self.level = str(labels.LEVELS.get(engine_level, engine_level))


def mask(last4: str) -> str:
    """Only the last three characters of a number are shown."""
    return "•••" + last4[-3:] if last4 else ""


def _day(person: Person) -> Cell:
    if person.birth_date is None:
        return Cell("")
    text = date_format(person.birth_date, "d/m/Y")
    if person.birth_date_estimated:
        text += " (" + _("estimated") + ")"
    return Cell(text, key=person.birth_date.isoformat())


def _joined(pairs: list[tuple[str, str]], mono: bool = False) -> Cell:
    shown = "; ".join(text for text, _key in pairs)
    key = "|".join(sorted(key for _text, key in pairs))
    return Cell(shown, key=key, mono=mono)


def _rows(people: list[Person]) -> list[Row]:
    def row(label: str, cells: list[Cell], engine_field: str = "", compared: bool = True) -> Row:
        return Row(label=label, cells=cells, engine_field=engine_field, compared=compared)

    return [
        row(_("Given names"), [Cell(p.given_names) for p in people], "given_names"),
        row(
            _("Surnames"),
            [Cell(" ".join(x for x in (p.first_surname, p.second_surname) if x)) for p in people],
            "family_names",
        ),
        row(_("Sex"), [Cell(str(p.get_sex_display()), key=p.sex) for p in people], "sex"),
        row(_("Date of birth"), [_day(p) for p in people], "birth_date"),
        row(
            _("Documents"),
            [
                _joined(
                    [
                        (
                            f"{d.get_type_display()} {mask(d.number_last4)}",
                            f"{d.type}:{d.number_last4}",
                        )
                        for d in p.documents.all()
                    ],
                )
                for p in people
            ],
            "document_number",
        ),
        row(
            _("Nationality"),
            [_joined([(str(c.name), c.iso2) for c in p.nationalities.all()]) for p in people],
            "nationality",
        ),
        row(
            _("Place of birth"),
            [
                Cell(", ".join(str(x.name) for x in (p.birth_area, p.birth_country) if x))
                for p in people
            ],
            "birth_place",
        ),
        row(
            _("Phone"),
            [
                _joined(
                    [
                        (mask(ph.number_last4), ph.number_last4)
                        for ph in (p.phones.all() or p.household.phones.all())
                        if ph.number_last4
                    ],
                    mono=True,
                )
                for p in people
            ],
            "phone",
        ),
        row(
            _("Household"),
            [
                Cell(
                    f"{p.household.code} · {p.get_relationship_display()}",
                    key=p.household.code,
                    href=reverse("household_detail", args=[p.household.uuid]),
                )
                for p in people
            ],
            compared=False,
        ),
        row(_("Organisation"), [Cell(p.household.organization.acronym) for p in people]),
        row(
            _("Registered on"),
            [
                Cell(date_format(p.household.registered_on, "d/m/Y"))
                if p.household.registered_on
                else Cell("")
                for p in people
            ],
            compared=False,
        ),
    ]


def compare(records: list[TicketRecord]) -> dict[str, Any]:
    """Columns (the people), rows (the fields, marked) and, for tickets of more than two
    records, how the engine compared each pair (two records: the engine's word is on the
    row itself)."""
    people = [r.person for r in records]
    rows = _rows(people)
    pair_evidence: dict[str, str] = {}
    pair_percent = None
    if len(records) == 2:
        found = records[0].evidence.get(str(records[1].person_id)) or {}
        pair_evidence = found.get("fields", {})
        if found:
            pair_percent = round(found["probability"] * 100)
    for r in rows:
        r.mark(pair_evidence.get(r.engine_field) if r.engine_field else None)
    if any(p.merged_into_id for p in people):
        merged = Row(
            label=_("Merged into"),
            cells=[Cell(p.merged_into.full_name if p.merged_into else "") for p in people],
        )
        merged.mark(None)
        rows.append(merged)
    pairs = []
    if len(records) > 2:
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                found = a.evidence.get(str(b.person_id))
                if found:
                    pairs.append(
                        {
                            "a": a.person,
                            "b": b.person,
                            "percent": round(found["probability"] * 100),
                            "fields": labels.describe(found.get("fields", {})),
                        }
                    )
    return {
        "people": people,
        "rows": rows,
        "pairs": pairs,
        "pair_percent": pair_percent,
        "differing": sum(1 for r in rows if r.state == DIFFERS),
    }
