# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""How the registry API reads bodies and answers refusals, shared by its route modules."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast
from uuid import UUID

import pydantic
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.registry import selectors, services
from caminantes.registry.api.schemas import ErrorOut, InvalidOut, with_person_related
from caminantes.registry.models import Document, Household, Person, Phone

router = Router(tags=["registry"])

WRITE_ANSWERS = {403: ErrorOut, 404: ErrorOut, 422: InvalidOut}


def operation_id(name: str) -> str:
    """The ids the API has always had (its routes lived in one module, registry/api.py)."""
    return f"caminantes_registry_api_{name}"


S = TypeVar("S", bound=Schema)
V = TypeVar("V", bound=Callable[..., Any])


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


def answers(view: V) -> V:
    """Turn the services' refusals into the documented answers: 403, 409 and 422."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except services.VersionConflict as exc:
            return Status(409, {"detail": str(exc), "current_version": exc.current})
        except PermissionDenied as exc:
            return Status(403, {"detail": str(exc) or _("Your roles do not allow this here.")})
        except DjangoValidationError as exc:
            errors = (
                exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            )
            detail = _("Some fields need attention.")
            if set(errors) == {NON_FIELD_ERRORS}:
                detail = " ".join(errors[NON_FIELD_ERRORS])  # a refusal, said in its words
            return Status(422, {"detail": detail, "errors": errors})

    return cast(V, wrapper)


def acting_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def household_for(request: HttpRequest, uuid: UUID) -> Household:
    return selectors.household_detail(user=request.user, uuid=uuid)


def fresh_person(request: HttpRequest, person: Person) -> Person:
    return with_person_related(selectors.people_for_user(user=request.user)).get(pk=person.pk)


def document_for(request: HttpRequest, uuid: UUID) -> Document:
    """A document of a person the caller may see, not erased: 404 otherwise."""
    document = policies.get_for_user(request.user, Document, uuid)
    selectors.person_detail(user=request.user, uuid=document.person.uuid)
    return document


def phone_for(request: HttpRequest, uuid: UUID) -> Phone:
    """A phone of a household the caller may see, not erased: 404 otherwise."""
    phone = policies.get_for_user(request.user, Phone, uuid)
    if phone.household.anonymised_at is not None:
        raise Http404
    return phone
