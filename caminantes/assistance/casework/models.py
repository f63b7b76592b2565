"""Relocation cases and their steps; health, food and cash service records; livelihood
activities; the request ids of writes a client may send again.

No model here holds clinical detail or free-text notes about a person's health: a service
record says what kind of service was given, when, where and how much, nothing more.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.assistance.models import DeliveryMechanism, ServiceDelivery
from caminantes.assistance.transport.models import Trip
from caminantes.geo.models import Country, Place
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import Household, Person

FIRST_FOLLOW_UP_DAYS = 30
SECOND_FOLLOW_UP_DAYS = 90
MAX_VALUE = 100_000_000  # a transfer above this is a typing mistake, not aid
MAX_QUANTITY = 10_000


class Modality(models.TextChoices):
    """Brazil's interiorization modalities."""

    INSTITUTIONAL_SHELTER = "institutional_shelter", _("Institutional shelter")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    SOCIAL_REUNION = "social_reunion", _("Social reunion")
    JOB_OFFER = "job_offer", _("Signalled job offer")


class Stage(models.TextChoices):
    """Where a case is: the last step taken (`arrived`: arrival confirmed; `follow_up_30`:
    the 30-day visit made)."""

    ELIGIBILITY = "eligibility", _("Eligibility")
    PRE_DEPARTURE = "pre_departure", _("Pre-departure")
    TRAVEL = "travel", _("Travelling")
    ARRIVED = "arrived", _("Arrived")
    FOLLOW_UP_30 = "follow_up_30", _("30-day follow-up done")
    FOLLOW_UP_90 = "follow_up_90", _("90-day follow-up done")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STAGES = [s for s in Stage.values if s not in (Stage.CLOSED, Stage.CANCELLED)]


class CancelReason(models.TextChoices):
    WITHDREW = "withdrew", _("The household withdrew")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    HOST_WITHDREW = "host_withdrew", _("The host or employer withdrew")
    UNREACHABLE = "unreachable", _("The household cannot be reached")
    OTHER = "other", _("Other")


class VisitOutcome(models.TextChoices):
    SETTLED = "settled", _("Settled at the destination")
    SETTLED_WORKING = "settled_working", _("Settled and working")
    MOVED_ON = "moved_on", _("Moved on from the destination")
    UNREACHABLE = "unreachable", _("Could not be reached")


