# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""How the registry API reads bodies and answers refusals, shared by its route modules."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast
from uuid import UUID

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.lib.api import ErrorOut, InvalidOut
from caminantes.registry import selectors, services
from caminantes.registry.api.schemas import with_person_related
from caminantes.registry.models import Document, Household, Person, Phone

router = Router(tags=["registry"])

WRITE_ANSWERS = {403: ErrorOut, 404: ErrorOut, 422: InvalidOut}


def operation_id(name: str) -> str:
    """The ids the API has always had (its routes lived in one module, registry/api.py)."""
    return f"caminantes_registry_api_{name}"


V = TypeVar("V", bound=Callable[..., Any])


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
