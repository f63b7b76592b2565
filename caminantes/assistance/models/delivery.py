"""Who was served: one row per delivery of any kind of assistance (kits, shelter nights,
seats, referrals completed, cash, trainings), with the people it reached. Written only by
`assistance.delivery.record`; the 5W and "people reached" are computed from here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import Country, Place
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import Household, Person, PopulationType, Sex


class Modality(models.TextChoices):
    IN_KIND = "in_kind", _("In kind")
    CASH = "cash", _("Cash")
    VOUCHER = "voucher", _("Voucher")
    SERVICE = "service", _("Service")


class DeliveryMechanism(models.TextChoices):
    """How cash or a voucher reaches people: R4V's list of CVA delivery mechanisms."""

    BANK_ACCOUNT = "bank_account", _("Bank account")
    MOBILE_MONEY = "mobile_money", _("Mobile money")
    PREPAID_CARD = "prepaid_card", _("Prepaid card")
    OVER_THE_COUNTER = "over_the_counter", _("Over-the-counter collection")
    CASH_IN_HAND = "cash_in_hand", _("Cash in hand")
    CARDLESS_ATM = "cardless_atm", _("Cardless ATM")
    VOUCHER = "voucher", _("Voucher")
    OTHER = "other", _("Other")


class ServiceDelivery(PublicIdModel):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, related_name="deliveries"
    )
    sector = models.CharField(_("sector"), max_length=40)
    indicator = models.CharField(_("indicator"), max_length=80)
    delivered_at = models.DateTimeField(_("delivered at"))
    quantity = models.PositiveIntegerField(_("quantity"))
    modality = models.CharField(_("modality"), max_length=10, choices=Modality.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True)
    # Cash and voucher assistance (CVA): the value's ISO 4217 currency and how it reached
    # people (R4V's delivery mechanisms); empty for in-kind and services.
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    mechanism = models.CharField(
        _("delivery mechanism"), max_length=20, choices=DeliveryMechanism.choices, blank=True,
        default="",
    )  # fmt: skip
    # What was delivered (a stock issue, a stay, a seat), by label and public id.
    ref_type = models.CharField(max_length=80, blank=True)
    ref_uuid = models.UUIDField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_at"]
        indexes = [models.Index(fields=["organization", "country", "sector", "delivered_at"])]

    def __str__(self) -> str:
        return f"{self.sector}/{self.indicator} {self.delivered_at:%Y-%m-%d}"


class ServiceDeliveryPerson(models.Model):
    """One person reached: registered (`person`) or counted only by sex, age and population."""

    delivery = models.ForeignKey(ServiceDelivery, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, related_name="+")
    sex = models.CharField(max_length=1, choices=Sex.choices)
    age = models.PositiveSmallIntegerField(null=True)
    population_type = models.CharField(max_length=20, choices=PopulationType.choices)

    def __str__(self) -> str:
        return f"{self.sex} {self.age}"
