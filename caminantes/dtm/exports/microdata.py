"""Survey microdata for authorised analysts: free text out, quasi-identifiers generalised.

Only holders of DTM_MICRODATA get it, through the access policy. Free-text fields
(`SurveySubmission.FREE_TEXT`), ids, enumerators and the raw submission never leave. The
quasi-identifiers (interview date, point, nationality, sex, age, country of origin) are
widened by `kanon.anonymise` until every combination is shared by at least K respondents;
the rest are suppressed. The export states the k it reached, the level of each
quasi-identifier and how many interviews were suppressed, and it is audited with the same.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.dtm.choices import SurveyQuestion
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.exports import kanon
from caminantes.dtm.models import FlowMonitoringPoint, Operation, SurveyChoice, SurveySubmission
from caminantes.lib.tables import Table

K = 5
# Answers that describe the journey rather than the person: released as they are.
ATTRIBUTES = (
    "marital_status",
    "education",
    "employment_before",
    "employment_now",
    "group_size",
    "children_in_group",
    "unaccompanied_children",
    "children_left_behind",
    "days_in_transit",
    "main_transport",
    "travel_cost_usd",
    "destination_country",
    "intends_to_stay",
    "regular_entry",
    "asylum_sought",
    "health_problem",
    "sends_remittances",
)
QUASI = ("interviewed_on", "point", "nationality", "origin_country", "sex", "age")
MULTI = tuple(q.value for q in SurveyQuestion)


@dataclass
class MicrodataExport:
    table: Table
    result: kanon.Result


def quasi_identifiers(point_country: dict[str, str]) -> list[kanon.QuasiIdentifier]:
    Q = kanon.QuasiIdentifier
    return [
        Q("age", (kanon.age_band(5), kanon.age_band(10), kanon.age_band(20), kanon.withheld),
          ("5-year bands", "10-year bands", "20-year bands", "withheld")),
        Q("sex", (kanon.identity, kanon.withheld), ("as answered", "withheld")),
        Q("nationality", (kanon.identity, kanon.venezuelan_or_other, kanon.withheld),
          ("country", "Venezuelan or other", "withheld")),
        Q("origin_country", (kanon.identity, kanon.venezuelan_or_other, kanon.withheld),
          ("country", "Venezuela or other", "withheld")),
        Q("point", (kanon.identity, kanon.mapped(point_country), kanon.withheld),
          ("point", "country", "withheld")),
        Q("interviewed_on", (kanon.iso_day, kanon.iso_week, kanon.month, kanon.withheld),
          ("day", "ISO week", "month", "withheld")),
    ]  # fmt: skip


def _require(user: Any, operation: Operation) -> None:
    if not policies.has_perm(user, Perm.DTM_MICRODATA, organization_id=operation.organization_id):
        log(
            user,
            actions.ACCESS_DENIED,
            operation,
            Outcome.DENIED,
            permission=Perm.DTM_MICRODATA.value,
        )
        raise PermissionDenied(_("Your roles do not allow this here."))


def survey_microdata(
    *, user: Any, operation: Operation, filters: Filters, file_format: str, k: int = K
) -> MicrodataExport:
    _require(user, operation)
    qs = policies.visible(user, SurveySubmission, Perm.DTM_MICRODATA).filter(
        operation=operation,
        interviewed_on__gte=filters.start,
        interviewed_on__lte=filters.end,
    )
    if filters.point_ids:
        qs = qs.filter(point_id__in=filters.point_ids)
    fields = ("pk", "interviewed_on", "point__code", "nationality", "origin_country", "sex", "age")
    records: list[dict[str, Any]] = []
    index: dict[int, dict[str, Any]] = {}
    for row in qs.order_by("interviewed_on", "pk").values(*fields, *ATTRIBUTES):
        record = {key: row[key] for key in ATTRIBUTES}
        record.update(
            interviewed_on=row["interviewed_on"],
            point=row["point__code"],
            nationality=row["nationality"],
            origin_country=row["origin_country"],
            sex=row["sex"],
            age=row["age"],
        )
        records.append(record)
        index[row["pk"]] = record
    picked: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    choices = SurveyChoice.objects.filter(submission_id__in=qs.order_by().values("pk"))
    for sub_id, question, option in choices.order_by(
        "submission_id", "question", "position"
    ).values_list("submission_id", "question", "option"):
        picked[sub_id][question].append(option)
    for pk, record in index.items():
        for question in MULTI:
            record[question] = ";".join(picked[pk].get(question, []))
    point_country = dict(
        FlowMonitoringPoint.objects.filter(operation=operation).values_list("code", "country__iso2")
    )
    result = kanon.anonymise(records, quasi_identifiers(point_country), k=k)
    columns = [*QUASI, *ATTRIBUTES, *MULTI]
    rows = [[r.get(c, "") for c in columns] for r in result.records]
    log(
        user,
        actions.EXPORT,
        SurveySubmission,
        rows=len(rows),
        file_format=file_format,
        operation=str(operation.uuid),
        k=result.k,
        suppressed=result.suppressed,
        **filters.describe(),
    )
    reached = _(
        "k = %(k)s: every combination of the quasi-identifiers is shared by at least "
        "%(k)s respondents (target %(target)s)."
    ) % {"k": result.k, "target": k}
    removed = _(
        "Removed: open answers, place names typed by hand, comments and the raw submission."
    )
    sample = _(
        "Survey results describe the people interviewed at the flow monitoring points. The "
        "sample is not statistically representative of all people on the move: do not "
        "extrapolate the percentages to the whole population."
    )
    notes = [
        (_("k-anonymity"), reached),
        (_("Quasi-identifiers"), "; ".join(f"{c}: {lvl}" for c, lvl in result.levels.items())),
        (_("Suppressed interviews"), f"{result.suppressed} / {result.total}"),
        (_("Free text"), removed),
        (_("Representativeness"), sample),
    ]
    return MicrodataExport(Table("surveys", columns, rows, notes=notes), result)
