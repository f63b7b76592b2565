"""One flow monitoring survey in: `submit_survey(data, source=…)`.

`data` uses the XLSForm's field names (caminantes.dtm.xlsforms.build_xlsform.py) without
group prefixes; multi-select answers are lists or space-separated codes, as ODK sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caminantes.accounts.models import User
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm import rollup
from caminantes.dtm.choices import (
    CHILD_FIELDS,
    GROUP_FIELDS,
    LEGAL_STATUS_COUNTRY,
    SEX_AGE_FIELDS,
    TRANSIT_SLOTS,
    WG_DISABILITY,
    WG_DOMAINS,
    Document,
    Education,
    Employment,
    Incident,
    Intention,
    LegalStatus,
    MaritalStatus,
    Need,
    ReasonForLeaving,
    Sex,
    SleepingPlace,
    Source,
    SurveyQuestion,
    TransportMode,
    WgAnswer,
    YesNo,
)
from caminantes.dtm.intake import common
from caminantes.dtm.intake.common import (
    PointCache,
    Reader,
    Result,
    content_digest,
    country_code,
    require_collect,
    resolve_point,
)
from caminantes.dtm.intake.refusal import is_refusal, store_refusal, validate_refusal
from caminantes.dtm.models import (
    DtmImport,
    FlowMonitoringPoint,
    Operation,
    SurveyChoice,
    SurveySubmission,
)

# Multi-select questions and their options; transit countries are country codes, in order.
MULTI: dict[str, Any] = {
    SurveyQuestion.REASONS: ReasonForLeaving,
    SurveyQuestion.NEEDS: Need,
    SurveyQuestion.DOCUMENTS: Document,
    SurveyQuestion.INCIDENTS: Incident,
    SurveyQuestion.TRANSPORT: TransportMode,
    SurveyQuestion.TRANSIT: None,
}
# Options that exclude the others of the same question.
EXCLUSIVE = {"documents": {"none"}, "incidents": {"none", "refused"}}
YES_NO_FIELDS = (
    "children_left_behind",
    "intends_to_stay",
    "regular_entry",
    "asylum_sought",
    "health_problem",
    "sends_remittances",
    "pregnant",
)
CONSENT_YES = ("yes", "si", "sí", "sim", "1", "true")


@dataclass
class SurveyInput:
    uuid: Any
    point: FlowMonitoringPoint
    fields: dict[str, Any]
    choices: dict[str, list[str]]
    answers: dict[str, Any]
    digest: str


def validate_survey(
    data: dict[str, Any],
    *,
    user: User | None = None,
    operation: Operation | None = None,
    points: PointCache | None = None,
) -> SurveyInput:
    r = Reader(dict(data))
    submission = r.uuid()
    point = resolve_point(
        r.data.get("point"), user=user, operation=operation, reader=r, cache=points
    )
    consent = str(r.raw("consent") or "").lower()
    if consent not in CONSENT_YES:
        r.error("consent", _("Only interviews with consent are recorded."))
    age = r.integer("age", required=True, default=None)
    if age is not None and age < 18:
        r.error("age", _("The survey is for adults (18 or older)."))
    f: dict[str, Any] = {
        "interviewed_on": r.day("date"),
        "nationality": r.country("nationality", required=True),
        "sex": r.choice("sex", Sex, required=True),
        "age": age,
        "marital_status": r.choice("marital_status", MaritalStatus),
        "education": r.choice("education", Education),
        "employment_before": r.choice("employment_before", Employment),
        "employment_now": r.choice("employment_now", Employment),
        "origin_country": r.country("origin_country"),
        "origin_admin1": r.text("origin_admin1", 100),
        "departure_date": r.day("departure_date", required=False),
        "group_size": r.integer("group_size", default=1) or 1,
        "children_in_group": r.integer("children_in_group") or 0,
        "unaccompanied_children": r.integer("unaccompanied_children") or 0,
        "days_in_transit": r.integer("days_in_transit", default=None),
        "main_transport": r.choice("main_transport", TransportMode),
        "travel_cost_usd": r.integer("travel_cost_usd", default=None),
        "destination_country": r.country("destination_country"),
        "destination_admin1": r.text("destination_admin1", 100),
        "other_reason": r.text("other_reason"),
        "other_need": r.text("other_need"),
        "comments": r.text("comments", 2000),
    }
    for name in YES_NO_FIELDS:
        f[name] = r.choice(name, YesNo)
    _vulnerability(r, f, point)
    _intention(r, f, point)
    _travel_group(r, f)
    if f["children_in_group"] >= f["group_size"]:
        r.error("children_in_group", _("The group must include the adult interviewed."))
    if f["departure_date"] and f["interviewed_on"] and f["departure_date"] > f["interviewed_on"]:
        r.error("departure_date", _("The departure is after the interview."))
    choices: dict[str, list[str]] = {}
    for question, options in MULTI.items():
        asked = r.multi(question)
        if question == SurveyQuestion.TRANSIT:
            # The XLSForm asks them one by one (transit_country_1 …), in order.
            asked += [str(r.raw(f"transit_country_{i}")) for i in range(1, TRANSIT_SLOTS + 1)
                      if r.raw(f"transit_country_{i}") is not None]  # fmt: skip
        picked = list(dict.fromkeys(asked))
        if options is None:
            codes = [country_code(c) for c in picked]
            for raw, code in zip(picked, codes, strict=True):
                if code is None:
                    r.error(question, _("“%(value)s” is not a country code.") % {"value": raw})
            picked = [c for c in codes if c]
        else:
            for code in picked:
                if code not in options.values:
                    r.error(question, _("“%(value)s” is not one of the options.") % {"value": code})
            picked = [c for c in picked if c in options.values]
            alone = EXCLUSIVE.get(question, set()) & set(picked)
            if alone and len(picked) > 1:
                r.error(
                    question,
                    _("“%(value)s” cannot go with other answers.") % {"value": alone.pop()},
                )
        if picked:
            choices[question] = picked
    if r.errors:
        raise ValidationError(r.errors)
    assert submission and point
    answers = {
        k: v if isinstance(v, str | int | float | bool | list | None) else str(v)
        for k, v in data.items()
        if k != "point"
    }
    clean = {"point": str(point.uuid), "fields": f, "choices": choices}
    return SurveyInput(submission, point, f, choices, answers, content_digest(clean))


def _vulnerability(r: Reader, f: dict[str, Any], point: FlowMonitoringPoint | None) -> None:
    """Washington Group short set, pregnancy, status in the host country, last night."""
    for name, _domain in WG_DOMAINS:
        f[name] = r.choice(name, WgAnswer)
    answered = [f[name] for name, _domain in WG_DOMAINS if f[name]]
    if WG_DISABILITY & set(answered):
        f["disability"] = YesNo.YES.value
    elif len(answered) == len(WG_DOMAINS):
        f["disability"] = YesNo.NO.value
    else:
        f["disability"] = ""
    if f["pregnant"] == YesNo.YES and f["sex"] and f["sex"] != Sex.FEMALE:
        r.error("pregnant", _("Only asked to women."))
    f["legal_status"] = r.choice("legal_status", LegalStatus)
    only_in = LEGAL_STATUS_COUNTRY.get(f["legal_status"])
    if only_in and point is not None and point.country.iso2 != only_in:
        r.error("legal_status", _("This permit is not granted in %(country)s.")
                % {"country": point.country.name})  # fmt: skip
    f["slept_last_night"] = r.choice("slept_last_night", SleepingPlace)


def _intention(r: Reader, f: dict[str, Any], point: FlowMonitoringPoint | None) -> None:
    """Stay, move on to a named country, return, or not known yet."""
    f["intention"] = r.choice("intention", Intention)
    f["intention_country"] = r.country("intention_country")
    if f["intention"] == Intention.MOVE_ON:
        if not f["intention_country"]:
            r.error("intention_country", _("Say which country the person means to go to."))
        elif point is not None and f["intention_country"] == point.country.iso2:
            r.error("intention_country", _("Moving on means leaving this country."))
    elif f["intention_country"]:
        r.error("intention_country", _("Only for people who mean to move on."))


def _travel_group(r: Reader, f: dict[str, Any]) -> None:
    """The group by sex x age band (the respondent included), when the form asked it."""
    given = any(r.raw(name) is not None for name in GROUP_FIELDS)
    for name in GROUP_FIELDS:
        f[name] = (r.integer(name) or 0) if given else None
    if not given:
        return
    members = sum(f[name] or 0 for name in GROUP_FIELDS)
    children = sum(f[f"group_{name}"] or 0 for name in CHILD_FIELDS)
    if r.raw("group_size") is None:
        f["group_size"] = members
    if r.raw("children_in_group") is None:
        f["children_in_group"] = children
    if members != f["group_size"]:
        r.error("group_size", _("The members by sex and age add up to %(sum)d, but the group "
                                "has %(total)d people.") % {"sum": members,
                                                             "total": f["group_size"]})  # fmt: skip
    if children != f["children_in_group"]:
        r.error("children_in_group", _("The children by sex and age add up to %(sum)d, but "
                                       "%(total)d children are in the group.")
                % {"sum": children, "total": f["children_in_group"]})  # fmt: skip
    adults = sum(f[f"group_{n}"] or 0 for n in SEX_AGE_FIELDS if n not in CHILD_FIELDS)
    if members and not adults:
        r.error("group_size", _("The group must include the adult interviewed."))


# The content digest of each of these interview ids already stored, in one query; and
# whether an interview is stored with this content (Conflict when with another).
stored_digests = partial(common.stored_digests, SurveySubmission)
already_stored = partial(common.already_stored, SurveySubmission, common.SURVEY_REUSED)


def store_survey(
    survey: SurveyInput,
    *,
    source: str,
    user: User | None,
    import_batch: DtmImport | None = None,
    touched: set[tuple[int, date]] | None = None,
    stored: dict[Any, str] | None = None,
) -> Result:
    """Store one interview and its choices. The monthly rollup is refreshed here, or, when
    the caller passes `touched` (a file of many interviews), left to the caller with the
    (point_id, day) added to it. `stored` (from `stored_digests`) saves the query for an
    id already received."""
    point = survey.point
    with transaction.atomic():
        if touched is None:
            rollup.lock_points([point.pk])
        sub, created = common.store_once(
            SurveySubmission, common.SURVEY_REUSED, survey, stored=stored, user=user,
            source=source, import_batch=import_batch, consent=True, answers=survey.answers,
            **survey.fields,
        )  # fmt: skip
        if not created:
            return Result(sub, created=False)
        SurveyChoice.objects.bulk_create(
            SurveyChoice(
                submission=sub,
                question=question,
                option=option,
                position=i,
                operation_id=point.operation_id,
                point=point,
                interviewed_on=sub.interviewed_on,
            )
            for question, options in survey.choices.items()
            for i, option in enumerate(options, start=1)
        )
        key = (point.pk, sub.interviewed_on)
        if touched is None:
            rollup.refresh_surveys([key])
        else:
            touched.add(key)
    return Result(sub, created=True)


def submit_survey(
    data: dict[str, Any],
    *,
    source: str = Source.FORM,
    user: User | None = None,
    operation: Operation | None = None,
) -> Result:
    """The one door for a survey: web form, file import, OpenRosa. Same rules as counts.

    A person who declined (consent = no) is counted as a `SurveyRefusal` (point, date and
    submission id only) and nothing of the answers is read."""
    if is_refusal(data):
        refusal = validate_refusal(data, user=user, operation=operation)
        require_collect(user, refusal.point)
        result = store_refusal(refusal, source=source, user=user)
        if result.created:
            log(user, actions.CREATE, result.obj, organization=refusal.point.organization,
                source=source)  # fmt: skip
        return result
    survey = validate_survey(data, user=user, operation=operation)
    require_collect(user, survey.point)
    result = store_survey(survey, source=source, user=user)
    if result.created:
        log(user, actions.CREATE, result.obj, organization=survey.point.organization,
            source=source)  # fmt: skip
    return result
