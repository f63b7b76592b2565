"""KoboToolbox and ODK Central exports (CSV or XLSX) in, through the same mappings.

Each row becomes a `Submission` of the form (an XML instance rebuilt from the row, so the
same flattening, checks and mapping apply as for a device) and is processed. Re-importing
the same export creates nothing twice: a submission is unique per form by its instance id
(`meta/instanceID`, ODK Central's `KEY`, Kobo's `_uuid`).

What real exports look like, and is read here:
- headers are question paths with groups, `group/sub/question` (Kobo) or
  `group-sub-question` (Central), or the bare question name; column order does not matter;
- a select_multiple is one column of space-separated codes, or one column per option
  `question/option` (also `question-option`) with 1/0, True/False, yes/no;
- Kobo's own columns (`_id`, `_uuid`, `_index`, `_validation_status`, `__version__`,
  `_notes`, `_tags`, `_submitted_by`, `_submission_time` …) and Central's (`KEY`,
  `SubmissionDate`, `SubmitterID`, `ReviewState` …) are metadata, not answers;
- repeat groups are further sheets of an XLSX: Kobo links their rows by `_parent_index`
  to the main sheet's `_index`, Central by `PARENT_KEY` to `KEY`;
- CSV in UTF-8 with or without a BOM (or Latin-1), separated by commas, semicolons or tabs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid as uuid_lib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring  # writing only

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from caminantes.accounts.models import User
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.collect.models import Form, FormVersion, Submission
from caminantes.collect.processing import process_submission, require_review
from caminantes.collect.processing.questions import GROUP_TYPES, REPEAT_TYPES, normalise

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 50_000
TRUE = {"1", "true", "yes", "sí", "si", "verdadero", "1.0", "x"}
FALSE = {"0", "false", "no", "falso", "0.0", ""}
META_COLUMNS = {
    "key", "parent_key", "submissiondate", "submitterid", "submittername",
    "attachmentspresent", "attachmentsexpected", "status", "reviewstate", "deviceid",
    "edits", "formversion", "instanceid", "uuid", "deprecatedid",
}  # fmt: skip
ID_COLUMNS = ("meta/instanceid", "meta-instanceid", "instanceid", "key", "_uuid", "uuid")


Rows = list[dict[str, str]]
Tables = tuple[Rows, dict[str, Rows]]  # the main rows, and each repeat's by sheet name


class ExportProblem(ValidationError):
    """The file cannot be read as an export of this form (translated message)."""


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    known: int = 0
    processed: int = 0
    review: int = 0
    errors: list[str] = field(default_factory=list)


# --- reading --------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExportProblem(_("The file is not text in a known encoding."))


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    text = _decode(data)
    sample = text[:20000]
    first = sample.splitlines()[0] if sample else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return _table(reader)


def _table(rows: Iterable[list[Any]]) -> list[dict[str, str]]:
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise ExportProblem(_("The file is empty."))
    names = [_cell(h) for h in header]
    out = []
    for row in iterator:
        values = [_cell(v) for v in row]
        if not any(values):
            continue
        out.append({n: v for n, v in zip(names, values, strict=False) if n})
        if len(out) > MAX_ROWS:
            raise ExportProblem(
                _("The file has more than %(n)d rows: split it in parts.") % {"n": MAX_ROWS}
            )
    return out


def read_export(data: bytes) -> Tables:
    """The main rows, and the rows of each further sheet (repeat groups) of an XLSX."""
    if not data:
        raise ExportProblem(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ExportProblem(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES >> 20})
    if not data.startswith(b"PK\x03\x04"):
        return _csv_rows(data), {}
    central = _central_zip(data)
    if central is not None:
        return central
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # not a workbook after all, or a damaged one
        raise ExportProblem(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheets = [(ws.title, _table(ws.iter_rows(values_only=True))) for ws in book.worksheets]
    finally:
        book.close()
    if not sheets:
        raise ExportProblem(_("The file is empty."))
    return sheets[0][1], dict(sheets[1:])


def _central_zip(
    data: bytes,
) -> tuple[list[dict[str, str]], dict[str, list[dict[str, str]]]] | None:
    """ODK Central's "CSV zip": `form.csv` and one `form-repeat.csv` per repeat group
    (linked by PARENT_KEY). None when the zip is a workbook (an XLSX is a zip too)."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ExportProblem(_("The file is not a readable XLSX workbook.")) from exc
    names = archive.namelist()
    if "[Content_Types].xml" in names:
        return None
    csvs = sorted((n for n in names if n.lower().endswith(".csv")), key=len)
    if not csvs:
        raise ExportProblem(_("The zip file holds no CSV export."))
    total = sum(archive.getinfo(n).file_size for n in csvs)
    if total > MAX_BYTES:
        raise ExportProblem(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES >> 20})
    main = _csv_rows(archive.read(csvs[0]))
    stem = csvs[0].rsplit("/", 1)[-1][:-4]
    sheets = {}
    for name in csvs[1:]:
        title = name.rsplit("/", 1)[-1][:-4]
        title = title[len(stem) + 1 :] if title.startswith(stem + "-") else title
        sheets[title.rsplit("-", 1)[-1]] = _csv_rows(archive.read(name))
    return main, sheets


