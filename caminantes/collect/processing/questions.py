"""The questions of a form version, as `FormVersion.questions` keeps them.

One dict per question, in form order: `name`, `type` (XLSForm words: "integer",
"select one", "begin repeat" …), `path` (from the instance root, groups included:
"hogar/population_type"; a question inside a repeat: "members/given_names"), `repeat` (the
path of the repeat it is in, or ""), `choices` (the names of a select's options),
`constraint`, `required` (bool), `relevant`. `questions_from_xlsform` makes them with
pyxform; `normalise` reads what another writer stored (paths with a leading "/data/",
"required": "yes", choices as dicts), so processing never depends on one spelling.
"""

from __future__ import annotations

from typing import Any

# Question types that carry no answer of the person interviewed.
META_TYPES = frozenset(
    {
        "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
        "username", "email", "audit", "note", "start-geopoint", "background-audio",
    }
)  # fmt: skip
GROUP_TYPES = frozenset({"group", "begin group", "begin_group", "repeat", "begin repeat"})
REPEAT_TYPES = frozenset({"repeat", "begin repeat", "begin_repeat"})


def _is_yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("yes", "true", "true()", "1", "y", "sí", "si")


def questions_from_pyxform(tree: dict[str, Any]) -> list[dict[str, Any]]:
    """The question list of pyxform's internal dict (`ConvertResult._pyxform`)."""
    lists: dict[str, Any] = tree.get("choices") or {}
    out: list[dict[str, Any]] = []

    def walk(children: list[dict[str, Any]], prefix: str, repeat: str) -> None:
        for child in children:
            name = str(child.get("name") or "")
            kind = str(child.get("type") or "")
            if not name or (name == "meta" and kind == "group"):
                continue
            path = f"{prefix}{name}"
            bind = child.get("bind") or {}
            choices = child.get("choices")
            if not choices and child.get("itemset") in lists:
                choices = lists[child["itemset"]]
            entry = {
                "name": name,
                "type": kind,
                "path": path,
                "repeat": repeat,
                "choices": [str(c.get("name")) for c in choices or [] if isinstance(c, dict)],
                "constraint": str(bind.get("constraint") or ""),
                "required": _is_yes(bind.get("required")),
                "relevant": str(bind.get("relevant") or ""),
            }
            out.append(entry)
            if kind in GROUP_TYPES or child.get("children"):
                inner_repeat = path if kind in REPEAT_TYPES else repeat
                walk(child.get("children") or [], path + "/", inner_repeat)

    walk(tree.get("children") or [], "", "")
    return out


def questions_from_xlsform(xlsform: bytes | str | Any) -> list[dict[str, Any]]:
    """Convert an XLSForm with pyxform and list its questions (ValueError-like on errors
    come from pyxform itself: PyXFormError)."""
    from pyxform.xls2xform import convert

    result = convert(xlsform=xlsform, warnings=[])
    return questions_from_pyxform(result._pyxform or {})


def _path(raw: Any) -> str:
    """'/data/hogar/q' -> 'hogar/q'; 'hogar/q' stays."""
    text = str(raw or "").strip()
    if text.startswith("/"):
        parts = [p for p in text.split("/") if p]
        return "/".join(parts[1:])
    return text.strip("/")


def normalise(questions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Questions as this module reads them, whatever spelling the writer used."""
    out: list[dict[str, Any]] = []
    for q in questions or []:
        if not isinstance(q, dict) or not q.get("name"):
            continue
        kind = str(q.get("type") or "").replace("_", " ").strip().lower()
        path = _path(q.get("path")) or str(q["name"])
        choices = q.get("choices") or []
        if isinstance(choices, dict):
            choices = list(choices)
        names = [str(c.get("name") if isinstance(c, dict) else c) for c in choices]
        out.append(
            {
                "name": str(q["name"]),
                "type": kind,
                "path": path,
                "repeat": _path(q.get("repeat")),
                "choices": names,
                "constraint": str(q.get("constraint") or ""),
                "required": _is_yes(q.get("required")),
                "relevant": str(q.get("relevant") or ""),
            }
        )
    # A writer that did not say which repeat a question is in: the nearest repeat above it.
    repeats = sorted((q["path"] for q in out if q["type"] in REPEAT_TYPES), key=len, reverse=True)
    for q in out:
        if not q["repeat"]:
            q["repeat"] = next(
                (r for r in repeats if q["path"].startswith(r + "/") and q["path"] != r), ""
            )
    return out


def is_answer(q: dict[str, Any]) -> bool:
    """A question whose value someone answered (not a group, a note or device metadata)."""
    return q["type"] not in GROUP_TYPES and q["type"] not in META_TYPES
