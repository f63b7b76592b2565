"""Personal data leaving the registry: list exports (CSV, XLSX) and a copy of everything
held about one person (JSON, or a page in their language).

Both go through the access policy and leave an audit event with the row count, never the
data. Every text cell a spreadsheet would read as a formula is neutralised.

Modules: `lists` (the list exports) and `person` (one person's data).
"""

from __future__ import annotations

from caminantes.registry.exports.lists import (
    CSV,
    FORMATS,
    HOUSEHOLDS,
    KINDS,
    PEOPLE,
    XLSX,
    Export,
    ExportFilters,
    choice_label,
    csv_stream,
    exportable_households,
    exportable_people,
    number_text,
    phones_text,
    place_code,
    registry_export,
    write_xlsx,
)
from caminantes.registry.exports.person import (
    Fact,
    Section,
    person_data_export,
    person_sections,
    sections_as_dict,
    sections_as_json,
)

__all__ = [
    "CSV",
    "FORMATS",
    "HOUSEHOLDS",
    "KINDS",
    "PEOPLE",
    "XLSX",
    "Export",
    "ExportFilters",
    "Fact",
    "Section",
    "choice_label",
    "csv_stream",
    "exportable_households",
    "exportable_people",
    "number_text",
    "person_data_export",
    "person_sections",
    "phones_text",
    "place_code",
    "registry_export",
    "sections_as_dict",
    "sections_as_json",
    "write_xlsx",
]