# --- headers to questions ---------------------------------------------------------------


def _key(text: str) -> str:
    return text.strip().strip("/").lower()


class Columns:
    """Which question a header stands for (or which option of a select_multiple)."""

    def __init__(self, questions: list[dict[str, Any]]) -> None:
        self.questions = [q for q in questions if q["type"] not in GROUP_TYPES]
        self.by_path: dict[str, dict[str, Any]] = {}
        names: dict[str, list[dict[str, Any]]] = {}
        for q in self.questions:
            self.by_path[_key(q["path"])] = q
            self.by_path[_key(q["path"].replace("/", "-"))] = q
            names.setdefault(q["name"].lower(), []).append(q)
        self.by_name = {n: qs[0] for n, qs in names.items() if len(qs) == 1}
        self.repeats = [q for q in questions if q["type"] in REPEAT_TYPES]

    def question(self, header: str) -> dict[str, Any] | None:
        key = _key(header)
        for prefix in ("data/", "data-"):
            if key.startswith(prefix):
                key = key[len(prefix) :]
        if key in self.by_path:
            return self.by_path[key]
        last = re.split(r"[/-]", key)[-1] if key not in self.by_name else key
        return self.by_name.get(key) or self.by_name.get(last)

    def option(self, header: str) -> tuple[dict[str, Any], str] | None:
        """`question/option` of a select_multiple split in one column per option."""
        key = header.strip().strip("/")
        for sep in ("/", "-"):
            if sep in key:
                head, option = key.rsplit(sep, 1)
                q = self.question(head)
                if (
                    q
                    and q["type"].startswith("select multiple")
                    and (option in q["choices"] or not q["choices"])
                ):
                    return q, option
        return None


def _is_meta(header: str) -> bool:
    key = _key(header)
    return key.startswith("_") or key in META_COLUMNS or key.startswith(("meta/", "meta-"))


def _relative(q: dict[str, Any]) -> str:
    return q["path"][len(q["repeat"]) + 1 :] if q["repeat"] else q["path"]


def answers_of(row: dict[str, str], columns: Columns, repeat: str = "") -> dict[str, str]:
    """A row's answers by path (relative to `repeat` inside a repeat sheet)."""
    out: dict[str, str] = {}
    options: dict[str, list[str]] = {}
    for header, value in row.items():
        if _is_meta(header):
            continue
        q = columns.question(header)
        if q is not None and q["repeat"] == repeat and q["type"] not in REPEAT_TYPES:
            out[_relative(q)] = value
            continue
        split = columns.option(header)
        if split is not None:
            q, option = split
            if q["repeat"] == repeat:
                options.setdefault(_relative(q), [])
                if value.strip().lower() in TRUE:
                    options[_relative(q)].append(option)
            continue
        if q is None and value:
            # A column no question of this version names: kept under its own header, so
            # the organisation's answer is not lost (extra answers).
            out[re.sub(r"[^\w/.-]", "_", header.strip().strip("/"))[:100]] = value
    for path, chosen in options.items():
        if not out.get(path):
            out[path] = " ".join(chosen)
    return out


def instance_id_of(row: dict[str, str]) -> str:
    lowered = {_key(k): v for k, v in row.items() if v}
    for column in ID_COLUMNS:
        value = lowered.get(column, "").strip()
        if value:
            return value if value.lower().startswith("uuid:") or column not in (
                "_uuid", "uuid",
            ) else f"uuid:{value}"  # fmt: skip
    return ""


# --- rows to instances ----------------------------------------------------------------------


def _tag(name: str) -> str:
    tag = re.sub(r"[^\w.-]", "_", name) or "q"
    return tag if re.match(r"[A-Za-z_]", tag) else f"_{tag}"


def _put(parent: Element, path: str, value: Any) -> None:
    parts = [p for p in path.split("/") if p]
    node = parent
    for part in parts[:-1]:
        child = node.find(_tag(part))
        node = child if child is not None else SubElement(node, _tag(part))
    if isinstance(value, list):
        for item in value:
            element = SubElement(node, _tag(parts[-1]))
            for k, v in item.items():
                _put(element, k, v)
    else:
        SubElement(node, _tag(parts[-1])).text = value


def build_xml(form: Form, version: str, answers: dict[str, Any], instance_id: str) -> str:
    root = Element("data", {"id": form.form_id, "version": version})
    for path, value in answers.items():
        _put(root, path, value)
    meta = SubElement(root, "meta")
    SubElement(meta, "instanceID").text = instance_id
    return tostring(root, encoding="unicode")


