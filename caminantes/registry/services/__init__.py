"""Writes to the registry. Each: permission check -> change -> audit (and timeline), atomic.

One door per action: `households_register` registers households for the form, the API,
imports, the demo and field collection (`household_register` is it for one household);
`checks` holds what every write checks first (`require_perm`, `validate_person`, `Places`
for codes), `fields` the columns every path writes the same way (encrypted numbers, search
keys, consent rows), `changes` the corrections and additions to registered records,
`reindex` the rebuild of search keys and document hashes when the rules in lib.names change.
"""

from __future__ import annotations

from caminantes.registry.services.changes import (
    HOUSEHOLD_FIELDS,
    IDENTIFYING,
    PERSON_FIELDS,
    VersionConflict,
    consent_record,
    consent_withdraw,
    document_add,
    household_update,
    index_person,
    needs_assess,
    person_update,
    phone_add,
)
from caminantes.registry.services.checks import (
    ADULT_AGE,
    Places,
    age_on,
    country_by_code,
    require_perm,
    validate_person,
)
from caminantes.registry.services.fields import (
    consent_rows,
    document_fields,
    name_fields,
    name_keys,
    number_fields,
    phone_fields,
    phone_number_fields,
)
from caminantes.registry.services.registration import (
    NewHousehold,
    Registration,
    household_register,
    households_register,
    person_add,
)
from caminantes.registry.services.undo import consent_withdraw_undo

__all__ = [
    "ADULT_AGE",
    "HOUSEHOLD_FIELDS",
    "IDENTIFYING",
    "PERSON_FIELDS",
    "NewHousehold",
    "Places",
    "Registration",
    "VersionConflict",
    "age_on",
    "consent_record",
    "consent_rows",
    "consent_withdraw",
    "consent_withdraw_undo",
    "country_by_code",
    "document_add",
    "document_fields",
    "household_register",
    "household_update",
    "households_register",
    "index_person",
    "name_fields",
    "name_keys",
    "needs_assess",
    "number_fields",
    "person_add",
    "person_update",
    "phone_add",
    "phone_fields",
    "phone_number_fields",
    "require_perm",
    "validate_person",
]
