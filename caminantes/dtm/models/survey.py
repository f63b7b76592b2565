"""Flow monitoring survey: one row per interview, one row per selected option."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caminantes.dtm.choices import (
    GROUP_FIELDS,
    WG_DOMAINS,
    Education,
    Employment,
    Intention,
    LegalStatus,
    MaritalStatus,
    Sex,
    SleepingPlace,
    SurveyQuestion,
    TransportMode,
    WgAnswer,
    YesNo,
)
from caminantes.dtm.models.flow import RollupScope
from caminantes.dtm.models.reference import FlowMonitoringPoint, Operation
from caminantes.geo.models import Country


def _yes_no(label: Any) -> models.CharField[str, str]:
    return models.CharField(label, max_length=10, choices=YesNo.choices, blank=True)


def _wg(label: Any) -> models.CharField[str, str]:
    return models.CharField(label, max_length=15, choices=WgAnswer.choices, blank=True)


def _group(label: Any) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(label, null=True, blank=True)


class SurveySubmission(models.Model):
    """An interview with a consenting adult at a flow monitoring point.

    Single-select answers are columns; multi-select answers are SurveyChoice rows. Countries
    are ISO 3166-1 alpha-2 codes. Write only through `dtm.intake.submit_survey`.
    """

    # Free text: never leaves in a microdata export.
    FREE_TEXT = (
        "origin_admin1",
        "destination_admin1",
        "other_reason",
        "other_need",
        "comments",
        "answers",
    )

    uuid = models.UUIDField(unique=True, editable=False)
    point = models.ForeignKey(
        FlowMonitoringPoint,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("flow monitoring point"),
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    interviewed_on = models.DateField(_("interview date"))
    consent = models.BooleanField(_("consent given"))
    # Profile
    nationality = models.CharField(_("nationality"), max_length=2)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age = models.PositiveSmallIntegerField(_("age"))
    marital_status = models.CharField(
        _("marital status"), max_length=12, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=15, choices=Education.choices, blank=True
    )
    employment_before = models.CharField(
        _("employment before leaving"), max_length=15, choices=Employment.choices, blank=True
    )
    employment_now = models.CharField(
        _("employment now"), max_length=15, choices=Employment.choices, blank=True
    )
    # Origin
    origin_country = models.CharField(_("country of origin"), max_length=2, blank=True)
    origin_admin1 = models.CharField(_("state or department of origin"), max_length=100, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    # Group
    group_size = models.PositiveSmallIntegerField(_("people travelling together"), default=1)
    children_in_group = models.PositiveSmallIntegerField(_("children in the group"), default=0)
    unaccompanied_children = models.PositiveSmallIntegerField(
        _("unaccompanied children met"), default=0
    )
    children_left_behind = _yes_no(_("children left behind"))
    # Route
    days_in_transit = models.PositiveSmallIntegerField(_("days in transit"), null=True, blank=True)
    main_transport = models.CharField(
        _("main transport mode"), max_length=12, choices=TransportMode.choices, blank=True
    )
    travel_cost_usd = models.PositiveIntegerField(
        _("cost of the journey (USD)"), null=True, blank=True
    )
    # Intentions
    destination_country = models.CharField(_("destination country"), max_length=2, blank=True)
    destination_admin1 = models.CharField(
        _("destination state or department"), max_length=100, blank=True
    )
    intends_to_stay = _yes_no(_("intends to stay at the destination"))
    # Documents and status
    regular_entry = _yes_no(_("entered through a regular crossing"))
    asylum_sought = _yes_no(_("has sought asylum"))
    # Health and remittances
    health_problem = _yes_no(_("health problem during the journey"))
    sends_remittances = _yes_no(_("sends money home"))
    # Vulnerability (issue 16 §5): the Washington Group short set, one column per domain;
    # `disability` is derived at intake: yes when any domain is "a lot" or "cannot do",
    # no when all six are answered without, blank when the set is incomplete.
    wg_seeing = _wg(_("difficulty seeing, even with glasses"))
    wg_hearing = _wg(_("difficulty hearing, even with a hearing aid"))
    wg_walking = _wg(_("difficulty walking or climbing steps"))
    wg_remembering = _wg(_("difficulty remembering or concentrating"))
    wg_selfcare = _wg(_("difficulty with self-care, such as washing or dressing"))
    wg_communicating = _wg(_("difficulty communicating in the usual language"))
    disability = _yes_no(_("disability (Washington Group)"))
    pregnant = _yes_no(_("pregnant or lactating"))
    legal_status = models.CharField(
        _("status in the host country"), max_length=20, choices=LegalStatus.choices, blank=True
    )
    slept_last_night = models.CharField(
        _("where the person slept last night"),
        max_length=15,
        choices=SleepingPlace.choices,
        blank=True,
    )
    intention = models.CharField(
        _("intention"), max_length=10, choices=Intention.choices, blank=True
    )
    intention_country = models.CharField(_("country to move on to"), max_length=7, blank=True)
    # Travel group members by sex x age band (the respondent included); null: not asked.
    group_female_0_5 = _group(_("girls 0-5 in the group"))
    group_female_6_17 = _group(_("girls 6-17 in the group"))
    group_female_18_59 = _group(_("women 18-59 in the group"))
    group_female_60_plus = _group(_("women 60+ in the group"))
    group_male_0_5 = _group(_("boys 0-5 in the group"))
    group_male_6_17 = _group(_("boys 6-17 in the group"))
    group_male_18_59 = _group(_("men 18-59 in the group"))
    group_male_60_plus = _group(_("men 60+ in the group"))
    other_reason = models.CharField(_("other reason (text)"), max_length=300, blank=True)
    other_need = models.CharField(_("other need (text)"), max_length=300, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    answers = models.JSONField(_("submission as received"), default=dict, blank=True)
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10)
    import_batch = models.ForeignKey(
        "dtm.DtmImport", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-interviewed_on"]
        verbose_name = _("flow monitoring survey")
        verbose_name_plural = _("flow monitoring surveys")
        indexes = [
            models.Index(fields=["operation", "interviewed_on"], name="dtm_survey_op_day"),
            models.Index(fields=["point", "interviewed_on"], name="dtm_survey_point_day"),
        ]
        constraints = [
            # Interviews are with adults only.
            models.CheckConstraint(condition=Q(age__gte=18), name="dtm_survey_adult"),
            models.CheckConstraint(condition=Q(consent=True), name="dtm_survey_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.interviewed_on}"

    @property
    def wg_answers(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, _domain in WG_DOMAINS}

    @property
    def group_by_sex_age(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in GROUP_FIELDS}


class SurveyRefusal(models.Model):
    """A person asked for the survey who declined (consent = no): nothing about them is
    kept but where and when, so that outputs can give the response rate.

    `uuid` is the submission id of the refusal (ODK instanceID, Kobo _uuid): a resend or the
    same export imported again counts it once."""

    uuid = models.UUIDField(unique=True, editable=False)
    point = models.ForeignKey(
        FlowMonitoringPoint, on_delete=models.PROTECT, related_name="refusals"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    asked_on = models.DateField(_("date"))
    source = models.CharField(max_length=10)
    import_batch = models.ForeignKey(
        "dtm.DtmImport", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-asked_on"]
        verbose_name = _("survey refusal")
        verbose_name_plural = _("survey refusals")
        indexes = [models.Index(fields=["operation", "asked_on"], name="dtm_refusal_op_day")]

    def __str__(self) -> str:
        return f"{self.point} {self.asked_on}"


class SurveyChoice(models.Model):
    """One selected option of a multi-select question; `position` keeps order (transit)."""

    submission = models.ForeignKey(
        SurveySubmission, on_delete=models.CASCADE, related_name="choices"
    )
    question = models.CharField(max_length=20, choices=SurveyQuestion.choices)
    option = models.CharField(max_length=30)
    position = models.PositiveSmallIntegerField(default=0)
    # Copied from the submission: dashboards filter by operation, point and date.
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    point = models.ForeignKey(FlowMonitoringPoint, on_delete=models.PROTECT, related_name="+")
    interviewed_on = models.DateField()

    class Meta:
        ordering = ["submission", "question", "position"]
        indexes = [
            # The survey dashboard reads the days at the edges of a period here.
            models.Index(fields=["operation", "interviewed_on"], name="dtm_choice_op_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question", "option"], name="dtm_choice_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.option}"


class SurveyChoiceMonthly(RollupScope):
    """Rollup of SurveyChoice: respondents per point, month, question and option.

    Maintained by `dtm.rollup` only; the survey dashboard reads whole months here and the
    days at the edges of its period from SurveyChoice.
    """

    month = models.DateField()
    question = models.CharField(max_length=20, choices=SurveyQuestion.choices)
    option = models.CharField(max_length=30)
    respondents = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["operation", "month"], name="dtm_choicemonth_op_month"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "month", "question", "option"], name="dtm_choicemonth_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.month:%Y-%m} {self.question}={self.option}"
