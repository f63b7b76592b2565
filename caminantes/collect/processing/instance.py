"""A device's XML instance as {path: value}, parsed with defusedxml only.

Groups become paths ("hogar/population_type"); a repeat becomes a list of dicts whose keys
are paths inside the repeat ({"members": [{"given_names": "Ana", ...}, ...]}); a
select_multiple stays its space-separated codes, as ODK writes them. Elements the form
version does not list are kept too (an older or newer version's questions): they may be
the organisation's own, and nothing a device sent is thrown away.
"""

from __future__ import annotations

from typing import Any

from defusedxml import ElementTree
from django.utils.translation import gettext as _


class InstanceProblem(ValueError):
    """The XML cannot be read as an instance (the message is for the review queue)."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse(xml: str | bytes) -> Any:
    try:
        return ElementTree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    except Exception as exc:  # ParseError, and defusedxml's refusals (entities, DTDs)
        raise InstanceProblem(
            _("The submission's XML cannot be read: %(e)s") % {"e": str(exc)[:200]}
        ) from exc


def _flatten(node: Any, prefix: str, repeats: set[str], base: str) -> dict[str, Any]:
    """`base` is the path of the enclosing repeat (keys inside it are relative)."""
    out: dict[str, Any] = {}
    for child in list(node):
        name = _local(child.tag)
        path = f"{prefix}{name}"
        full = f"{base}/{path}" if base else path
        if full in repeats:
            out.setdefault(path, []).append(_flatten(child, "", repeats, full))
        elif len(child):
            out.update(_flatten(child, path + "/", repeats, base))
        else:
            out[path] = (child.text or "").strip()
    return out


def flatten(xml: str | bytes, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """{path: value} of an instance (see the module docstring)."""
    root = parse(xml)
    repeats = {q["path"] for q in questions if q["type"] in ("begin repeat", "repeat")}
    return _flatten(root, "", repeats, "")


def root_attributes(xml: str | bytes) -> dict[str, str]:
    """The instance root's id and version attributes (which form, which version)."""
    root = parse(xml)
    return {_local(k): v for k, v in root.attrib.items()}


def instance_id(answers: dict[str, Any]) -> str:
    for key in ("meta/instanceID", "meta/instanceId", "instanceID"):
        if answers.get(key):
            return str(answers[key])
    return ""


def leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]