class RelocationCase(PublicIdModel):
    """A household's voluntary relocation to another city, from eligibility to the 90-day
    follow-up visit."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    modality = models.CharField(_("modality"), max_length=24, choices=Modality.choices)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.ELIGIBILITY
    )
    destination = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination city")
    )
    host_name = models.CharField(_("host or employer"), max_length=120)
    host_contact = models.CharField(_("host or employer contact"), max_length=120)
    health_check_on = models.DateField(_("health check done on"), null=True, blank=True)
    trip = models.ForeignKey(
        Trip, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("humanitarian transport trip"),
    )  # fmt: skip
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    follow_up_30_on = models.DateField(_("30-day visit on"), null=True, blank=True)
    follow_up_30_outcome = models.CharField(max_length=16, choices=VisitOutcome.choices,
                                            blank=True)  # fmt: skip
    follow_up_90_on = models.DateField(_("90-day visit on"), null=True, blank=True)
    follow_up_90_outcome = models.CharField(max_length=16, choices=VisitOutcome.choices,
                                            blank=True)  # fmt: skip
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=16, choices=CancelReason.choices,
                                     blank=True)  # fmt: skip
    delivery = models.ForeignKey(
        ServiceDelivery, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("relocation case")
        verbose_name_plural = _("relocation cases")
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(stage__in=OPEN_STAGES),
                name="casework_one_open_relocation_per_household",
            ),
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True) | Q(departed_on__isnull=False),
                name="casework_relocation_arrives_after_departing",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["organization", "country", "stage", "arrived_on"])]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} → {self.destination_id}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def follow_up_30_due(self) -> date | None:
        return self.arrived_on + timedelta(days=FIRST_FOLLOW_UP_DAYS) if self.arrived_on else None

    @property
    def follow_up_90_due(self) -> date | None:
        return self.arrived_on + timedelta(days=SECOND_FOLLOW_UP_DAYS) if self.arrived_on else None

    @property
    def next_visit_due(self) -> date | None:
        """The date of the visit the case waits for, if it waits for one."""
        if self.stage == Stage.ARRIVED:
            return self.follow_up_30_due
        if self.stage == Stage.FOLLOW_UP_30:
            return self.follow_up_90_due
        return None


class RelocationStep(models.Model):
    """One stage a case went through: when, by whom (the case's history)."""

    case = models.ForeignKey(RelocationCase, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage}"


class ServiceKind(models.TextChoices):
    CONSULTATION = "consultation", _("Health consultation")
    VACCINATION = "vaccination", _("Vaccination")
    HOSPITAL_REFERRAL = "hospital_referral", _("Referral to hospital")
    MHPSS_SESSION = "mhpss_session", _("Mental health and psychosocial session")
    HOT_MEALS = "hot_meals", _("Hot meals")
    FOOD_KIT = "food_kit", _("Food kit")
    FOOD_VOUCHER = "food_voucher", _("Food voucher")
    MULTIPURPOSE_CASH = "multipurpose_cash", _("Multipurpose cash")


HEALTH_KINDS = [ServiceKind.CONSULTATION, ServiceKind.VACCINATION,
                ServiceKind.HOSPITAL_REFERRAL, ServiceKind.MHPSS_SESSION]  # fmt: skip
FOOD_KINDS = [ServiceKind.HOT_MEALS, ServiceKind.FOOD_KIT, ServiceKind.FOOD_VOUCHER]
# Cash and voucher assistance: recorded with a value, a currency and a delivery mechanism.
CVA_KINDS = [ServiceKind.FOOD_VOUCHER, ServiceKind.MULTIPURPOSE_CASH]


class ServiceRecord(PublicIdModel):
    """A health or food service, or a cash or voucher transfer, given to a household or one
    of its people. Recorded, not paid: nothing here moves money."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("person"),
    )  # fmt: skip
    kind = models.CharField(_("service"), max_length=20, choices=ServiceKind.choices)
    served_on = models.DateField(_("date"))
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("place"),
    )  # fmt: skip
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True,
                                blank=True)  # fmt: skip
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    mechanism = models.CharField(_("delivery mechanism"), max_length=20,
                                 choices=DeliveryMechanism.choices, blank=True)  # fmt: skip
    delivery = models.ForeignKey(ServiceDelivery, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-served_on", "-pk"]
        verbose_name = _("service record")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="casework_record_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gt=0),
                name="casework_record_value_positive",
            ),
        ]
        indexes = [models.Index(fields=["household", "served_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.served_on}"

    @property
    def is_cva(self) -> bool:
        return self.kind in CVA_KINDS


class LivelihoodKind(models.TextChoices):
    TRAINING = "training", _("Training")
    JOB_PLACEMENT = "job_placement", _("Job placement")
    SEED_CAPITAL = "seed_capital", _("Seed capital")
    CERTIFICATION = "certification", _("Skills certification")


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped out")
    EMPLOYED = "employed", _("Employed")
    NOT_EMPLOYED = "not_employed", _("Not employed")
    BUSINESS_ACTIVE = "business_active", _("Business active")
    BUSINESS_CLOSED = "business_closed", _("Business closed")
    CERTIFIED = "certified", _("Certified")
    NOT_CERTIFIED = "not_certified", _("Not certified")


# The outcomes that make sense for each kind of activity.
OUTCOMES = {
    LivelihoodKind.TRAINING: [Outcome.COMPLETED, Outcome.DROPPED, Outcome.EMPLOYED,
                              Outcome.NOT_EMPLOYED],
    LivelihoodKind.JOB_PLACEMENT: [Outcome.EMPLOYED, Outcome.NOT_EMPLOYED, Outcome.DROPPED],
    LivelihoodKind.SEED_CAPITAL: [Outcome.BUSINESS_ACTIVE, Outcome.BUSINESS_CLOSED],
    LivelihoodKind.CERTIFICATION: [Outcome.CERTIFIED, Outcome.NOT_CERTIFIED, Outcome.DROPPED],
}  # fmt: skip


class LivelihoodActivity(PublicIdModel):
    """A person's training, job placement, seed capital or skills certification, and what
    came of it at the follow-up."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))  # fmt: skip
    kind = models.CharField(_("activity"), max_length=16, choices=LivelihoodKind.choices)
    title = models.CharField(_("course, employer or business"), max_length=120)
    started_on = models.DateField(_("started on"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True,
                                blank=True)  # fmt: skip
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    mechanism = models.CharField(_("delivery mechanism"), max_length=20,
                                 choices=DeliveryMechanism.choices, blank=True)  # fmt: skip
    follow_up_on = models.DateField(_("follow-up due on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome recorded on"), null=True, blank=True)
    months_employed = models.PositiveSmallIntegerField(
        _("employed after (months)"), null=True, blank=True
    )
    delivery = models.ForeignKey(ServiceDelivery, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("livelihood activity")
        verbose_name_plural = _("livelihood activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__gt=models.F("started_on")),
                name="casework_livelihood_follow_up_after_start",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gt=0),
                name="casework_livelihood_value_positive",
            ),
        ]
        indexes = [models.Index(fields=["organization", "country", "follow_up_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_on}"


class CaseworkRequest(models.Model):
    """A write made with a client's request id: the id (unique), the digest of what was
    asked, and what it made, so a re-send answers the same and a reuse is refused."""

    uuid = models.UUIDField(unique=True)
    sha256 = models.CharField(max_length=64)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(RelocationCase, on_delete=models.PROTECT, null=True,
                             related_name="+")  # fmt: skip
    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, null=True,
                               related_name="+")  # fmt: skip
    activity = models.ForeignKey(LivelihoodActivity, on_delete=models.PROTECT, null=True,
                                 related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.uuid)
