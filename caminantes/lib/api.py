# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""What every app's API shares: the error answers, and bodies read by the view itself.

A route that takes an id and a body finds the record first and reads the body after
(`parse_body`), so a hidden id is 404 whatever is sent; `body_schema` documents that body in
the OpenAPI schema all the same. `ErrorOut` and `InvalidOut` are the 403/404 and 422 answers.
"""

from typing import Any, TypeVar

import pydantic
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

S = TypeVar("S", bound=Schema)


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        description=(
            "Messages by field. Nested fields are written as in the forms "
            "(`members-0-birth_date`, `members-1-documents-0-number`); `__all__` is about "
            "the request as a whole."
        )
    )


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return _inline({**defs[ref.rsplit("/", 1)[1]], **rest}, defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def body_schema(model: type[Schema]) -> dict[str, Any]:
    """Document a JSON body that the view reads itself (see `parse_body`)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    for prop in schema["properties"].values():
        if prop.get("default", "") is None and "anyOf" not in prop:
            del prop["default"]  # optional in a PATCH, but null is not a value
    content = {"application/json": {"schema": _inline(schema, defs)}}
    return {"requestBody": {"required": True, "content": content}}


def parse_body(request: HttpRequest, model: type[S]) -> S:
    """Read the body only once the record is found, so a hidden id is 404 whatever is sent."""
    if not request.body:
        raise DjangoValidationError({NON_FIELD_ERRORS: [_("Send the record as JSON.")]})
    try:
        return model.model_validate_json(request.body)
    except pydantic.ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors(include_url=False):
            key = "-".join(str(part) for part in error["loc"]) or NON_FIELD_ERRORS
            errors.setdefault(key, []).append(error["msg"])
        raise DjangoValidationError(errors) from exc
