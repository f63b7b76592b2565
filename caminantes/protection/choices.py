"""The coded values a case file holds (inside its sealed blob): GBVIMS classifications for
GBV, the usual anti-trafficking checklists, services and closure reasons. Codes are stored,
labels translated at display."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    GBV = "gbv", _("Gender-based violence")
    TRAFFICKING = "trafficking", _("Trafficking in persons")


class Status(models.TextChoices):
    # "Open" alone is the registry's (a data request: "Abierta"); a case is masculine.
    OPEN = "open", pgettext_lazy("protection case", "Open")
    CLOSED = "closed", pgettext_lazy("protection case", "Closed")
    TRANSFERRED = "transferred", pgettext_lazy("protection case", "Transferred")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "O", _("Other")
    UNKNOWN = "U", _("Unknown")


class AgeGroup(models.TextChoices):
    """GBVIMS age groups at the time of the incident."""

    CHILD = "0-11", _("0-11")
    ADOLESCENT = "12-17", _("12-17")
    YOUNG = "18-25", _("18-25")
    ADULT = "26-40", _("26-40")
    MIDDLE = "41-60", _("41-60")
    OLDER = "61+", _("61 and over")
    UNKNOWN = "unknown", _("Unknown")


def age_group_of(age: int | None) -> str:
    if age is None:
        return AgeGroup.UNKNOWN
    for limit, group in ((11, "0-11"), (17, "12-17"), (25, "18-25"), (40, "26-40"), (60, "41-60")):
        if age <= limit:
            return group
    return AgeGroup.OLDER


class IncidentType(models.TextChoices):
    """The six GBVIMS core incident types."""

    RAPE = "rape", _("Rape")
    SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
    PHYSICAL_ASSAULT = "physical_assault", _("Physical assault")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    DENIAL = "denial_of_resources", _("Denial of resources, opportunities or services")
    PSYCHOLOGICAL = "psychological_abuse", _("Psychological or emotional abuse")


class Perpetrator(models.TextChoices):
    """GBVIMS relationship of the alleged perpetrator to the survivor."""

    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner or former partner")
    FAMILY = "family", _("Family other than spouse or caregiver")
    TEACHER = "teacher", _("Teacher or school official")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    COTENANT = "cotenant", _("Cotenant or housemate")
    FAMILY_FRIEND = "family_friend", _("Family friend or neighbour")
    OTHER_DISPLACED = "other_displaced", _("Other refugee, IDP or returnee")
    RESIDENT = "resident", _("Other resident community member")
    OTHER = "other", _("Other")
    NO_RELATION = "no_relation", _("No relation")
    UNKNOWN = "unknown", _("Unknown")


class Indicator(models.TextChoices):
    """Identification indicators of trafficking (a checklist)."""

    DECEIVED = "deceived", _("Deceived about the work or conditions")
    DOCUMENTS_HELD = "documents_held", _("Identity documents withheld")
    DEBT = "debt", _("Debt bondage or unpayable debt")
    MOVEMENT = "movement_restricted", _("Freedom of movement restricted")
    THREATS = "threats", _("Threats or violence against the person or family")
    WAGES = "wages_withheld", _("Wages withheld or not paid")
    HOURS = "excessive_hours", _("Excessive hours, no rest")
    ISOLATION = "isolation", _("Isolated or communications controlled")
    MINOR = "minor", _("A child in an exploitative situation")
    ACCOMMODATION = "accommodation", _("Lives where works, under the employer's control")


class Exploitation(models.TextChoices):
    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Labour exploitation")
    CRIMINALITY = "forced_criminality", _("Forced criminality")
    BEGGING = "begging", _("Forced begging")
    DOMESTIC = "domestic_servitude", _("Domestic servitude")
    MARRIAGE = "forced_marriage", _("Forced marriage")


class Recruiter(models.TextChoices):
    FAMILY = "family", _("Family member")
    PARTNER = "partner", _("Intimate partner")
    ACQUAINTANCE = "acquaintance", _("Friend or acquaintance")
    AGENCY = "agency", _("Employment or travel agency")
    ONLINE = "online", _("Online contact")
    STRANGER = "stranger", _("Stranger")
    CRIMINAL_GROUP = "criminal_group", _("Armed or criminal group")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class TraffickingStatus(models.TextChoices):
    PRESUMED = "presumed", _("Presumed victim")
    IDENTIFIED = "identified", _("Identified victim")


class Assistance(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical care")
    LEGAL = "legal", _("Legal assistance")
    RETURN = "return", _("Assisted return")
    INTEGRATION = "integration", _("Local integration")


class ServiceType(models.TextChoices):
    HEALTH = "health", _("Health or medical care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal assistance")
    SAFETY = "safety", _("Safety and security")
    SHELTER = "shelter", _("Safe shelter")
    LIVELIHOODS = "livelihoods", _("Livelihoods")
    OTHER = "other", _("Other")


class ServiceStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    RECEIVED = "received", _("Received")
    DECLINED = "declined", _("Declined")


class SessionType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")
    FAMILY = "family", _("Family")
    REMOTE = "remote", _("Remote (phone or video)")


class ClosureReason(models.TextChoices):
    NEEDS_MET = "needs_met", _("Needs met, case plan completed")
    SURVIVOR_REQUEST = "survivor_request", _("The survivor asked to close the case")
    RELOCATED = "relocated", _("The survivor moved away")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    OTHER = "other", _("Other")


class AssignmentRole(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
