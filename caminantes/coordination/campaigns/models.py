"""Information campaigns against xenophobia.

A `Campaign` of an organisation in a country: objective, audience, themes, languages,
channels, dates, admin1 areas and partner organisations, the xenophobic statements its
perception surveys ask about (one per line), and whether its activities count in the 5W
(sector Integration, with the indicator chosen).

An `Activity` is what was done on one day through one channel, with its reach kept in two
kinds that are never added together: PEOPLE REACHED (counted people, by sex and age group
when known) and the AUDIENCE ESTIMATE of radio and social media (listeners, impressions).
Only people reached can count in the 5W.

A `SurveyRound` is a perception survey before or after the campaign: its sample size and,
for each statement, how many respondents agreed. A `Material` is a file of the campaign
(poster, leaflet, radio spot), stored through Django's storage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.assistance.models import ServiceDelivery
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import PopulationType


class Audience(models.TextChoices):
    HOST = "host", _("Host community")
    MIGRANTS = "migrants", _("Refugees and migrants")
    BOTH = "both", _("Host community, refugees and migrants")


class Theme(models.TextChoices):
    XENOPHOBIA = "xenophobia", _("Xenophobia and discrimination")
    RIGHTS = "rights", _("Rights and access to services")
    REGULARIZATION = "regularization", _("Regularization")
    COHESION = "cohesion", _("Social cohesion and coexistence")
    WORK = "work", _("Work and labour inclusion")
    EDUCATION = "education", _("Children and school")
    GBV = "gbv", _("Gender-based violence prevention")


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    ENGLISH = "en", _("English")
    WAYUUNAIKI = "guc", _("Wayuunaiki")
    WARAO = "wba", _("Warao")


class Channel(models.TextChoices):
    RADIO = "radio", _("Radio")
    SOCIAL_MEDIA = "social_media", _("Social media")
    COMMUNITY_EVENTS = "community_events", _("Community events")
    SCHOOLS = "schools", _("Schools")
    SMS_WHATSAPP = "sms_whatsapp", _("SMS / WhatsApp")


# Channels whose reach is an audience estimate (listeners, impressions), not people counted.
AUDIENCE_CHANNELS = frozenset({Channel.RADIO, Channel.SOCIAL_MEDIA})


class Phase(models.TextChoices):
    BEFORE = "before", _("Before the campaign")
    AFTER = "after", _("After the campaign")


# The 5W indicators (sector Integration) a campaign's activities may count under.
INDICATORS = {
    "people_reached_anti_xenophobia": _("People reached by campaigns against xenophobia"),
    "people_in_social_cohesion_activities": _("People taking part in social cohesion activities"),
}
SECTOR = "integration"


class Campaign(PublicIdModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    title = models.CharField(_("title"), max_length=160)
    objective = models.TextField(_("objective"), max_length=2000)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    themes = models.JSONField(_("themes"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    channels = models.JSONField(_("channels"), default=list)
    start_on = models.DateField(_("starts on"))
    end_on = models.DateField(_("ends on"))
    areas = models.ManyToManyField(AdminArea, blank=True, related_name="+",
                                   verbose_name=_("areas"))  # fmt: skip
    partners = models.ManyToManyField(Organization, blank=True, related_name="+",
                                      verbose_name=_("partners"))  # fmt: skip
    statements = models.TextField(_("xenophobic statements surveyed"), blank=True)
    count_in_5w = models.BooleanField(_("count in the 5W"), default=False)
    indicator_5w = models.CharField(_("5W indicator"), max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_on", "title"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")), name="campaigns_campaign_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(count_in_5w=False) | ~Q(indicator_5w=""),
                name="campaigns_campaign_5w_needs_indicator",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def statement_list(self) -> list[str]:
        return [s.strip() for s in self.statements.splitlines() if s.strip()]

    def labels(self, values: list[str], choices: type[models.TextChoices]) -> list[str]:
        names = dict(choices.choices)
        return [str(names.get(v, v)) for v in values]

    @property
    def theme_labels(self) -> list[str]:
        return self.labels(self.themes, Theme)

    @property
    def language_labels(self) -> list[str]:
        return self.labels(self.languages, Language)

    @property
    def channel_labels(self) -> list[str]:
        return self.labels(self.channels, Channel)


class Activity(PublicIdModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("area"))  # fmt: skip
    population_type = models.CharField(
        _("population reached"), max_length=20, choices=PopulationType.choices
    )
    description = models.CharField(_("what was done"), max_length=500, blank=True)
    # People reached, counted (empty when not known). Children are under 18.
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    girls = models.PositiveIntegerField(_("girls"), null=True, blank=True)
    boys = models.PositiveIntegerField(_("boys"), null=True, blank=True)
    unknown = models.PositiveIntegerField(_("sex and age not known"), null=True, blank=True)
    # Radio and social media: listeners or impressions, never people reached.
    audience_estimate = models.PositiveIntegerField(_("audience estimate"), null=True,
                                                    blank=True)  # fmt: skip
    delivery = models.OneToOneField(ServiceDelivery, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")  # fmt: skip
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, related_name="+")  # fmt: skip
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.campaign} {self.date}"

    @property
    def people_reached(self) -> int:
        return sum(v or 0 for v in (self.women, self.men, self.girls, self.boys, self.unknown))


class SurveyRound(PublicIdModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="surveys")
    date = models.DateField(_("date"))
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    sample_size = models.PositiveIntegerField(_("sample size"))
    # Respondents agreeing with each statement, in the campaign's order.
    agreeing = models.JSONField(default=list)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("perception survey round")
        verbose_name_plural = _("perception survey rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_size__gt=0), name="campaigns_survey_sample_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.phase} {self.date}"


def material_path(instance: Material, filename: str) -> str:
    # Never the uploaded name: a random one with the extension of the type found inside.
    return f"campaigns/{instance.campaign.uuid}/{instance.uuid}{filename[filename.rfind('.') :]}"


class Material(PublicIdModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=160)
    file = models.FileField(upload_to=material_path, max_length=200)
    original_name = models.CharField(max_length=160)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title
