"""Writes to campaigns, their activities, perception surveys and materials: permission
check, change and audit event, in one transaction.

Counting in the 5W: when a campaign counts in the 5W, each activity with people reached is
ONE service delivery (sector Integration, the campaign's indicator), written through
`assistance.delivery` and linked to the activity. Editing the activity revises that same
delivery (`delivery.revise`); an activity that no longer counts (no people reached, the
campaign switched off) withdraws it. So a delivery is never duplicated. Audience estimates
(radio, social media) never count: they are not people.

The people of a delivery are counted, not named: women and men as adults (age 18, the
lowest adult age, so the 5W files them "18 and over"), girls and boys as children (age 17,
"under 18"), the rest with sex and age unknown. The 5W reads only those two age groups.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.assistance import delivery
from caminantes.assistance.models import Modality
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.coordination.campaigns import files
from caminantes.coordination.campaigns.models import (
    AUDIENCE_CHANNELS,
    INDICATORS,
    SECTOR,
    Activity,
    Audience,
    Campaign,
    Channel,
    Language,
    Material,
    Phase,
    SurveyRound,
    Theme,
)
from caminantes.geo.models import AdminArea, Country
from caminantes.registry.models import PopulationType

OLDEST = date(2015, 1, 1)
MAX_PEOPLE = 100_000  # per activity and cell: a school or a fair, not a country
MAX_AUDIENCE = 100_000_000
ADULT_AGE, CHILD_AGE = 18, 17
CELLS = ("women", "men", "girls", "boys", "unknown")


def may_manage(user: Any, organization_id: int, country_id: int) -> bool:
    return policies.has_perm(user, Perm.MANAGE_CAMPAIGNS, organization_id=organization_id,
                             country_id=country_id)  # fmt: skip


def _require(actor: Any, obj: Any, organization_id: int, country_id: int) -> None:
    if not may_manage(actor, organization_id, country_id):
        log(actor, actions.ACCESS_DENIED, obj, "denied", permission=Perm.MANAGE_CAMPAIGNS.value)
        raise PermissionDenied


def _choices(values: Any, allowed: list[str], key: str, message: str) -> list[str]:
    chosen = list(dict.fromkeys(values or []))
    if not chosen or any(v not in allowed for v in chosen):
        raise ValidationError({key: [message]})
    return chosen


def _clean_campaign(values: dict[str, Any], country: Country) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}

    def check(fn: Any) -> Any:
        try:
            return fn()
        except ValidationError as exc:
            errors.update(exc.message_dict)
            return None

    title = str(values.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Enter the campaign's title.")]
    objective = str(values.get("objective") or "").strip()
    if not objective:
        errors["objective"] = [_("Say what the campaign wants to change.")]
    audience = values.get("audience")
    if audience not in Audience.values:
        errors["audience"] = [_("Choose the audience.")]
    themes = check(lambda: _choices(values.get("themes"), Theme.values, "themes",
                                    _("Choose at least one theme from the list.")))  # fmt: skip
    languages = check(lambda: _choices(values.get("languages"), Language.values, "languages",
                                       _("Choose at least one language.")))  # fmt: skip
    channels = check(lambda: _choices(values.get("channels"), Channel.values, "channels",
                                      _("Choose at least one channel.")))  # fmt: skip
    start, end = values.get("start_on"), values.get("end_on")
    if not isinstance(start, date):
        errors["start_on"] = [_("Enter the start date.")]
    elif start < OLDEST:
        errors["start_on"] = [_("Enter a date after 2015.")]
    if not isinstance(end, date):
        errors["end_on"] = [_("Enter the end date.")]
    elif isinstance(start, date) and end < start:
        errors["end_on"] = [_("The campaign cannot end before it starts.")]
    areas = list(values.get("areas") or [])
    if any(not isinstance(a, AdminArea) or a.country_id != country.pk for a in areas):
        errors["areas"] = [_("Choose areas of the campaign's country.")]
    partners = list(values.get("partners") or [])
    if any(not isinstance(p, Organization) for p in partners):
        errors["partners"] = [_("Choose partners from the list.")]
    statements = "\n".join(
        line.strip() for line in str(values.get("statements") or "").splitlines() if line.strip()
    )
    if len(statements.splitlines()) > 10 or len(statements) > 3000:
        errors["statements"] = [_("Survey at most 10 statements.")]
    count = bool(values.get("count_in_5w"))
    indicator = str(values.get("indicator_5w") or "") if count else ""
    if count and indicator not in INDICATORS:
        errors["indicator_5w"] = [_("Choose the 5W indicator the activities count under.")]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title[:160], "objective": objective[:2000], "audience": audience,
        "themes": themes, "languages": languages, "channels": channels, "start_on": start,
        "end_on": end, "statements": statements, "count_in_5w": count,
        "indicator_5w": indicator, "areas": areas, "partners": partners,
    }  # fmt: skip


def campaign_create(
    *, actor: User, organization: Organization, country: Country, **values: Any
) -> Campaign:
    _require(actor, Campaign, organization.pk, country.pk)
    clean = _clean_campaign(values, country)
    areas, partners = clean.pop("areas"), clean.pop("partners")
    with transaction.atomic():
        campaign = Campaign.objects.create(organization=organization, country=country,
                                           created_by=actor, **clean)  # fmt: skip
        campaign.areas.set(areas)
        campaign.partners.set(partners)
        log(actor, actions.CREATE, campaign, organization=organization)
    return campaign


def campaign_update(*, actor: User, campaign: Campaign, **values: Any) -> Campaign:
    """Save the campaign; switching "count in the 5W" (or its indicator) brings every
    activity's delivery in line."""
    _require(actor, campaign, campaign.organization_id, campaign.country_id)
    clean = _clean_campaign(values, campaign.country)
    areas, partners = clean.pop("areas"), clean.pop("partners")
    if campaign.surveys.exists() and len(clean["statements"].splitlines()) != len(
        campaign.statement_list
    ):
        raise ValidationError({"statements": [_(
            "Surveys were already recorded against these statements: correct their wording, "
            "but keep their number."
        )]})  # fmt: skip
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        changed = [k for k, v in clean.items() if getattr(locked, k) != v]
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.updated_at = timezone.now()
        locked.save()
        locked.areas.set(areas)
        locked.partners.set(partners)
        log(actor, actions.UPDATE, locked, organization=locked.organization, fields=changed)
        if {"count_in_5w", "indicator_5w"} & set(changed):
            for activity in locked.activities.select_related("delivery"):
                _sync_delivery(actor, locked, activity, indicator_changed=True)
    return locked


