"""A service's ValidationError shown on the form a person filled, and the summary of a page's
problems in words.

Services name their problems with form-like keys: a field (`reason`), a member of a list
(`members-2-birth_date`, `documents-0-expires_on`), or a topic that is no field at all
(`consent`, `severities`). Django's `form.add_error` raises for a name that is not a field,
which turned an ordinary mistake into a server error. `apply_errors` never raises: a key
lands beside the field it names, on the right member's form of a formset, and anything else
becomes an error of the whole form, in the service's own words. No internal key ever reaches
the page.

A form may declare `service_fields = {"service key": "field name"}` for the keys whose field
it names differently (a member form's `documents-0-number` is its `document_number`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _

_ITEM = re.compile(r"^(?P<prefix>[a-z_]+)-(?P<index>\d+)-(?P<rest>.+)$")
_LIST = re.compile(r"^(?:[a-z_]+-\d+-)+")


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {key: ValidationError(errors).messages for key, errors in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: exc.messages}


def _field_for(form: forms.BaseForm, key: str) -> str | None:
    """The form's field a service key names, or None for the whole form."""
    aliases: Mapping[str, str] = getattr(form, "service_fields", {})
    for candidate in (key, aliases.get(key), _LIST.sub("", key)):
        if candidate and candidate in form.fields:
            return candidate
        if candidate and candidate in aliases and aliases[candidate] in form.fields:
            return aliases[candidate]
    return None


def _add(form: forms.BaseForm, key: str, messages: list[str]) -> None:
    """Called once the form was validated (add_error drops the field's cleaned value)."""
    field = None if key == NON_FIELD_ERRORS else _field_for(form, key)
    form.add_error(field, messages)


def apply_errors(
    exc: ValidationError,
    form: forms.BaseForm | None = None,
    *,
    formsets: Iterable[BaseFormSet[Any]] = (),
    prefix: str = "",
) -> None:
    """Put each of the service's problems on the form or formset member it concerns.

    `prefix` is stripped from every key first (one household's `households-3-` in a bulk
    registration); keys that do not start with it belong to another target and are
    skipped. A formset's keys are `<its prefix>-<i>-<key>`; a member index it has not got,
    and every key no form claims, go to `form`'s errors (or to the first formset form when
    there is no `form`), so nothing is lost and nothing raises.
    """
    sets = {fs.prefix: fs for fs in formsets}
    fallback = form
    if fallback is None:
        fallback = next((f for fs in sets.values() for f in fs.forms), None)
    for key, messages in _messages(exc).items():
        if prefix:
            if not key.startswith(prefix):
                continue
            key = key[len(prefix) :]
        item = _ITEM.match(key)
        if item and item["prefix"] in sets:
            members = sets[item["prefix"]].forms
            index = int(item["index"])
            if index < len(members):
                _add(members[index], item["rest"], messages)
                continue
        if form is not None and _field_for(form, key) is not None:
            _add(form, key, messages)
        elif fallback is not None:
            _add(fallback, NON_FIELD_ERRORS, messages)


def error_messages(exc: ValidationError | str) -> list[str]:
    """The words of an error, for a flash message: never its keys."""
    if isinstance(exc, str):
        return [exc]
    return [m for messages in _messages(exc).values() for m in messages]


# --- the summary at the top of a form page ---------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One line of the summary: whose (a member), which field (its label), what is wrong,
    and the id of the field to jump to ("" for a problem of the whole form)."""

    group: str
    label: str
    message: str
    target: str

    def __str__(self) -> str:
        head = " · ".join(p for p in (self.group, self.label) if p)
        return f"{head}: {self.message}" if head else self.message


def _form_problems(form: forms.BaseForm, group: str) -> Iterator[Problem]:
    if not form.is_bound:
        return
    for message in form.non_field_errors():
        yield Problem(group, "", str(message), "")
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        target = bound.id_for_label or bound.auto_id or ""
        if form.fields[name].widget.is_hidden:
            target = ""
        for message in errors:
            yield Problem(group, str(bound.label or ""), str(message), target)


def problems(*targets: Any, labels: Mapping[str, Any] | None = None) -> list[Problem]:
    """Every problem of the given forms and formsets, in page order. A formset's members
    are named by its `item_label` ("Member %(n)s"), numbered from 1 as a person counts.

    A page built without a Django form passes its errors as a mapping of input name to
    messages (a service's `message_dict`), and `labels` to name each input: the link then
    targets the input by its name."""
    found: list[Problem] = []
    for target in targets:
        if isinstance(target, Mapping):
            for key, messages in target.items():
                field = "" if key == NON_FIELD_ERRORS else str(key)
                label = str((labels or {}).get(field, "")) if field else ""
                found += [Problem("", label, str(m), field) for m in messages]
            continue
        if isinstance(target, BaseFormSet):
            if not target.is_bound:
                continue
            for message in target.non_form_errors():
                found.append(Problem("", "", str(message), ""))
            label = str(getattr(target, "item_label", _("Entry %(n)s")))
            for i, member in enumerate(target.forms):
                found += _form_problems(member, label % {"n": i + 1})
        elif isinstance(target, forms.BaseForm):
            found += _form_problems(target, "")
    return found


def posted(request: Any) -> Any:
    """The data a form is bound to: the POST (even an empty one, so that a form sent with no
    field at all is checked and answered with its errors) or None on a GET."""
    return request.POST if request.method == "POST" else None
