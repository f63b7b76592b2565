# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Identity API: review tickets and their decisions, and tracing requests.

Reads go through identity's selectors (the access policy), writes through its services. A
ticket or request the caller may not see is 404, exactly like one that does not exist.
Document numbers appear only masked (last three characters); of a tracing candidate held
by another organisation the caller learns only that it exists until that organisation
confirms (and nothing once the person's consent to tracing is withdrawn).
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from caminantes.accounts import policies
from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, User
from caminantes.accounts.permissions import Perm
from caminantes.identity import selectors
from caminantes.identity.models import ReviewTicket, TracingRequest
from caminantes.identity.services import review, tracing
from caminantes.lib.api import ErrorOut

router = Router(tags=["identity"])


class TicketRecordOut(Schema):
    person: UUID
    household: UUID
    organization: str
    full_name: str
    sex: str
    birth_date: date | None
    documents: list[str]
    registered_on: date
    merged_into: UUID | None
    evidence: dict[str, Any]


class TicketOut(Schema):
    uuid: UUID
    country: str
    status: str
    score: float
    created_at: datetime


class TicketDetailOut(TicketOut):
    records: list[TicketRecordOut]


class CandidateOut(Schema):
    uuid: UUID
    status: str
    score: float
    full_name: str
    sex: str
    age: int | None
    country: str
    disclosed: bool
    birth_date: date | None = None
    organization: str = ""
    household_code: str = ""


class TracingOut(Schema):
    uuid: UUID
    code: str
    status: str
    organization: str
    sought_name: str
    relationship: str
    created_at: datetime


class TracingDetailOut(TracingOut):
    candidates: list[CandidateOut]


def _ticket_out(t: ReviewTicket) -> dict[str, Any]:
    return {
        "uuid": t.uuid,
        "country": t.country.iso2,
        "status": t.status,
        "score": t.score,
        "created_at": t.created_at,
    }


def _ticket(request: HttpRequest, uuid: UUID) -> ReviewTicket:
    return selectors.ticket_for_user(user=request.user, uuid=uuid)


@router.get("/tickets", response=list[TicketOut], summary="Open review tickets")
def ticket_list(request: HttpRequest, status: str = "open") -> list[dict[str, Any]]:
    tickets = selectors.tickets_for_user(user=request.user).filter(status=status)[:500]
    return [_ticket_out(t) for t in tickets]


@router.get(
    "/tickets/{uuid}",
    response={200: TicketDetailOut, 404: ErrorOut},
    summary="One ticket: the records side by side with the evidence",
)
def ticket_get(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    ticket = _ticket(request, uuid)
    records = []
    for r in selectors.ticket_records(ticket):
        p = r.person
        records.append(
            {
                "person": p.uuid,
                "household": p.household.uuid,
                "organization": p.household.organization.acronym,
                "full_name": p.full_name,
                "sex": p.sex,
                "birth_date": p.birth_date,
                "documents": [f"{d.type} •••{d.number_last4[-3:]}" for d in p.documents.all()],
                "registered_on": p.household.registered_on,
                "merged_into": p.merged_into.uuid if p.merged_into else None,
                "evidence": r.evidence,
            }
        )
    return {**_ticket_out(ticket), "records": records}


def _decide(request: HttpRequest, ticket: ReviewTicket, action: Any) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    try:
        action()
    except PermissionDenied:
        return Status(403, {"detail": _("Your roles do not allow this here.")})
    except ValidationError as exc:
        return Status(422, {"detail": " ".join(exc.messages)})
    ticket.refresh_from_db()
    return Status(200, _ticket_out(ticket))


DECISION_ANSWERS: dict[int, Any] = {200: TicketOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.post(
    "/tickets/{uuid}/merge",
    response=DECISION_ANSWERS,
    summary="Merge every other record of the ticket into `survivor` (a person uuid)",
)
def ticket_merge(request: HttpRequest, uuid: UUID, survivor: UUID | None = None) -> Status[object]:
    ticket = _ticket(request, uuid)
    kept = (
        ticket.records.filter(person__uuid=survivor).select_related("person").first()
        if survivor is not None
        else None
    )

    def merge() -> None:
        if kept is None:
            raise ValidationError(_("Choose one of the records of this ticket to keep."))
        review.ticket_merge(user=_user(request), ticket=ticket, survivor=kept.person)

    return _decide(request, ticket, merge)


@router.post(
    "/tickets/{uuid}/not-same",
    response=DECISION_ANSWERS,
    summary="Not the same person (remembered, never asked again)",
)
def ticket_not_same(request: HttpRequest, uuid: UUID) -> Status[object]:
    ticket = _ticket(request, uuid)
    return _decide(
        request, ticket, lambda: review.ticket_not_same(user=_user(request), ticket=ticket)
    )


@router.post(
    "/tickets/{uuid}/not-same/undo",
    response=DECISION_ANSWERS,
    summary="Undo 'not the same person' within 10 minutes (422 after)",
)
def ticket_not_same_undo(request: HttpRequest, uuid: UUID) -> Status[object]:
    ticket = _ticket(request, uuid)
    return _decide(
        request, ticket, lambda: review.ticket_not_same_undo(user=_user(request), ticket=ticket)
    )


@router.post("/tickets/{uuid}/later", response=DECISION_ANSWERS, summary="Decide later")
def ticket_later(request: HttpRequest, uuid: UUID) -> Status[object]:
    ticket = _ticket(request, uuid)
    return _decide(request, ticket, lambda: review.ticket_later(user=_user(request), ticket=ticket))


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _tracing_out(r: TracingRequest) -> dict[str, Any]:
    return {
        "uuid": r.uuid,
        "code": r.code,
        "status": r.status,
        "organization": r.organization.acronym,
        "sought_name": r.sought_name,
        "relationship": r.relationship,
        "created_at": r.created_at,
    }


@router.get("/tracing", response=list[TracingOut], summary="Tracing requests of the caller")
def tracing_list(request: HttpRequest) -> list[dict[str, Any]]:
    requests = list(selectors.tracing_requests_for_user(user=request.user)[:500])
    policies.record_reads(request.user, TracingRequest, requests)
    return [_tracing_out(r) for r in requests]


@router.get(
    "/tracing/{uuid}",
    response={200: TracingDetailOut, 404: ErrorOut},
    summary="One tracing request with its candidates (only that they exist until confirmed)",
)
def tracing_get(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    tr = policies.get_for_user(request.user, TracingRequest, uuid, Perm.FAMILY_TRACING)
    candidates = []
    for m in tr.matches.select_related("person", "person__household"):
        shown = tracing.disclosure(request.user, m)
        candidates.append(
            {
                "uuid": m.uuid,
                "status": m.status,
                "score": m.score,
                "full_name": shown.name,
                "sex": m.person.sex if shown.full else "",
                "age": shown.age,
                "country": shown.country,
                "disclosed": shown.full,
                "birth_date": shown.birth_date,
                "organization": shown.organization,
                "household_code": shown.household_code,
            }
        )
    return {**_tracing_out(tr), "candidates": candidates}
