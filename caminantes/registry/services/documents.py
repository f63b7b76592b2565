"""One document number, one person: a number already held by someone the user may see
(same type, same issuing country) is refused, on registration and on every document added
or corrected, unless a country manager confirmed beforehand that one more person really
holds it (`shared_document_confirm`, audited; good for one use within a week)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit.log import log
from caminantes.geo.models import Country
from caminantes.registry import actions, duplicates
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import Document, Person, SharedDocumentConfirmation
from caminantes.registry.services.checks import Errors, Places, require_perm, validate_document

CONFIRMATION_DAYS = 7


def _hash(d: DocumentInput) -> str:
    if d.sealed is not None:
        return d.sealed.get("number_hash", "")
    return duplicates.document_hash(d.number)


def _same_issuer(issuing_country: Country | None) -> Q:
    """Same issuing country; a document whose issuer was not written matches any."""
    if issuing_country is None:
        return Q()
    return Q(issuing_country=issuing_country) | Q(issuing_country__isnull=True)


def holders(
    *,
    user: User,
    document: DocumentInput,
    issuing_country: Country | None,
    exclude_people: Iterable[int] = (),
) -> list[Document]:
    """The documents of the same type and number, from a compatible issuer, held by people
    `user` may see (other than `exclude_people`)."""
    number_hash = _hash(document)
    if not number_hash:
        return []
    same = Document.objects.filter(
        _same_issuer(issuing_country), number_hash=number_hash, type=document.type
    ).exclude(person_id__in=list(exclude_people))
    # Most numbers are held by nobody: the indexed look-up answers that alone. Joined with
    # who the user may see from the start, SQLite listed every visible person for each
    # document checked (registering the demo's 2,000 families spent half its time there).
    if not same.exists():
        return []
    people = policies.visible(user, Person).filter(anonymised_at__isnull=True)
    return list(
        same.filter(person__in=people).select_related("person__household").order_by("id")[:5]
    )


def _confirmation(
    *,
    organization: Organization,
    country: Country,
    document: DocumentInput,
    issuing_country: Country | None,
    taken: set[int],
) -> SharedDocumentConfirmation | None:
    return (
        SharedDocumentConfirmation.objects.filter(
            _same_issuer(issuing_country),
            organization=organization,
            country=country,
            type=document.type,
            number_hash=_hash(document),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(pk__in=taken)
        .order_by("confirmed_at")
        .first()
    )


def _recorded_numbers(docs: Sequence[DocumentInput]) -> set[tuple[str, str]]:
    """The (number hash, type) pairs among `docs` that some document already has, in a query
    per few thousand numbers (registering a thousand families asked once per document)."""
    hashes = sorted({h for h in map(_hash, docs) if h})
    found: set[tuple[str, str]] = set()
    for start in range(0, len(hashes), 5000):
        found.update(
            Document.objects.filter(number_hash__in=hashes[start : start + 5000]).values_list(
                "number_hash", "type"
            )
        )
    return found


def held_document_errors(
    *,
    user: User,
    organization: Organization,
    country: Country,
    documents: Sequence[tuple[str, DocumentInput]],
    places: Places,
    exclude_people: Iterable[int] = (),
) -> tuple[Errors, list[SharedDocumentConfirmation]]:
    """Errors (under each document's key) for numbers already held by someone else, and the
    country manager's confirmations that let the others through (`confirmations_use` marks
    them used, in the write's transaction)."""
    errors: Errors = {}
    confirmations: list[SharedDocumentConfirmation] = []
    exclude = list(exclude_people)
    recorded = _recorded_numbers([d for _key, d in documents])
    for key, d in documents:
        if (_hash(d), d.type) not in recorded:
            continue  # nobody holds this number: no look-up per document
        issuer = places.country(d.issuing_country, {}, "")
        found = holders(user=user, document=d, issuing_country=issuer, exclude_people=exclude)
        if not found:
            continue
        confirmation = _confirmation(
            organization=organization,
            country=country,
            document=d,
            issuing_country=issuer,
            taken={c.pk for c in confirmations},
        )
        if confirmation is not None:
            confirmations.append(confirmation)
            continue
        errors.setdefault(key, []).append(
            _(
                "This number (%(type)s …%(last4)s) is already held by someone else, in household "
                "%(code)s. Check the document; if both people really hold this number, a country "
                "manager must confirm it before it is recorded again."
            )
            % {
                "type": Document.Type(d.type).label if d.type in Document.Type.values else d.type,
                "last4": found[0].number_last4,
                "code": found[0].person.household.code,
            }
        )
    return errors, confirmations


def confirmations_use(*, user: User, confirmations: Sequence[SharedDocumentConfirmation]) -> None:
    """Mark each confirmation used (once only: a second use at the same time is refused)."""
    now = timezone.now()
    for c in confirmations:
        claimed = SharedDocumentConfirmation.objects.filter(pk=c.pk, used_at__isnull=True).update(
            used_at=now, used_by=user
        )
        if not claimed:
            raise ValidationError(
                {"documents": [_("The country manager's confirmation was already used.")]}
            )
        log(user, actions.SHARED_DOCUMENT_USED, c)


def shared_document_confirm(
    *,
    user: User,
    organization: Organization,
    country: Country,
    document: DocumentInput,
    reason: str,
) -> SharedDocumentConfirmation:
    """A country manager confirms that one more person holds a number already held."""
    require_perm(user, Perm.CONFIRM_SHARED_DOCUMENTS, organization, country)
    errors = validate_document(document, "")
    if not reason.strip():
        errors["reason"] = [_("Say why two people hold this number.")]
    places = Places()
    issuer = places.country(document.issuing_country, errors, "issuing_country")
    if errors:
        raise ValidationError(errors)
    found = holders(user=user, document=document, issuing_country=issuer)
    if not found:
        raise ValidationError(
            {"number": [_("Nobody you may see holds this number: there is nothing to confirm.")]}
        )
    now = timezone.now()
    confirmation = SharedDocumentConfirmation.objects.create(
        organization=organization,
        country=country,
        type=document.type,
        issuing_country=issuer,
        number_hash=_hash(document),
        number_last4=found[0].number_last4,
        reason=reason.strip()[:300],
        confirmed_by=user,
        confirmed_at=now,
        expires_at=now + timedelta(days=CONFIRMATION_DAYS),
    )
    log(user, actions.SHARED_DOCUMENT_CONFIRMED, confirmation, holders=len(found))
    return confirmation


def normalised(number: str) -> str:
    return duplicates.normalise_document(number)
