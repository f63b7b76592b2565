"""Households and the people in them: their documents and phones."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.geo.models import AdminArea, Country
from caminantes.lib.models import PublicIdModel
from caminantes.registry import lookups  # noqa: F401  (registers JSONField.has_any_token)


class Versioned(models.Model):
    """Optimistic locking: an update names the version it was based on, or gets a 409."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PopulationType(models.TextChoices):
    IN_DESTINATION = "in_destination", _("In destination")
    IN_TRANSIT = "in_transit", _("In transit")
    PENDULAR = "pendular", _("Pendular")
    RETURNEE = "returnee", _("Returnee")
    HOST_COMMUNITY = "host_community", _("Host community")


class Household(PublicIdModel, Versioned):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MOVED = "moved", _("Moved on")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("registering organisation"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    admin_area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area of registration"),
    )
    focal_point = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("focal point"),
    )
    current_area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current area"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    population_type = models.CharField(
        _("population type"), max_length=20, choices=PopulationType.choices
    )
    arrival_date = models.DateField(_("arrival in the country"), null=True, blank=True)
    destination_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intended destination country"),
    )
    destination_area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intended destination area"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["organization", "country", "status"]),
            models.Index(fields=["country", "population_type"]),
        ]

    def __str__(self) -> str:
        return str(self.uuid)[:8]

    @property
    def code(self) -> str:
        """A short, readable reference for the family (not a secret, not an identifier)."""
        return str(self.uuid)[:8].upper()


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "O", _("Other")
    # Chosen when the person does not say or the registrar cannot ask: never a guess.
    UNKNOWN = "U", _("Unknown")


class Relationship(models.TextChoices):
    FOCAL_POINT = "focal_point", _("Focal point")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Son or daughter")
    STEPCHILD = "stepchild", _("Stepson or stepdaughter")
    PARENT = "parent", _("Father or mother")
    SIBLING = "sibling", _("Brother or sister")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NOT_RELATED = "not_related", _("Not related")


class Difficulty(models.TextChoices):
    """Washington Group short set answer scale."""

    NONE = "none", _("No difficulty")
    SOME = "some", _("Some difficulty")
    A_LOT = "a_lot", _("A lot of difficulty")
    CANNOT = "cannot", _("Cannot do at all")


class SpecificNeed(models.TextChoices):
    UASC = "uasc", _("Unaccompanied or separated child")
    SINGLE_CAREGIVER = "single_caregiver", _("Single caregiver")
    PREGNANT_LACTATING = "pregnant_lactating", _("Pregnant or lactating")
    OLDER_AT_RISK = "older_at_risk", _("Older person at risk")
    SERIOUS_MEDICAL = "serious_medical", _("Serious medical condition")


WG_DOMAINS = ["seeing", "hearing", "walking", "cognition", "self_care", "communication"]


class Person(PublicIdModel, Versioned):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    relationship = models.CharField(
        _("relationship to the focal point"), max_length=20, choices=Relationship.choices
    )
    given_names = models.CharField(_("given names"), max_length=120)
    first_surname = models.CharField(_("first surname"), max_length=80, blank=True)
    second_surname = models.CharField(_("second surname"), max_length=80, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(_("date of birth estimated"), default=False)
    nationalities = models.ManyToManyField(
        Country, blank=True, related_name="+", verbose_name=_("nationalities")
    )
    birth_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country of birth"),
    )
    birth_area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("state of birth"),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Washington Group short set: one answer per domain, blank when not asked.
    wg_seeing = models.CharField(_("seeing"), max_length=8, choices=Difficulty.choices, blank=True)
    wg_hearing = models.CharField(
        _("hearing"), max_length=8, choices=Difficulty.choices, blank=True
    )
    wg_walking = models.CharField(
        _("walking"), max_length=8, choices=Difficulty.choices, blank=True
    )
    wg_cognition = models.CharField(
        _("remembering or concentrating"), max_length=8, choices=Difficulty.choices, blank=True
    )
    wg_self_care = models.CharField(
        _("self-care"), max_length=8, choices=Difficulty.choices, blank=True
    )
    wg_communication = models.CharField(
        _("communicating"), max_length=8, choices=Difficulty.choices, blank=True
    )
    specific_needs = models.JSONField(_("specific needs"), default=list, blank=True)
    # Search support, maintained by services.index_person: the folded full name, and the
    # word, sound ("~") and prefix ("^") keys of every name (lib.names.search_keys), which
    # PostgreSQL indexes with GIN so that a search intersects the people of each word.
    search_name = models.CharField(max_length=300, blank=True, db_index=True)
    search_tokens = models.JSONField(default=list, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Set by the identity module when a reviewer decides this record is the same person as
    # another: the record, its history and its services stay; searches and duplicate checks
    # show the survivor instead. Undoing the merge clears it.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["birth_date"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)

    def age_on(self, day: date | None = None) -> int | None:
        if self.birth_date is None:
            return None
        day = day or timezone.localdate()
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def age(self) -> int | None:
        return self.age_on()

    @property
    def specific_need_labels(self) -> list[str]:
        return [str(SpecificNeed(n).label) for n in self.specific_needs if n in SpecificNeed.values]

    @property
    def has_disability(self) -> bool:
        """WG recommended cut-off: at least one domain 'a lot of difficulty' or worse."""
        return any(
            getattr(self, f"wg_{d}") in (Difficulty.A_LOT, Difficulty.CANNOT) for d in WG_DOMAINS
        )


class Document(PublicIdModel, Versioned):
    class Type(models.TextChoices):
        CEDULA = "cedula", _("Venezuelan identity card (cédula)")
        PASSPORT = "passport", _("Passport")
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        PPT = "ppt", _("Temporary protection permit (PPT, Colombia)")
        CPP = "cpp", _("Temporary permanence permit (CPP, Peru)")
        HOST_PERMIT = "host_permit", _("Other host-country permit")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        LOST = "lost", _("Lost or stolen")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents")
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    # Encrypted at rest (lib.crypto); number_hash allows exact look-ups.
    number_encrypted = models.TextField(_("number"), blank=True)
    number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    number_last4 = models.CharField(max_length=4, blank=True)
    issuing_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing country"),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID
    )

    class Meta:
        ordering = ["person", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.get_type_display()} …{self.number_last4}"

    @property
    def number(self) -> str:
        from caminantes.lib.crypto import decrypt

        return decrypt(self.number_encrypted)


class Phone(PublicIdModel):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="phones")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="phones"
    )
    number_encrypted = models.TextField(_("number"), blank=True)
    number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    number_last4 = models.CharField(max_length=4, blank=True)
    whatsapp = models.BooleanField(_("WhatsApp"), default=False)
    # Bumped on every change, so an update based on an old copy is refused (HTTP 409).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return f"…{self.number_last4}"

    @property
    def number(self) -> str:
        from caminantes.lib.crypto import decrypt

        return decrypt(self.number_encrypted)
