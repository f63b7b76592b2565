"""A small XLSForm made with openpyxl: for the demo when no shipped form is there, and for
tests. Four questions, one group, one choice list, a constraint, a photo."""

from __future__ import annotations

import io

SURVEY: list[tuple[str, ...]] = [
    ("type", "name", "label", "required", "constraint", "relevant"),
    ("text", "nombre", "Nombre de quien responde", "yes", "", ""),
    ("begin_group", "hogar", "Hogar", "", "", ""),
    ("integer", "personas", "Personas en el hogar", "yes", ". > 0 and . < 30", ""),
    ("select_one necesidad", "necesidad", "Necesidad principal", "", "", "${personas} > 0"),
    ("end_group", "", "", "", "", ""),
    ("image", "foto", "Foto del documento (opcional)", "", "", ""),
]
CHOICES: list[tuple[str, ...]] = [
    ("list_name", "name", "label"),
    ("necesidad", "alimentos", "Alimentos"),
    ("necesidad", "alojamiento", "Alojamiento"),
    ("necesidad", "salud", "Salud"),
]


def build(
    form_id: str = "demo_hogar", version: str = "1", title: str = "Visita a hogar",
    logo: str = "",
) -> bytes:  # fmt: skip
    """With `logo`, a first note shows that image (a media file the form needs)."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    for i, row in enumerate(SURVEY):
        survey.append((*row, "image" if i == 0 else ""))
        if i == 0 and logo:
            survey.append(("note", "bienvenida", "Bienvenida", "", "", "", logo))
    choices = book.create_sheet("choices")
    for row in CHOICES:
        choices.append(row)
    settings_sheet = book.create_sheet("settings")
    settings_sheet.append(("form_id", "form_title", "version"))
    settings_sheet.append((form_id, title, version))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