# --- activities -----------------------------------------------------------------------


def _count(value: Any, key: str, limit: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({key: [_("Enter a whole number.")]}) from None
    if not 0 <= number <= limit:
        raise ValidationError({key: [_("Enter a number between 0 and %(max)s.") % {"max": limit}]})
    return number


def _clean_activity(campaign: Campaign, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    day = values.get("date")
    today = timezone.localdate()
    if not isinstance(day, date):
        errors["date"] = [_("Enter the date.")]
    elif day > today:
        errors["date"] = [_("The date cannot be in the future.")]
    elif not campaign.start_on <= day <= campaign.end_on:
        errors["date"] = [_("Choose a date within the campaign (%(start)s to %(end)s).") % {
            "start": campaign.start_on.strftime("%d/%m/%Y"),
            "end": campaign.end_on.strftime("%d/%m/%Y")}]  # fmt: skip
    channel = values.get("channel")
    if channel not in campaign.channels:
        errors["channel"] = [_("Choose one of the campaign's channels.")]
    area = values.get("area")
    if area is not None:
        allowed = set(campaign.areas.values_list("pk", flat=True))
        if (
            not isinstance(area, AdminArea)
            or area.country_id != campaign.country_id
            or (allowed and area.pk not in allowed)
        ):
            errors["area"] = [_("Choose one of the campaign's areas.")]
    defaults: dict[str, str] = {
        Audience.HOST: PopulationType.HOST_COMMUNITY,
        Audience.MIGRANTS: PopulationType.IN_DESTINATION,
    }
    population = values.get("population_type") or defaults.get(campaign.audience, "")
    if population not in PopulationType.values:
        errors["population_type"] = [_("Choose the population reached.")]
    cells: dict[str, int | None] = {}
    for key in CELLS:
        try:
            cells[key] = _count(values.get(key), key, MAX_PEOPLE)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        audience = _count(values.get("audience_estimate"), "audience_estimate", MAX_AUDIENCE)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        audience = None
    if audience is not None and channel not in AUDIENCE_CHANNELS:
        errors["audience_estimate"] = [
            _("An audience estimate is for radio and social media; count people reached here.")
        ]
    if all(v is None for v in cells.values()) and audience is None and not errors:
        errors["__all__"] = [_("Enter the people reached or, for radio and social media, the "
                               "audience estimate.")]  # fmt: skip
    description = str(values.get("description") or "").strip()
    if len(description) > 500:
        errors["description"] = [_("Keep it under 500 characters.")]
    if errors:
        raise ValidationError(errors)
    return {"date": day, "channel": channel, "area": area, "population_type": population,
            "audience_estimate": audience, "description": description, **cells}  # fmt: skip


def _reached(activity: Activity) -> list[delivery.Reached]:
    pop = activity.population_type
    people: list[delivery.Reached] = []
    for count, sex, age in (
        (activity.women, "F", ADULT_AGE), (activity.men, "M", ADULT_AGE),
        (activity.girls, "F", CHILD_AGE), (activity.boys, "M", CHILD_AGE),
        (activity.unknown, "U", None),
    ):  # fmt: skip
        people += [delivery.Reached(sex=sex, age=age, population_type=pop)] * (count or 0)
    return people


def _sync_delivery(
    actor: User, campaign: Campaign, activity: Activity, *, indicator_changed: bool = False
) -> None:
    """The activity's one delivery, made, revised or withdrawn as the activity now says."""
    counts = campaign.count_in_5w and activity.people_reached > 0
    current = activity.delivery
    if current is not None and (not counts or indicator_changed):
        activity.delivery = None
        activity.save(update_fields=["delivery"])
        delivery.withdraw(actor=actor, delivery=current)
        current = None
    if not counts:
        return
    when = timezone.make_aware(datetime.combine(activity.date, time(12)))
    people = _reached(activity)
    if current is not None:
        delivery.revise(actor=actor, delivery=current, people=people, quantity=len(people),
                        when=when)  # fmt: skip
        return
    activity.delivery = delivery.record(
        actor=actor, organization=campaign.organization, country=campaign.country,
        sector=SECTOR, indicator=campaign.indicator_5w, people=people, quantity=len(people),
        modality=Modality.SERVICE, when=when, ref=activity,
    )  # fmt: skip
    activity.save(update_fields=["delivery"])


def activity_save(
    *, actor: User, campaign: Campaign, activity: Activity | None = None, **values: Any
) -> Activity:
    """Record an activity, or correct one (`activity`): its 5W delivery follows."""
    _require(actor, activity or Activity, campaign.organization_id, campaign.country_id)
    clean = _clean_activity(campaign, values)
    with transaction.atomic():
        if activity is None:
            activity = Activity.objects.create(campaign=campaign, recorded_by=actor, **clean)
            log(actor, actions.CREATE, activity, organization=campaign.organization,
                people=activity.people_reached)  # fmt: skip
        else:
            activity = Activity.objects.select_for_update().get(pk=activity.pk)
            for key, value in clean.items():
                setattr(activity, key, value)
            activity.updated_at = timezone.now()
            activity.save()
            log(actor, actions.UPDATE, activity, organization=campaign.organization,
                people=activity.people_reached)  # fmt: skip
        _sync_delivery(actor, campaign, activity)
    return activity


# --- perception surveys ---------------------------------------------------------------


def survey_add(
    *, actor: User, campaign: Campaign, surveyed_on: date | None, phase: str,
    sample_size: int | None, agreeing: list[Any],
) -> SurveyRound:  # fmt: skip
    """A survey round: how many of the sample agreed with each of the campaign's statements."""
    _require(actor, SurveyRound, campaign.organization_id, campaign.country_id)
    statements = campaign.statement_list
    errors: dict[str, list[str]] = {}
    if not statements:
        raise ValidationError({"__all__": [_("Write the campaign's statements first.")]})
    if surveyed_on is None:
        errors["date"] = [_("Enter the date.")]
    elif surveyed_on > timezone.localdate():
        errors["date"] = [_("The date cannot be in the future.")]
    elif surveyed_on < OLDEST:
        errors["date"] = [_("Enter a date after 2015.")]
    if phase not in Phase.values:
        errors["phase"] = [_("Say whether the survey was before or after the campaign.")]
    if not isinstance(sample_size, int) or not 0 < sample_size <= 1_000_000:
        errors["sample_size"] = [_("Enter the number of people surveyed (at least 1).")]
        sample_size = None
    counts: list[int] = []
    if len(agreeing) != len(statements):
        errors["__all__"] = [_("Give a number for each statement.")]
    for i, value in enumerate(agreeing):
        key = f"agreeing_{i}"
        try:
            number = _count(value, key, 1_000_000)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if number is None:
            errors[key] = [_("Enter how many agreed (0 if nobody).")]
        elif sample_size is not None and number > sample_size:
            errors[key] = [_("More people agreeing (%(n)s) than people surveyed (%(sample)s).")
                           % {"n": number, "sample": sample_size}]  # fmt: skip
        else:
            counts.append(number)
    if errors or surveyed_on is None or sample_size is None:
        raise ValidationError(errors)
    with transaction.atomic():
        survey = SurveyRound.objects.create(campaign=campaign, date=surveyed_on, phase=phase,
                                            sample_size=sample_size, agreeing=counts)  # fmt: skip
        log(actor, actions.CREATE, survey, organization=campaign.organization)
    return survey


# --- materials ------------------------------------------------------------------------


def material_upload(
    *, actor: User, campaign: Campaign, title: str, upload: UploadedFile | None
) -> Material:
    """Keep a file of the campaign: its type is read from its first bytes (not from its name
    or what the browser said), its size capped (`files.MAX_BYTES`)."""
    _require(actor, Material, campaign.organization_id, campaign.country_id)
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the material a title.")]
    kind = None
    if upload is None:
        errors["file"] = [_("Choose a file.")]
    else:
        try:
            kind = files.check(upload)
        except ValidationError as exc:
            errors["file"] = exc.messages
    if errors or upload is None or kind is None:
        raise ValidationError(errors)
    name = files.safe_name(upload.name or "material", kind)
    with transaction.atomic():
        material = Material(campaign=campaign, title=title[:160], original_name=name,
                            content_type=kind.content_type, size=upload.size or 0,
                            uploaded_by=actor)  # fmt: skip
        upload.seek(0)
        material.file.save(f"upload{kind.extension}", upload, save=False)
        material.save()
        log(actor, actions.CREATE, material, organization=campaign.organization,
            content_type=kind.content_type, size=material.size)  # fmt: skip
    return material
