"""The one door for DTM data coming in, whoever sends it.

The tally page, the survey and assessment forms, the file imports (CSV/XLSX, ODK and Kobo
flat exports) and a future OpenRosa endpoint all call these functions with a flat dict of
answers. Each validates with translated errors by field (ValidationError), checks that the
user may collect there (PermissionDenied; `user=None` is the system), writes, keeps the
rollup in step and audits. Counts and surveys are idempotent on their submission id.
"""

from __future__ import annotations

from caminantes.dtm.intake.common import Conflict, Result, submission_uuid
from caminantes.dtm.intake.flow import (
    FlowCountInput,
    store_flow_count,
    submit_flow_count,
    validate_flow_count,
)
from caminantes.dtm.intake.mobility import submit_baseline, submit_site_assessment
from caminantes.dtm.intake.survey import (
    SurveyInput,
    store_survey,
    submit_survey,
    validate_survey,
)

__all__ = [
    "Conflict",
    "FlowCountInput",
    "Result",
    "SurveyInput",
    "store_flow_count",
    "store_survey",
    "submission_uuid",
    "submit_baseline",
    "submit_flow_count",
    "submit_site_assessment",
    "submit_survey",
    "validate_flow_count",
    "validate_survey",
]
