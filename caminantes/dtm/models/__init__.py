"""DTM tables: reference, flow counts and their daily rollup, surveys, mobility tracking.

Reference
- `Operation` (an organisation's DTM operation, e.g. "Venezuela regional") has numbered
  `Round`s (date ranges). `FlowMonitoringPoint` belongs to one operation, sits in one
  country (usually on a seeded `geo.Place` of kind crossing) and lists its movement
  types, transport modes and services (JSON lists of codes from `dtm.choices`).

Flow counts (raw, up to millions of rows)
- `FlowCount`: one tally sheet = point x day x shift (start/end time) x direction (incoming,
  outgoing) x flow type (pendular, transit, intention to stay, return; "unknown" only on
  sheets counted before flow types were asked, see migration 0007). `uuid`
  is the client-made submission id (the tally page's hidden field, ODK's instanceID,
  Kobo's `_uuid`): the same id with the same content is a no-op, with other content a
  conflict. Totals (`individuals`, `groups`, `unaccompanied_children`) plus eight sex x
  age columns `female_0_5 … male_60_plus` whose sum equals `individuals` (a database
  CHECK), and two vulnerability counts (`pregnant_lactating` ≤ women and girls 6-59,
  `with_disabilities` ≤ individuals), summed by the rollup like the totals.
  `organization`, `country`, `operation` are copied from the point so scoping and filters
  need no join. `voided_at` set = not counted anywhere.
- `FlowCountBreakdown`: (count, dimension, code, individuals) for nationality, transport
  mode and final destination country; per dimension, the rows add up to the total.

Daily rollup (what dashboards read; never written by hand)
- `FlowDaily`: point x day x direction x flow type with the same totals, the number of
  sheets, and the denormalised organization/country/operation. `FlowDailyBreakdown`:
  point x day x direction x flow type x dimension x code. `MonitoredDay`: point x day with
  counts and its number of distinct shifts (the monitoring effort: averages per monitored
  day and per shift).
- Contract: every write of FlowCount/FlowCountBreakdown goes through `dtm.intake` (one
  sheet: `submit_flow_count`; files: `dtm.imports`) or `dtm.services.flow_count_void`,
  and those call `dtm.rollup.refresh(keys)` in the same transaction, with keys the
  (point_id, day) pairs touched. `refresh` recomputes those days from the raw rows (so it
  is idempotent); writers lock the point row first, so two writers of one point cannot
  interleave. Bulk loaders (demo, benchmark) call `dtm.rollup.rebuild()` at the end.
- `FlowMonthly`, `FlowMonthlyBreakdown`: the same by calendar month, refreshed with the
  days; dashboards read whole months there and the days at a period's edges from the
  daily tables. `SurveyChoiceMonthly`: respondents per point, month, question and option,
  refreshed by `dtm.intake.survey` (one interview) and the survey imports.

Flow monitoring survey
- `SurveySubmission`: one interview (single-select answers as columns; `answers` keeps
  the whole submission as received). `SurveyChoice`: one row per selected option of a
  multi-select question (submission, question, option, position), with point and date
  copied for fast filters: `GROUP BY option WHERE question='needs'`. Free-text fields are
  listed in `SurveySubmission.FREE_TEXT` (the microdata export drops them). The sample is
  not statistically representative: outputs include `dtm/includes/survey_note.html`.
- `SurveyRefusal`: someone asked who declined (consent = no): point, date and submission
  id only, for the response rate. Imports store refusals and the consented rows.

Mobility tracking
- `BaselineAssessment`: people present in an admin area in a round (sex x age columns,
  households) + `BaselineBreakdown` (origin country, arrival period, shelter type:
  individuals; need sector: severity 1-5).
- `CollectiveSite` + `SiteAssessment` per round (capacity, occupancy by sex x age) +
  `SiteAssessmentBreakdown` (nationality: individuals; service: 1 when available).

Imports and the DTM API
- `DtmImport` / `DtmImportRow`: a staged file (flow counts, survey, baseline, sites),
  validated row by row, committed in one transaction; the same file twice is refused.
- `DtmApiFigure`: IDP figures from the public IOM DTM API v3 (admin 0/1/2).

Scoping (accounts.policies, registered in apps.py): every data model by organisation and
country (and admin area where it has one), with permission DTM_ANALYSE by default; pages
for enumerators ask `policies.visible(user, Model, Perm.DTM_COLLECT)`. Selectors in
`dtm.selectors` do this for you. `DtmApiFigure` is public data: any member.
"""

from __future__ import annotations

from caminantes.dtm.models.api_data import DtmApiFigure
from caminantes.dtm.models.flow import (
    FlowCount,
    FlowCountBreakdown,
    FlowDaily,
    FlowDailyBreakdown,
    FlowMonthly,
    FlowMonthlyBreakdown,
    MonitoredDay,
)
from caminantes.dtm.models.imports import DtmImport, DtmImportRow
from caminantes.dtm.models.mobility import (
    BaselineAssessment,
    BaselineBreakdown,
    CollectiveSite,
    SiteAssessment,
    SiteAssessmentBreakdown,
)
from caminantes.dtm.models.reference import FlowMonitoringPoint, Operation, Round
from caminantes.dtm.models.survey import (
    SurveyChoice,
    SurveyChoiceMonthly,
    SurveyRefusal,
    SurveySubmission,
)

__all__ = [
    "BaselineAssessment",
    "BaselineBreakdown",
    "CollectiveSite",
    "DtmApiFigure",
    "DtmImport",
    "DtmImportRow",
    "FlowCount",
    "FlowCountBreakdown",
    "FlowDaily",
    "FlowDailyBreakdown",
    "FlowMonitoringPoint",
    "FlowMonthly",
    "FlowMonthlyBreakdown",
    "MonitoredDay",
    "Operation",
    "Round",
    "SiteAssessment",
    "SiteAssessmentBreakdown",
    "SurveyChoice",
    "SurveyChoiceMonthly",
    "SurveyRefusal",
    "SurveySubmission",
]
