"""Survey figures: percentages of respondents per answer, for one operation and filters.

Multi-select answers are read from `SurveyChoice` (one row per selected option), so a
question's percentages may add up to more than 100 %. Surveys have no direction: the
direction filter does not apply to them. The sample is not statistically representative;
every output says so (`dtm/includes/survey_note.html`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from caminantes.accounts import policies
from caminantes.accounts.permissions import PLATFORM_ROLES, Perm
from caminantes.dtm.choices import GROUP_FIELDS, SurveyQuestion
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.dashboards.periods import split
from caminantes.dtm.models import (
    FlowMonitoringPoint,
    Operation,
    SurveyChoice,
    SurveyChoiceMonthly,
    SurveyRefusal,
    SurveySubmission,
)

QUESTIONS = (
    SurveyQuestion.REASONS,
    SurveyQuestion.NEEDS,
    SurveyQuestion.DOCUMENTS,
    SurveyQuestion.INCIDENTS,
    SurveyQuestion.TRANSIT,
)


@dataclass
class SurveyFigures:
    filters: Filters
    respondents: int = 0
    # question -> [(option code, respondents who chose it)], most chosen first
    answers: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    destinations: list[tuple[str, int]] = field(default_factory=list)
    sex: list[tuple[str, int]] = field(default_factory=list)
    nationalities: list[tuple[str, int]] = field(default_factory=list)
    with_children: int = 0
    # People asked who declined (consent = no): the response rate's other half.
    refusals: int = 0
    # single-select answers (legal_status, slept_last_night, intention, disability, pregnant,
    # intention_country) -> [(code, respondents)], most frequent first, blanks left out
    single: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # Those asked each question (the denominator of its shares): e.g. pregnancy: women.
    asked: dict[str, int] = field(default_factory=dict)
    # Travel group members by sex x age band, summed over the respondents who gave them
    group_sex_age: dict[str, int] = field(default_factory=dict)

    def percent(self, n: int) -> float:
        return 100 * n / self.respondents if self.respondents else 0.0

    @property
    def asked_total(self) -> int:
        return self.respondents + self.refusals

    @property
    def response_rate(self) -> float | None:
        """Share of the people asked who agreed; None when nobody was asked."""
        return 100 * self.respondents / self.asked_total if self.asked_total else None

    def share(self, question: str, n: int) -> float:
        asked = self.asked.get(question, 0)
        return 100 * n / asked if asked else 0.0


def submissions(user: Any, operation: Operation, filters: Filters) -> QuerySet[SurveySubmission]:
    qs = policies.visible(user, SurveySubmission, Perm.DTM_ANALYSE).filter(
        operation=operation,
        interviewed_on__gte=filters.start,
        interviewed_on__lte=filters.end,
    )
    if filters.point_ids:
        qs = qs.filter(point_id__in=filters.point_ids)
    if filters.country_id:
        qs = qs.filter(country_id=filters.country_id)
    return qs


def survey_figures(*, user: Any, operation: Operation, filters: Filters) -> SurveyFigures:
    fig = SurveyFigures(filters=filters)
    subs = submissions(user, operation, filters)
    profile = subs.values("sex", "nationality", "destination_country").annotate(
        n=Count("id"), kids=Count("id", filter=Q(children_in_group__gt=0))
    )
    sex: dict[str, int] = {}
    nat: dict[str, int] = {}
    dest: dict[str, int] = {}
    for row in profile.order_by():
        fig.respondents += row["n"]
        fig.with_children += row["kids"]
        sex[row["sex"]] = sex.get(row["sex"], 0) + row["n"]
        nat[row["nationality"]] = nat.get(row["nationality"], 0) + row["n"]
        if row["destination_country"]:
            code = row["destination_country"]
            dest[code] = dest.get(code, 0) + row["n"]
    fig.sex = _ranked(sex)
    fig.nationalities = _ranked(nat)
    fig.destinations = _ranked(dest)

    _single_answers(fig, subs)
    fig.refusals = refusals(user, operation, filters).count()

    fig.answers = {q.value: [] for q in QUESTIONS}
    counts: dict[tuple[str, str], int] = {}
    for row in _choice_counts(user, operation, filters, subs):
        key = (row["question"], row["option"])
        counts[key] = counts.get(key, 0) + (row["n"] or 0)
    for (question, option), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1])):
        fig.answers[question].append((option, n))
    return fig


SINGLE = ("legal_status", "slept_last_night", "intention", "intention_country", "disability",
          "pregnant")  # fmt: skip


def refusals(user: Any, operation: Operation, filters: Filters) -> QuerySet[SurveyRefusal]:
    qs = policies.visible(user, SurveyRefusal, Perm.DTM_ANALYSE).filter(
        operation=operation, asked_on__gte=filters.start, asked_on__lte=filters.end
    )
    if filters.point_ids:
        qs = qs.filter(point_id__in=filters.point_ids)
    return qs


def _single_answers(fig: SurveyFigures, subs: QuerySet[SurveySubmission]) -> None:
    """Shares of the single-select answers, each over those who answered it (pregnancy: the
    women; disability: those who answered the whole Washington Group set)."""
    # One pass over the interviews for every question and the travel group (one GROUP BY on
    # the answers together, summed per question here) instead of one scan per question:
    # seven scans of 200,000 interviews took a second on a loaded machine.
    asked_group = Q(group_female_18_59__isnull=False)
    rows = (
        subs.order_by()
        .values(*SINGLE)
        .annotate(n=Count("id"), **{f"sum_{f}": Sum(f, filter=asked_group) for f in GROUP_FIELDS})
    )
    counts: dict[str, dict[str, int]] = {name: {} for name in SINGLE}
    group = dict.fromkeys(GROUP_FIELDS, 0)
    for row in rows:
        for name in SINGLE:
            if row[name] != "":
                counts[name][row[name]] = counts[name].get(row[name], 0) + row["n"]
        for f in GROUP_FIELDS:
            group[f] += row[f"sum_{f}"] or 0
    for name in SINGLE:
        fig.single[name] = _ranked(counts[name])
        fig.asked[name] = sum(counts[name].values())
    fig.asked["intention_country"] = sum(
        n for code, n in fig.single["intention"] if code == "move_on"
    )
    fig.group_sex_age = group


def _choice_counts(
    user: Any, operation: Operation, filters: Filters, subs: QuerySet[SurveySubmission]
) -> list[dict[str, Any]]:
    """Respondents per (question, option): whole months from the monthly rollup, the days
    at the edges of the period from the choices themselves."""
    questions = [q.value for q in QUESTIONS]
    cut = split(filters.start, filters.end)
    rows: list[dict[str, Any]] = []
    if (edges := cut.edges_q("interviewed_on")) is not None:
        # The choices carry operation, point and date: filter on them, and keep only the
        # submissions this user may see (organisation, country, area) through the subquery.
        choices = SurveyChoice.objects.filter(edges, operation=operation, question__in=questions)
        if filters.point_ids:
            choices = choices.filter(point_id__in=filters.point_ids)
        if filters.country_id:
            choices = choices.filter(point__country_id=filters.country_id)
        if not _sees_whole_operation(user, operation):
            choices = choices.filter(submission_id__in=subs.order_by().values("pk"))
        rows += choices.values("question", "option").annotate(n=Count("id")).order_by()
    if (months := cut.months_q()) is not None:
        monthly = policies.visible(user, SurveyChoiceMonthly, Perm.DTM_ANALYSE).filter(
            months, operation=operation, question__in=questions
        )
        if filters.point_ids:
            monthly = monthly.filter(point_id__in=filters.point_ids)
        if filters.country_id:
            monthly = monthly.filter(country_id=filters.country_id)
        rows += monthly.values("question", "option").annotate(n=Sum("respondents")).order_by()
    return rows


def _sees_whole_operation(user: Any, operation: Operation) -> bool:
    """True when no country or area limit would hide part of the operation's surveys.

    Saves the join from a few hundred thousand choices to their submissions on the common
    case: an analyst of the organisation for every country of the operation.
    """
    countries = set(
        FlowMonitoringPoint.objects.filter(operation=operation).values_list("country_id", flat=True)
    ) | set(operation.countries.values_list("pk", flat=True))
    for grant in policies.grants(user):
        if Perm.DTM_ANALYSE not in grant.perms or grant.area_ids:
            continue
        if grant.role in PLATFORM_ROLES:
            return True
        if grant.organization_id == operation.organization_id and countries <= grant.country_ids:
            return True
    return False


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
