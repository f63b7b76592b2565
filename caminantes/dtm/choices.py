"""The DTM code lists: one place for the values the models, forms, imports and the XLSForm use.

Codes are stable English slugs (they travel in files and in the XLSForm `name` column);
labels are translated. Country answers (nationality, destination, transit) are ISO 3166-1
alpha-2 codes, not listed here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Direction(models.TextChoices):
    """Entering or leaving the country at the point; why they move is the `FlowType`."""

    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class FlowType(models.TextChoices):
    """The flow type as DTM reports it, separate from the direction.

    Pendular movements (crossing and coming back within the day or the week, to work, shop
    or see a doctor) are commuters, not migrants: outputs never add them to the others
    without saying so. `UNKNOWN` is only for sheets counted before flow types were asked
    (migration 0007); a new sheet must state one of the four others.
    """

    PENDULAR = "pendular", pgettext_lazy("flow type", "Pendular")
    TRANSIT = "transit", pgettext_lazy("flow type", "Transit")
    STAY = "stay", pgettext_lazy("flow type", "Intention to stay")
    RETURN = "return", pgettext_lazy("flow type", "Return")
    UNKNOWN = "unknown", pgettext_lazy("flow type", "Not recorded")


# What a new tally sheet may say (UNKNOWN is for old data only).
FLOW_TYPES_ASKED: tuple[str, ...] = (
    FlowType.PENDULAR,
    FlowType.TRANSIT,
    FlowType.STAY,
    FlowType.RETURN,
)
# Movements of people on the move (migrants), as against pendular commuters.
MIGRANT_FLOW_TYPES: tuple[str, ...] = (FlowType.TRANSIT, FlowType.STAY, FlowType.RETURN)


class PointType(models.TextChoices):
    BORDER_CROSSING = "border_crossing", _("Border crossing")
    BUS_TERMINAL = "bus_terminal", _("Bus terminal")
    TRANSIT_POINT = "transit_point", _("Transit point")
    AIRPORT = "airport", _("Airport")
    SEAPORT = "seaport", _("Port or pier")
    OTHER = "other", _("Other")


class MovementType(models.TextChoices):
    ENTRY = "entry", _("Entries")
    EXIT = "exit", _("Exits")
    TRANSIT = "transit", _("Transit")
    PENDULAR = "pendular", _("Pendular (back and forth)")
    RETURN = "return", _("Returns")


class TransportMode(models.TextChoices):
    ON_FOOT = "on_foot", _("On foot")
    BUS = "bus", _("Bus")
    CAR = "car", _("Private car")
    TRUCK = "truck", _("Truck")
    MOTORBIKE = "motorbike", _("Motorbike or taxi")
    BOAT = "boat", _("Boat")
    PLANE = "plane", _("Plane")
    OTHER = "other", _("Other")


class Service(models.TextChoices):
    WATER = "water", _("Drinking water")
    FOOD = "food", _("Food")
    HEALTH = "health", _("Health care")
    SHELTER = "shelter", _("Shelter")
    TOILETS = "toilets", _("Toilets and showers")
    INFORMATION = "information", _("Information and orientation")
    PROTECTION = "protection", _("Protection")
    LEGAL = "legal", _("Legal aid and documentation")
    CHILD_SPACE = "child_space", _("Child-friendly space")
    CONNECTIVITY = "connectivity", _("Phone charging and internet")
    TRANSPORT = "transport", _("Humanitarian transport")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or prefers not to say")


# Sex x age group columns of counts and assessments, in display order. Children are 0-17.
AGE_GROUPS: tuple[tuple[str, str], ...] = (
    ("0_5", "0-5"),
    ("6_17", "6-17"),
    ("18_59", "18-59"),
    ("60_plus", "60+"),
)
SEX_AGE_FIELDS: tuple[str, ...] = tuple(
    f"{sex}_{age}" for sex in ("female", "male") for age, _label in AGE_GROUPS
)
CHILD_FIELDS: tuple[str, ...] = tuple(
    f"{sex}_{age}" for sex in ("female", "male") for age in ("0_5", "6_17")
)

# Vulnerability counts of a tally sheet (issue 16 §5), summed by the rollup like the totals.
VULNERABILITY_FIELDS: tuple[str, ...] = ("pregnant_lactating", "with_disabilities")


class CountDimension(models.TextChoices):
    """The breakdowns of a flow count besides sex x age; each one adds up to the total."""

    NATIONALITY = "nationality", _("Nationality")
    TRANSPORT = "transport", _("Transport mode")
    DESTINATION = "destination", _("Final destination country")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    COHABITING = "cohabiting", _("Living together")
    SEPARATED = "separated", _("Separated or divorced")
    WIDOWED = "widowed", _("Widowed")


class Education(models.TextChoices):
    NONE = "none", _("None")
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    TECHNICAL = "technical", _("Technical")
    UNIVERSITY = "university", _("University")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed or informal work")
    UNEMPLOYED = "unemployed", _("Unemployed")
    STUDENT = "student", _("Student")
    HOME = "home", _("Unpaid care or domestic work")
    RETIRED = "retired", _("Retired")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "dont_know", _("Does not know or prefers not to answer")


class ReasonForLeaving(models.TextChoices):
    ECONOMIC = "economic", _("Economic reasons or lack of work")
    FOOD = "food", _("Lack of food")
    HEALTH = "health", _("Lack of medicines or health care")
    VIOLENCE = "violence", _("Violence or insecurity")
    PERSECUTION = "persecution", _("Persecution or threats")
    FAMILY = "family", _("Family reunification")
    EDUCATION = "education", _("Education")
    SERVICES = "services", _("Lack of basic services")
    XENOPHOBIA = "xenophobia", _("Xenophobia or discrimination in the host country")
    SECONDARY = "secondary_movement", _("Moving on from a first host country")
    OTHER = "other", _("Other")


class Need(models.TextChoices):
    FOOD = "food", _("Food")
    WATER = "water", _("Water")
    SHELTER = "shelter", _("Shelter")
    HEALTH = "health", _("Health care")
    DOCUMENTATION = "documentation", _("Documentation")
    EMPLOYMENT = "employment", _("Employment")
    TRANSPORT = "transport", _("Transport")
    CASH = "cash", _("Cash")
    INFORMATION = "information", _("Information")
    LEGAL = "legal", _("Legal assistance")
    HYGIENE = "hygiene", _("Hygiene items")
    OTHER = "other", _("Other")


class Document(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    PERMIT = "permit", _("Residence or stay permit")
    NONE = "none", _("None")


class Incident(models.TextChoices):
    THEFT = "theft", _("Theft or robbery")
    ASSAULT = "assault", _("Physical assault")
    EXTORTION = "extortion", _("Extortion or bribes")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    UNPAID_WORK = "unpaid_work", _("Work without the agreed pay")
    HELD = "held_against_will", _("Held against their will")
    DISCRIMINATION = "discrimination", _("Discrimination")
    NONE = "none", _("None")
    REFUSED = "refused", _("Prefers not to answer")


class SurveyQuestion(models.TextChoices):
    """The multi-select questions of the flow monitoring survey (SurveyChoice.question)."""

    REASONS = "reasons_leaving", _("Reasons for leaving")
    NEEDS = "needs", _("Needs")
    DOCUMENTS = "documents", _("Documents held")
    INCIDENTS = "incidents", _("Protection incidents on the route")
    TRANSIT = "transit_countries", _("Transit countries")
    TRANSPORT = "transport_modes", _("Transport modes on the route")


class WgAnswer(models.TextChoices):
    """Washington Group short set: the answer scale of each of the six domains."""

    NONE = "no_difficulty", _("No difficulty")
    SOME = "some", _("Some difficulty")
    A_LOT = "a_lot", _("A lot of difficulty")
    CANNOT = "cannot", _("Cannot do at all")


# The six domains of the Washington Group short set, as survey field names.
WG_DOMAINS: tuple[tuple[str, str], ...] = (
    ("wg_seeing", "seeing"),
    ("wg_hearing", "hearing"),
    ("wg_walking", "walking"),
    ("wg_remembering", "remembering"),
    ("wg_selfcare", "self-care"),
    ("wg_communicating", "communicating"),
)
# A disability in the WG sense: a lot of difficulty or cannot do at all in any domain.
WG_DISABILITY = frozenset({WgAnswer.A_LOT.value, WgAnswer.CANNOT.value})


class LegalStatus(models.TextChoices):
    """Status in the host country. Country-specific permits carry their country."""

    PPT_PEP = "ppt_pep", _("PPT or PEP (Colombia)")
    CPP = "cpp", _("CPP (Peru)")
    HUMANITARIAN_VISA = "humanitarian_visa", _("Humanitarian visa (Ecuador)")
    RESIDENCE_BR = "residence_br", _("Residence permit (Brazil)")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    REFUGEE = "refugee", _("Refugee")
    IRREGULAR = "irregular", _("Irregular")
    OTHER = "other", _("Other")


# The permits only a given host country grants (ISO alpha-2); the others apply anywhere.
LEGAL_STATUS_COUNTRY = {"ppt_pep": "CO", "cpp": "PE", "humanitarian_visa": "EC",
                        "residence_br": "BR"}  # fmt: skip


class SleepingPlace(models.TextChoices):
    STREET = "street", _("Street or public space")
    SHELTER = "shelter", _("Shelter or collective site")
    HOST_FAMILY = "host_family", _("With family or friends")
    RENTED = "rented", _("Rented room or hotel")
    TERMINAL = "terminal", _("Bus terminal or border post")
    TRANSPORT = "in_transport", _("On a bus, truck or other vehicle")
    OTHER = "other", _("Other")


class Intention(models.TextChoices):
    STAY = "stay", _("Stay in this country")
    MOVE_ON = "move_on", _("Move on to another country")
    RETURN = "return", _("Return to the country of origin")
    UNKNOWN = "dont_know", _("Does not know yet")


# Travel group members by sex x age band (survey), in the order of the tally's columns.
GROUP_FIELDS: tuple[str, ...] = tuple(f"group_{f}" for f in SEX_AGE_FIELDS)
GROUP_CHILD_FIELDS: tuple[str, ...] = tuple(f"group_{f}" for f in CHILD_FIELDS)
TRANSIT_SLOTS = 5  # the XLSForm asks transit countries one by one, in order


class ShelterType(models.TextChoices):
    RENTED = "rented", _("Rented housing")
    HOST_FAMILY = "host_family", _("With a host family")
    COLLECTIVE = "collective_site", _("Collective site or shelter")
    INFORMAL = "informal_settlement", _("Informal settlement")
    STREET = "street", _("Street or public space")
    OWN = "own", _("Own housing")


class ArrivalPeriod(models.TextChoices):
    LAST_3_MONTHS = "last_3_months", _("Less than 3 months ago")
    LAST_YEAR = "3_12_months", _("3 to 12 months ago")
    ONE_TO_THREE = "1_3_years", _("1 to 3 years ago")
    OVER_THREE = "over_3_years", _("More than 3 years ago")


class Sector(models.TextChoices):
    FOOD = "food", _("Food security")
    HEALTH = "health", _("Health")
    SHELTER = "shelter", _("Shelter")
    WASH = "wash", _("Water, sanitation and hygiene")
    PROTECTION = "protection", _("Protection")
    EDUCATION = "education", _("Education")
    LIVELIHOODS = "livelihoods", _("Livelihoods and integration")
    NFI = "nfi", _("Non-food items")


class BaselineDimension(models.TextChoices):
    ORIGIN = "origin_country", _("Country of origin")
    ARRIVAL = "arrival_period", _("Arrival period")
    SHELTER = "shelter_type", _("Shelter type")
    NEED = "need_sector", _("Priority need (severity 1-5)")


class SiteType(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    COLLECTIVE_CENTRE = "collective_centre", _("Collective centre")
    TRANSIT_CENTRE = "transit_centre", _("Transit centre")
    SPONTANEOUS = "spontaneous", _("Spontaneous settlement")


class SiteDimension(models.TextChoices):
    NATIONALITY = "nationality", _("Nationality")
    SERVICE = "service", _("Service available")


class Source(models.TextChoices):
    TALLY = "tally", _("Tally page")
    FORM = "form", _("Web form")
    IMPORT = "import", _("File import")
    OPENROSA = "openrosa", _("ODK/KoboCollect submission")
    API = "api", _("API")
    DEMO = "demo", _("Demo data")