def _children(
    sheets: dict[str, list[dict[str, str]]], columns: Columns
) -> dict[str, dict[str, list[dict[str, str]]]]:
    """Repeat rows by the parent's link (Kobo `_parent_index` / Central `PARENT_KEY`),
    for each repeat of the form, found by the sheet's name or by its columns."""
    out: dict[str, dict[str, list[dict[str, str]]]] = {}
    for title, rows in sheets.items():
        repeat = next(
            (r for r in columns.repeats if r["name"].lower() == title.strip().lower()), None
        )
        if repeat is None and rows:
            repeat = next(
                (
                    r
                    for r in columns.repeats
                    for h in rows[0]
                    if (q := columns.question(h)) is not None and q["repeat"] == r["path"]
                ),
                None,
            )
        if repeat is None:
            continue
        linked = out.setdefault(repeat["path"], {})
        for row in rows:
            lowered = {_key(k): v for k, v in row.items()}
            parent = lowered.get("_parent_index") or lowered.get("parent_key") or ""
            parent = parent or lowered.get("_submission__uuid", "")
            linked.setdefault(parent.strip(), []).append(answers_of(row, columns, repeat["path"]))
    return out


# --- the import -----------------------------------------------------------------------------


def _version(form: Form, row: dict[str, str]) -> FormVersion:
    wanted = row.get("__version__") or row.get("FormVersion") or ""
    if wanted:
        found = form.versions.filter(version=wanted).first()
        if found is not None:
            return found
    current = (
        form.versions.filter(is_current=True).first()
        or form.versions.order_by("-created_at").first()
    )
    if current is None:
        raise ExportProblem(_("The form has no version yet: upload its XLSForm first."))
    return current


def import_export(*, user: User | None, form: Form, data: bytes, file_name: str = "") -> Outcome:
    """Create and process a submission for each row not imported before (see the module
    docstring). `user` None is the system (the command line)."""
    if user is not None:
        require_review(user, form)
    main, sheets = read_export(data)
    current = _version(form, {})
    columns = Columns(normalise(current.questions))
    if columns.questions and main:
        known_headers = sum(
            1 for h in main[0] if columns.question(h) or columns.option(h) or _is_meta(h)
        )
        if known_headers == 0:
            raise ExportProblem(
                _("No column of this file is a question of the form “%(form)s”: is it the "
                  "export of another form?") % {"form": form.title}
            )  # fmt: skip
    children = _children(sheets, columns)
    outcome = Outcome(rows=len(main))
    created: list[int] = []
    for number, row in enumerate(main, start=2):
        iid = instance_id_of(row)
        if not iid:
            outcome.errors.append(
                _("Row %(n)d has no submission id (meta/instanceID, KEY or _uuid): skipped.")
                % {"n": number}
            )
            continue
        version = _version(form, row)
        answers: dict[str, Any] = answers_of(row, columns)
        lowered = {_key(k): v for k, v in row.items()}
        for path, linked in children.items():
            items = (
                linked.get(lowered.get("_index", "").strip())
                or linked.get(lowered.get("key", "").strip())
                or linked.get(lowered.get("_uuid", "").strip())
            )
            if items:
                answers[path] = items
        xml = build_xml(form, version.version, answers, iid)
        if Submission.objects.filter(form=form, instance_id=iid).exists():
            outcome.known += 1
            continue
        try:
            with transaction.atomic():
                sub = Submission(
                    form=form,
                    form_version=version,
                    instance_id=iid[:255],
                    xml_sha256=hashlib.sha256(xml.encode()).hexdigest(),
                    submitted_by=user,
                    device_id=(lowered.get("deviceid") or "")[:255],
                )
                sub.xml = xml  # encrypted (models)
                sub.save(force_insert=True)
        except IntegrityError:
            outcome.known += 1  # imported meanwhile by another upload of the same file
            continue
        created.append(sub.pk)
    outcome.created = len(created)
    log(
        user,
        actions.IMPORT,
        form,
        organization=form.organization,
        step="collect_export",
        rows=outcome.rows,
        created=outcome.created,
        known=outcome.known,
        skipped=len(outcome.errors),
        **({} if user is not None else {"actor_email": "system:collect-import-export"}),
    )
    for pk in created:
        process_submission(pk)
    for status in Submission.objects.filter(pk__in=created).values_list("status", flat=True):
        if status == "processed":
            outcome.processed += 1
        else:
            outcome.review += 1
    return outcome


def stable_id(text: str) -> str:
    """A submission id for a row that has none but a stable key (not used by default)."""
    return f"uuid:{uuid_lib.uuid5(uuid_lib.NAMESPACE_URL, text)}"
