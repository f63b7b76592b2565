"""Survey microdata for authorised analysts: free text out, quasi-identifiers generalised.

Only holders of DTM_MICRODATA get it, through the access policy. Free-text fields
(`SurveySubmission.FREE_TEXT`), ids, enumerators and the raw submission never leave. The
quasi-identifiers (interview date, point, nationality, sex, age, country of origin, and the
travel group: its size, its children, unaccompanied children, and its members by sex x age
band) are coarsened record by record by `kanon.anonymise` until every combination is shared
by at least K respondents, the rest suppressed; protection incidents, and the health and
status answers (pregnancy, disability and the six Washington Group domains, status in the
host country), are withheld where a combination would reveal them (l-diversity). Intentions
and where the person slept are released as they are. The
export states the k it reached, how many interviews are at each level of each
quasi-identifier, how many were suppressed and how many incident answers were withheld, and
it is audited with the same.
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
from caminantes.dtm.choices import (
    WG_DISABILITY,
    WG_DOMAINS,
    Incident,
    LegalStatus,
    SurveyQuestion,
)
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
    "intention",
    "intention_country",
    "slept_last_night",
)
# The travel group by sex x age band (issue 16 §5): who travels with her, so quasi-identifiers
# too, coarsened as the children in the group are (0, 1, 2+ -> none or some -> withheld).
GROUP = tuple(
    f"group_{sex}_{band}" for sex in ("female", "male") for band in ("0_5", "6_17", "18_59",
                                                                       "60_plus")
)  # fmt: skip
# Who the respondent is and who travels with her: together these can single someone out.
QUASI = (
    "interviewed_on", "point", "nationality", "origin_country", "sex", "age",
    "group_size", "children_in_group", "unaccompanied_children", *GROUP,
)  # fmt: skip
# Answers that must never be the same for a whole combination (l-diversity), and the
# options that, chosen by everyone in one, would tell each of them apart.
SENSITIVE = {
    "incidents": {
        Incident.SEXUAL_VIOLENCE.value, Incident.HELD.value, Incident.UNPAID_WORK.value,
        Incident.ASSAULT.value, Incident.EXTORTION.value, Incident.THEFT.value,
        Incident.DISCRIMINATION.value,
    },
    # Health and status (issue 16 §5): released only where a combination shows at least
    # L_DIVERSITY answers and not everyone in it gave the revealing one.
    "pregnant": {"yes"},
    "disability": {"yes"},
    **{column: set(WG_DISABILITY) for column, _domain in WG_DOMAINS},
    "legal_status": {LegalStatus.IRREGULAR.value, LegalStatus.ASYLUM_SEEKER.value,
                     LegalStatus.REFUGEE.value},
}  # fmt: skip
L_DIVERSITY = 2
MULTI = tuple(q.value for q in SurveyQuestion)


@dataclass
class MicrodataExport:
    table: Table
    result: kanon.Result


def quasi_identifiers(point_country: dict[str, str]) -> list[kanon.QuasiIdentifier]:
    """Most detailed rung first. The month is the coarsest the interview date goes: it is
    never withheld (a record that needs more is suppressed instead)."""
    Q = kanon.QuasiIdentifier
    people = kanon.banded([(1, 1, "1"), (2, 2, "2"), (3, 4, "3-4"), (5, None, "5+")])
    alone = kanon.banded([(1, 1, "1"), (2, None, "2+")])
    children = kanon.banded([(0, 0, "0"), (1, 2, "1-2"), (3, None, "3+")])
    any_children = kanon.banded([(0, 0, "0"), (1, None, "1+")])
    few = kanon.banded([(0, 0, "0"), (1, 1, "1"), (2, None, "2+")])
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
        Q("interviewed_on", (kanon.iso_day, kanon.iso_week, kanon.month),
          ("day", "ISO week", "month")),
        Q("group_size", (people, alone, kanon.withheld),
          ("1, 2, 3-4, 5+", "alone or not", "withheld")),
        Q("children_in_group", (children, any_children, kanon.withheld),
          ("0, 1-2, 3+", "none or some", "withheld")),
        Q("unaccompanied_children", (any_children, kanon.withheld),
          ("none or some", "withheld")),
        *(Q(column, (few, any_children, kanon.withheld), ("0, 1, 2+", "none or some", "withheld"))
          for column in GROUP),
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
    # The travel group's columns are read as they are (and were missing before: the group
    # quasi-identifiers went out empty); the sensitive single answers likewise.
    group = ("group_size", "children_in_group", "unaccompanied_children", *GROUP)
    single = tuple(c for c in SENSITIVE if c not in MULTI)
    records: list[dict[str, Any]] = []
    index: dict[int, dict[str, Any]] = {}
    for row in qs.order_by("interviewed_on", "pk").values(*fields, *ATTRIBUTES, *group, *single):
        record = {key: row[key] for key in (*ATTRIBUTES, *group, *single)}
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
    result = kanon.anonymise(
        records, quasi_identifiers(point_country), k=k, sensitive=SENSITIVE, diversity=L_DIVERSITY
    )
    columns = [*QUASI, *ATTRIBUTES, *single, *MULTI]
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
    diverse = _(
        "Sensitive answers (%(columns)s) show at least %(l)s different values in every "
        "combination and no incident shared by all of its members; withheld to ensure it: "
        "%(counts)s."
    ) % {
        "columns": ", ".join(SENSITIVE),
        "l": L_DIVERSITY,
        "counts": ", ".join(f"{c} {n}" for c, n in result.diversity_withheld.items()),
    }
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
        (_("l-diversity"), diverse),
        (_("Free text"), removed),
        (_("Representativeness"), sample),
    ]
    return MicrodataExport(Table("surveys", columns, rows, notes=notes), result)
