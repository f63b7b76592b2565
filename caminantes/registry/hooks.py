"""Who the registry calls when people enter, change or leave it: read top to bottom.

The registry may not import the modules above it (identity and the rest), so they are
named here by dotted path and loaded on first use (`import_string`). What is called from
here runs inside the writing transaction, or answers the registration; notices after the
transaction commits (new people to match against tracing requests, say) stay signals in
`registry.events`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from caminantes.registry.duplicates import Finder

# Who might this already be? Asked before a registration is saved and about every row of an
# import, in this order; the answers are merged (best score per person, reasons combined).
# Each is (candidate dict, the people the user may see) -> Candidates; one with a `bulk`
# attribute answers a whole chunk of an import at once.
DUPLICATE_FINDERS = [
    "caminantes.registry.duplicates.exact_document",
    # The engine's scores on its hashed blocking keys: names, dates, documents, phones.
    "caminantes.identity.realtime.engine_finder",
]

# People were written (registered, added, identifying details changed): inside the writing
# transaction, so that what other modules index about them goes in (or not) with them.
# Each is called as hook(person_ids=[...], user=User | None).
PEOPLE_WRITTEN = [
    "caminantes.identity.receivers.match_keys_written",
]

# People's personal data was erased: inside the erasure's transaction, so that whatever
# was derived from it goes too (a hook that fails rolls the erasure back).
# Each is called as hook(person_ids=[...]).
PEOPLE_ERASED = [
    "caminantes.identity.receivers.match_keys_erased",
]

# A referral to a protection service (GBV, trafficking) goes through the restricted path:
# the referring app (assistance) keeps only that it was sent and its answer; the fields it
# carries are handed to protection, which alone stores them (encrypted, with its own key).
# Called inside the sender's transaction as hook(referral_uuid=UUID, organization=Org
# (receiving), country=Country, service_type="gbv"|"trafficking", person=Person | None,
# fields={label: value}, urgent=bool, sender=User); an exception refuses the referral.
RESTRICTED_REFERRAL_RECEIVERS = [
    "caminantes.protection.referrals.receive",
]

# Protection answered a restricted referral: the referring caseworker learns accepted or
# declined, nothing else. Called as hook(referral_uuid=UUID, accepted=bool, actor=User).
RESTRICTED_REFERRAL_ANSWERED = [
    "caminantes.assistance.referrals.services.restricted_answered",
]

# Links the household page shows for the modules above the registry (a household's
# casework, say). Each is called as hook(request, household) -> {"url", "label"} or None.
HOUSEHOLD_LINKS = [
    "caminantes.assistance.casework.views.household_link",
]

# Panels the household page shows for the modules above the registry (the answers to a
# field form's own questions, say). Each is called as hook(request, household) -> a list
# of {"title": str, "rows": [(label, value), ...]} (empty when nothing or not allowed); a
# panel of personal data audits its own read.
HOUSEHOLD_PANELS = [
    "caminantes.collect.panels.household_panels",
]

# An import batch was merged into the registry (after its transaction committed), so that
# a module that staged it (field collection) links its records to the new households.
# Each is called as hook(batch=ImportBatch); a failing hook is logged, never undoes the merge.
IMPORT_MERGED = [
    "caminantes.collect.processing.household_linked",
]


@lru_cache(maxsize=16)
def _load(paths: tuple[str, ...]) -> list[Callable[..., Any]]:
    return [import_string(path) for path in paths]


def duplicate_finders() -> list[Finder]:
    return _load(tuple(DUPLICATE_FINDERS))


def people_written(*, person_ids: list[int], user: Any = None) -> None:
    for hook in _load(tuple(PEOPLE_WRITTEN)):
        hook(person_ids=person_ids, user=user)


def people_erased(*, person_ids: list[int]) -> None:
    for hook in _load(tuple(PEOPLE_ERASED)):
        hook(person_ids=person_ids)


def household_links(request: Any, household: Any) -> list[dict[str, Any]]:
    found = (hook(request, household) for hook in _load(tuple(HOUSEHOLD_LINKS)))
    return [link for link in found if link is not None]


def household_panels(request: Any, household: Any) -> list[dict[str, Any]]:
    return [panel for hook in _load(tuple(HOUSEHOLD_PANELS)) for panel in hook(request, household)]


def import_merged(*, batch: Any) -> None:
    for hook in _load(tuple(IMPORT_MERGED)):
        try:
            hook(batch=batch)
        except Exception:  # the merge is committed: a module's follow-up cannot undo it
            logging.getLogger(__name__).exception("import_merged hook %s failed", hook)


def restricted_referral_received(**kwargs: Any) -> None:
    for hook in _load(tuple(RESTRICTED_REFERRAL_RECEIVERS)):
        hook(**kwargs)


def restricted_referral_answered(**kwargs: Any) -> None:
    for hook in _load(tuple(RESTRICTED_REFERRAL_ANSWERED)):
        hook(**kwargs)
