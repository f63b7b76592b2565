"""Forms, versions and instances for the processing tests, built as ODK Collect does."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any
from xml.sax.saxutils import escape

from caminantes.collect import xlsforms
from caminantes.collect.models import Form, FormVersion, Submission
from caminantes.collect.processing.questions import questions_from_xlsform

_QUESTIONS: dict[str, list[dict[str, Any]]] = {}


def questions_of(kind: str) -> list[dict[str, Any]]:
    if kind not in _QUESTIONS:
        _QUESTIONS[kind] = questions_from_xlsform(xlsforms.xlsform(kind))
    return _QUESTIONS[kind]


def make_form(org: Any, kind: str, *, country: Any = None, form_id: str = "", **kw: Any) -> Form:
    questions = kw.pop("questions", None) or questions_of(kind)
    form = Form.objects.create(
        organization=org, country=country, form_id=form_id or f"f_{kind}", title=f"Form {kind}",
        kind=kind, **kw,
    )  # fmt: skip
    FormVersion.objects.create(
        form=form, version="1", xlsform=b"", xform="<x/>", md5="0" * 32,
        questions=questions, is_current=True,
    )  # fmt: skip
    return form


def add_question(form: Form, question: dict[str, Any]) -> None:
    """An organisation's own question, appended to the current version."""
    version = form.versions.get(is_current=True)
    version.questions = [*version.questions, question]
    version.save(update_fields=["questions"])


def _element(name: str, value: Any) -> str:
    if isinstance(value, dict):
        return f"<{name}>{''.join(_element(k, v) for k, v in value.items())}</{name}>"
    if isinstance(value, list):
        return "".join(_element(name, item) for item in value)
    return f"<{name}>{escape(str(value))}</{name}>"


def instance_xml(form_id: str, body: dict[str, Any], instance_id: str = "") -> tuple[str, str]:
    instance_id = instance_id or f"uuid:{uuid.uuid4()}"
    inner = "".join(_element(k, v) for k, v in body.items())
    xml = (
        f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="{form_id}" version="1">'
        f"<start>2026-12-06T09:00:00.000-05:00</start><end>2026-12-06T09:10:00.000-05:00</end>"
        f"<deviceid>collect:abc</deviceid>{inner}"
        f"<meta><instanceID>{instance_id}</instanceID></meta></data>"
    )
    return xml, instance_id


def submit(form: Form, body: dict[str, Any], instance_id: str = "", **kw: Any) -> Submission:
    xml, iid = instance_xml(form.form_id, body, instance_id)
    sub = Submission(
        form=form, form_version=form.versions.get(is_current=True), instance_id=iid,
        xml_sha256=hashlib.sha256(xml.encode()).hexdigest(), **kw,
    )  # fmt: skip
    sub.xml = xml
    sub.save(force_insert=True)
    return sub


def household_body(**household: Any) -> dict[str, Any]:
    hogar = {
        "population_type": "in_destination",
        "admin1": "CO-NSA",
        "address": "Barrio La Libertad",
        "arrival_date": "2025-06-01",
        "consent_registration": "yes",
        "consent_family_tracing": "no",
        "consent_messaging": "yes",
    }
    hogar.update(household)
    return {
        "hogar": hogar,
        "members": [
            {"relationship": "focal_point", "given_names": "Rosa Elena", "first_surname": "Marín",
             "second_surname": "Pérez", "sex": "F", "birth_date": "1988-04-12",
             "nationality": "VE", "document_type": "cedula", "document_number": "V-20111222",
             "phone": "", "whatsapp": ""},
            {"relationship": "child", "given_names": "Luis", "first_surname": "Marín",
             "second_surname": "", "sex": "M", "birth_date": "", "age": "7",
             "nationality": "VE", "document_type": "", "document_number": "", "phone": "",
             "whatsapp": ""},
        ],
    }  # fmt: skip
