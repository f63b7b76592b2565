"""The registry's models: `people` (households, people, documents, phones) and `records`
(needs, consent, timeline, history, data requests, retention, imports). One app label,
`registry`, as when they were one module."""

from __future__ import annotations

from caminantes.registry.models.people import (
    WG_DOMAINS,
    Difficulty,
    Document,
    Household,
    Person,
    Phone,
    PopulationType,
    Relationship,
    Sex,
    SpecificNeed,
    Versioned,
)
from caminantes.registry.models.records import (
    Consent,
    DataRequest,
    FieldChange,
    ImportBatch,
    ImportRow,
    NeedsAssessment,
    RetentionPolicy,
    Sector,
    Severity,
    SharedDocumentConfirmation,
    TimelineEntry,
)

__all__ = [
    "WG_DOMAINS",
    "Consent",
    "DataRequest",
    "Difficulty",
    "Document",
    "FieldChange",
    "Household",
    "ImportBatch",
    "ImportRow",
    "NeedsAssessment",
    "Person",
    "Phone",
    "PopulationType",
    "Relationship",
    "RetentionPolicy",
    "Sector",
    "Severity",
    "Sex",
    "SharedDocumentConfirmation",
    "SpecificNeed",
    "TimelineEntry",
    "Versioned",
]
