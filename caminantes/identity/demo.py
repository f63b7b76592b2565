"""Identity's demo: review tickets from the duplicates the registry demo planted (families
registered twice, spelt differently), and two tracing requests by IOM in Colombia, one of
which finds a relative registered by another organisation. Idempotent."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.geo.models import Country
from caminantes.identity import registry_dedupe
from caminantes.identity.models import ReviewTicket, TracingRequest
from caminantes.identity.services import tracing
from caminantes.lib import names
from caminantes.registry import consent, services
from caminantes.registry.demo import REGISTRARS
from caminantes.registry.inputs import ConsentInput, HouseholdInput, PersonInput
from caminantes.registry.models import Household, Person

CASEWORKER = "registro.co@demo.caminantes.org"
COUNTRIES = ["CO", "PE"]
# The registry demo plants duplicates across organisations, which only someone working for
# both may review; these few are registered twice by the same office, for its reviewers.
SECOND_VISIT = "Segunda visita (demo)"
PLANTED = 3


def _plant_same_office_duplicates(say: Callable[[str], None]) -> None:
    caseworker = User.objects.filter(email=CASEWORKER).first()
    co = Country.objects.filter(iso2="CO").first()
    if caseworker is None or co is None:
        return
    if Household.objects.filter(registered_by=caseworker, address=SECOND_VISIT).exists():
        return
    people = Person.objects.filter(
        household__registered_by=caseworker,
        household__country=co,
        relationship="focal_point",
        birth_date__isnull=False,
    ).select_related("household", "household__organization")[:PLANTED]
    for p in people:
        given = names.fold(p.given_names).split(" ")[0].title()  # first name only, no accents
        services.household_register(
            user=caseworker,
            organization=p.household.organization,
            country=co,
            household=HouseholdInput(population_type="in_transit", address=SECOND_VISIT),
            members=[
                PersonInput(
                    given_names=given,
                    first_surname=p.first_surname,
                    second_surname=p.second_surname,
                    sex=p.sex,
                    birth_date=p.birth_date,
                    nationalities=["VE"],
                    consent=ConsentInput(),
                )
            ],
            confirmed_new=True,
        )
    say(f"Identity: {len(people)} people registered a second time by {CASEWORKER}.")


def _consenting(people: object) -> Person | None:
    for person in people:  # type: ignore[attr-defined]
        if consent.allowed(person, consent.Purpose.FAMILY_TRACING):
            return person
    return None


def _tracing(say: Callable[[str], None]) -> None:
    caseworker = User.objects.filter(email=CASEWORKER).first()
    co = Country.objects.filter(iso2="CO").first()
    if caseworker is None or co is None:
        say("Identity: tracing skipped, no demo registration officer in Colombia.")
        return
    if TracingRequest.objects.filter(caseworker=caseworker).exists():
        say("Identity: demo tracing requests already there.")
        return
    adults = Person.objects.filter(
        household__country=co, merged_into__isnull=True, birth_date__year__lt=2000
    ).select_related("household", "household__organization")
    requester = _consenting(
        adults.filter(household__organization__acronym="IOM", relationship="focal_point")[:50]
    )
    sought = _consenting(adults.exclude(household__organization__acronym="IOM")[:50])
    if requester is None or sought is None:
        say("Identity: tracing skipped, no consenting people in the demo registry.")
        return
    org = requester.household.organization
    found = tracing.tracing_request_create(
        user=caseworker,
        organization=org,
        country=co,
        data=tracing.TracingInput(
            sought_given_names=sought.given_names,
            sought_family_names=f"{sought.first_surname} {sought.second_surname}".strip(),
            sought_sex=sought.sex,
            sought_birth_date=sought.birth_date,
            relationship="sibling",
            requester=requester,
        ),
    )
    tracing.tracing_request_create(
        user=caseworker,
        organization=org,
        country=co,
        data=tracing.TracingInput(
            sought_given_names="Wilmer Antonio",
            sought_family_names="Castillo Mora",
            sought_sex="M",
            sought_birth_year=timezone.localdate().year - 34,
            relationship="spouse",
            requester=requester,
        ),
    )
    holder = sought.household.organization
    login = REGISTRARS.get((holder.acronym, "CO"), ("",))[0]
    confirmer = f" ({login}@demo.caminantes.org can confirm it)" if login else ""
    say(
        f"Identity: 2 tracing requests by {CASEWORKER}; {found.matches.count()} possible "
        f"match(es) for {found.code}, to be confirmed by {holder}{confirmer}; until then the "
        "requester sees only that a possible match exists."
    )


def load(say: Callable[[str], None], **options: object) -> None:
    # The registry's demo loads in bulk without the registration events: index it here so
    # the duplicate check of the registration page finds the demo people.
    from caminantes.identity import realtime
    from caminantes.registry.models import Person

    keys = realtime.index_people(
        Person.objects.filter(anonymised_at__isnull=True).values_list("pk", flat=True)
    )
    say(f"Identity: {keys} matching keys for the duplicate check.")
    _plant_same_office_duplicates(say)
    for iso in COUNTRIES:
        if Country.objects.filter(iso2=iso).exists():
            out = io.StringIO()
            registry_dedupe.run(iso, out)
            say("Identity: " + out.getvalue().strip())
    open_tickets = ReviewTicket.objects.filter(status=ReviewTicket.Status.OPEN).count()
    say(f"Identity: {open_tickets} open review tickets.")
    _tracing(say)
