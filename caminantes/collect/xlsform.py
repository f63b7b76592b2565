"""An uploaded XLSForm made into an XForm by pyxform, and described for the rest of the app.

`convert(content, filename)` returns the XForm, its form_id, title, version, md5, the
questions (name, type, path like /data/group/q, label, choices, constraint, required,
relevant, ...) and the media files the XForm names (jr://images/x.png, jr://file/x.csv).
A file pyxform cannot read raises `XLSFormError` with pyxform's own message (which names
the sheet and row) inside a sentence in the reader's language.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Media an XForm names: images, audio, video, files and CSVs for external selects.
MEDIA_RE = re.compile(r"jr://(?:images|audio|video|file|file-csv)/([^\"'<>\s]+)")
GROUP_TYPES = {"group", "repeat", "survey"}


class XLSFormError(Exception):
    """The file is not an XLSForm pyxform can convert; the message says why."""


@dataclass
class Converted:
    form_id: str
    title: str
    version: str
    xform: str
    md5: str
    questions: list[dict[str, Any]]
    media_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _file_type(content: bytes, filename: str) -> str:
    if content.startswith(XLSX_MAGIC):
        _check_zip(content)
        return ".xlsx"
    if content.startswith(XLS_MAGIC):
        return ".xls"
    if filename.lower().endswith(".csv"):
        return ".csv"
    raise XLSFormError(_("This is not an XLSForm: upload the .xlsx (or .xls) file of the form."))


def _check_zip(content: bytes) -> None:
    """An .xlsx is a zip: refuse one that would expand far beyond its size (a zip bomb)."""
    limit = int(settings.COLLECT_MAX_XLSFORM_EXPANDED_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise XLSFormError(_("The .xlsx file is damaged and cannot be opened.")) from exc
    if expanded > limit:
        raise XLSFormError(_("The .xlsx file expands to more than the allowed size."))


def _label(value: Any) -> Any:
    return value if isinstance(value, str | dict) else ""


def _yes(value: Any) -> bool:
    return str(value).strip().lower() in {"yes", "true", "true()", "1"}


def describe(node: dict[str, Any], parent: str = "") -> list[dict[str, Any]]:
    """The questions under a pyxform JSON node, each with its XPath from the root."""
    questions: list[dict[str, Any]] = []
    for child in node.get("children", []):
        name = str(child.get("name", ""))
        path = f"{parent}/{name}"
        kind = str(child.get("type", ""))
        bind = child.get("bind", {}) or {}
        entry: dict[str, Any] = {
            "name": name,
            "type": kind,
            "path": path,
            "label": _label(child.get("label", "")),
            "required": _yes(bind.get("required", "")),
            "relevant": str(bind.get("relevant", "")),
            "constraint": str(bind.get("constraint", "")),
            "constraint_message": _label(bind.get("jr:constraintMsg", "")),
            "calculation": str(bind.get("calculate", "")),
        }
        if "choices" in child or "list_name" in child:
            entry["list_name"] = str(child.get("list_name", child.get("itemset", "")))
            entry["choices"] = [
                {"name": str(c.get("name", "")), "label": _label(c.get("label", ""))}
                for c in child.get("choices", [])
            ]
        if kind in GROUP_TYPES or "children" in child:
            entry["repeat"] = kind == "repeat"
            questions.append(entry)
            questions.extend(describe(child, path))
        else:
            questions.append(entry)
    return questions


def convert(content: bytes, filename: str = "") -> Converted:
    from pyxform import xls2xform
    from pyxform.errors import PyXFormError

    if len(content) > int(settings.COLLECT_MAX_XLSFORM_BYTES):
        raise XLSFormError(_("The XLSForm is larger than the allowed size."))
    file_type = _file_type(content, filename)
    warnings: list[str] = []
    try:
        result = xls2xform.convert(content, warnings=warnings, file_type=file_type)
    except PyXFormError as exc:
        raise XLSFormError(_("The XLSForm has an error: %(error)s") % {"error": exc}) from exc
    except Exception as exc:
        raise XLSFormError(
            _("The XLSForm could not be read (%(error)s). Check that it is an XLSForm.")
            % {"error": str(exc)[:300] or type(exc).__name__}
        ) from exc
    tree: dict[str, Any] = getattr(result, "_pyxform", None) or result._survey.to_json_dict()
    form_id = str(tree.get("id_string") or "").strip()
    if not form_id:
        raise XLSFormError(_("The settings sheet must give the form a form_id."))
    root = "/" + str(tree.get("name") or "data")
    xform = result.xform
    return Converted(
        form_id=form_id[:100],
        title=str(tree.get("title") or form_id)[:255],
        version=str(tree.get("version") or "").strip()[:100],
        xform=xform,
        md5=hashlib.md5(xform.encode(), usedforsecurity=False).hexdigest(),
        questions=describe(tree, root),
        media_names=sorted(set(MEDIA_RE.findall(xform))),
        warnings=[str(w) for w in warnings],
    )
