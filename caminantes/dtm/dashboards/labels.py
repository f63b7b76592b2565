"""Names for the codes the figures carry: countries, transport modes, survey options."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from caminantes.dtm.choices import (
    Direction,
    Document,
    FlowType,
    Incident,
    Intention,
    LegalStatus,
    Need,
    ReasonForLeaving,
    Sex,
    SleepingPlace,
    SurveyQuestion,
    TransportMode,
    YesNo,
)
from caminantes.geo.models import Country

OPTION_CHOICES = {
    SurveyQuestion.REASONS.value: ReasonForLeaving,
    SurveyQuestion.NEEDS.value: Need,
    SurveyQuestion.DOCUMENTS.value: Document,
    SurveyQuestion.INCIDENTS.value: Incident,
    SurveyQuestion.TRANSPORT.value: TransportMode,
}


@lru_cache(maxsize=8)
def _iso_catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


@lru_cache(maxsize=1)
def _known_countries() -> dict[str, Country]:
    return {c.iso2: c for c in Country.objects.all()}


def country_name(code: str) -> str:
    """The country's name in the active language (our table first, then pycountry)."""
    if not code:
        return _("Not stated")
    known = _known_countries().get(code.upper())
    if known is not None:
        return known.name
    entry = pycountry.countries.get(alpha_2=code.upper())
    if entry is None:
        return code
    language = (get_language() or "es")[:2]
    return _iso_catalogue(language).gettext(entry.name)


def forget_countries() -> None:
    """Tests create countries: drop the cached table."""
    _known_countries.cache_clear()


def option_label(question: str, code: str) -> str:
    if question == SurveyQuestion.TRANSIT.value:
        return country_name(code)
    choices = OPTION_CHOICES.get(question)
    if choices is None:
        return code
    return str(dict(choices.choices).get(code, code))


SINGLE_CHOICES = {
    "legal_status": LegalStatus,
    "slept_last_night": SleepingPlace,
    "intention": Intention,
    "disability": YesNo,
    "pregnant": YesNo,
}


def single_label(question: str, code: str) -> str:
    """A single-select answer of the survey; countries by name."""
    if question == "intention_country":
        return country_name(code)
    choices = SINGLE_CHOICES.get(question)
    return str(dict(choices.choices).get(code, code)) if choices else code


def transport_label(code: str) -> str:
    return str(dict(TransportMode.choices).get(code, code))


def direction_label(code: str) -> str:
    return str(dict(Direction.choices).get(code, code))


def flow_type_label(code: str) -> str:
    return str(dict(FlowType.choices).get(code, code))


def sex_label(code: str) -> str:
    return str(dict(Sex.choices).get(code, code))


def question_label(question: str) -> str:
    return str(dict(SurveyQuestion.choices).get(question, question))
