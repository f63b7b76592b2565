"""Demo families: about 2,000 Venezuelan households in Colombia, Peru, Ecuador and Brazil.

Each family is registered by a registration officer of the demo organisation that met it
(IOM and UNHCR in the four countries, FFS in Colombia, AMA in Peru), with the people from
`lib.fakenames` (fixed seed), about 40 % of them without any document, a few needs
assessments and consent withdrawals.

Registration goes through `services.households_register`, a hundred families at a time
(one INSERT per table, not one per row), as every registration does; needs assessments and
withdrawals go through their services. That keeps `caminantes demo` within seconds.

Idempotent: the demo counts the households its registrars already hold and only tops them
up to the target, so a second `caminantes demo` adds nothing. Where the demo organisations
have no registration officer in a country (UNHCR in Ecuador, say), one is added as a demo
user with the demo password, so that every family is registered by someone allowed to.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from caminantes.accounts import policies
from caminantes.accounts import services as accounts_services
from caminantes.accounts.demo import DEFAULT_PASSWORD, password_hash
from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Perm, Role
from caminantes.geo.models import Country
from caminantes.lib.fakenames import FakeNames, FakePerson
from caminantes.registry import duplicates, services
from caminantes.registry.demo_families import (  # noqa: F401 - re-exported
    ASSESSED_SHARE,
    CHUNK,
    DEMO_EMAIL,
    HOUSEHOLDS,
    NO_DOCUMENT_SHARE,
    ONWARD,
    PARTNERS,
    PENDULAR_AREAS,
    PLANS,
    REGISTRARS,
    SEED,
    TRANSIT_AREAS,
    DemoFamily,
    P,
    Plan,
    plan_families,
)
from caminantes.registry.inputs import (
    ConsentInput,
    DocumentInput,
    HouseholdInput,
    PersonInput,
    PhoneInput,
)
from caminantes.registry.models import (
    WG_DOMAINS,
    Consent,
    Document,
    Household,
    Person,
    Sector,
)


class _Builder:
    def __init__(self, rng: random.Random, fake: FakeNames, today: date) -> None:
        self.rng = rng
        self.fake = fake
        self.today = today
        # Made-up numbers collide now and then; a registration refuses a number someone
        # holds already, so a number is given once (those of an earlier run included).
        self.numbers: set[tuple[str, str]] = set(
            Document.objects.values_list("type", "number_hash").distinct()
        )

    def household(self, f: DemoFamily) -> HouseholdInput:
        rng = self.rng
        phones = []
        if f.family.phone:
            phones.append(PhoneInput(number=f.family.phone, whatsapp=rng.random() < 0.8))
        if f.family.venezuelan_phone:
            phones.append(PhoneInput(number=f.family.venezuelan_phone, whatsapp=True))
        destination_country = destination_area = None
        if f.population_type == P.IN_TRANSIT:
            iso, area, _ = rng.choices(ONWARD[f.country], [w for *_, w in ONWARD[f.country]])[0]
            destination_country, destination_area = iso, area or None
        return HouseholdInput(
            population_type=f.population_type,
            admin_area=f.area,
            address=self._address(f),
            arrival_date=self._arrival(f),
            destination_country=destination_country,
            destination_area=destination_area,
            phones=phones,
        )

    def _address(self, f: DemoFamily) -> str:
        places = PLANS[f.country].neighbourhoods.get(f.area)
        if not places or self.rng.random() < 0.3:
            return ""
        place = self.rng.choice(places)
        if f.country == "CO" and not place.startswith("Abrigo"):
            n = self.rng.randint(1, 120)
            return f"Calle {n} # {self.rng.randint(1, 90)}-{self.rng.randint(1, 99)}, {place}"
        return place

    def _arrival(self, f: DemoFamily) -> date | None:
        rng = self.rng
        if f.population_type in {P.PENDULAR, P.HOST_COMMUNITY}:
            return None
        if f.population_type == P.IN_TRANSIT or f.family.arrival is None:
            return self.today - timedelta(days=rng.randint(1, 25))
        return f.family.arrival

    def members(self, f: DemoFamily, share_with: str | None) -> list[PersonInput]:
        rng = self.rng
        focal = f.family.focal_point
        purposes: list[str] = [Consent.Purpose.REGISTRATION]
        if rng.random() < 0.85:
            purposes.append(Consent.Purpose.AGGREGATE_REPORTING)
        if f.family.phone and rng.random() < 0.6:
            purposes.append(Consent.Purpose.MESSAGING)
        separated = f.family.kind in {"grandparent", "unaccompanied"}
        if separated or rng.random() < 0.08:
            purposes.append(Consent.Purpose.FAMILY_TRACING)
        share = share_with if share_with and rng.random() < 0.15 else None
        if share:
            purposes.append(Consent.Purpose.SHARING)
        warao = f.country == "BR" and focal.birth_state == "VE-Y" and rng.random() < 0.7
        languages = ["wba", "es"] if warao else ["es", "pt"] if f.country == "BR" else ["es"]
        youngest_birth = max(m.birth_date for m in f.family.members)
        return [
            self.person(f, m, focal, purposes, share, languages, youngest_birth)
            for m in f.family.members
        ]

    def person(
        self,
        f: DemoFamily,
        m: FakePerson,
        focal: FakePerson,
        purposes: list[str],
        share: str | None,
        languages: list[str],
        youngest_birth: date,
    ) -> PersonInput:
        rng = self.rng
        age = m.age_on(self.today)
        minor = age < services.ADULT_AGE and not (m.relationship == "focal_point" and age >= 14)
        consent = ConsentInput(
            purposes=list(purposes),
            given_by=Consent.GivenBy.GUARDIAN if minor else Consent.GivenBy.PERSON,
            guardian_name=focal.full_name if minor else "",
            child_assent=(True if age >= 7 else None) if minor else None,
            share_with=[share] if share else [],
        )
        birth_country, birth_area = m.birth_country, m.birth_state or None
        nationalities = [m.birth_country]
        cedula = m.cedula
        if f.population_type == P.HOST_COMMUNITY or (
            f.population_type == P.RETURNEE and m.relationship in {"focal_point", "parent"}
        ):
            # Colombians coming home, and the host families: born here, this nationality.
            birth_country, birth_area, nationalities = f.country, f.area, [f.country]
            if f.population_type == P.RETURNEE:
                nationalities.append("VE")  # many hold both
            else:
                cedula = ""
        elif m.birth_country == f.country:
            birth_area = f.area
        needs = []
        if f.family.kind == "single_caregiver" and m.relationship == "focal_point":
            needs.append("single_caregiver")
        if f.family.kind == "unaccompanied" or (
            f.family.kind == "grandparent" and m.relationship == "grandchild" and rng.random() < 0.5
        ):
            needs.append("uasc")
        lactating = (self.today - youngest_birth).days < 365 and m.relationship in {
            "focal_point",
            "spouse",
        }
        if m.sex == "F" and 16 <= age <= 42 and (lactating or rng.random() < 0.05):
            needs.append("pregnant_lactating")
        if age >= 60 and rng.random() < 0.35:
            needs.append("older_at_risk")
        if rng.random() < 0.02:
            needs.append("serious_medical")
        return PersonInput(
            given_names=m.given_names,
            first_surname=m.first_surname,
            second_surname=m.second_surname,
            sex=m.sex,
            relationship=m.relationship,
            birth_date=m.birth_date,
            birth_date_estimated=m.birth_date_estimated,
            nationalities=nationalities,
            birth_country=birth_country,
            birth_area=birth_area,
            languages=languages,
            wg=self._washington_group(age),
            specific_needs=needs,
            documents=self._documents(f, m, age, cedula),
            phone=self.fake.phone(f.country, f.area)
            if m.relationship == "spouse" and rng.random() < 0.3
            else "",
            consent=consent,
        )

    def _washington_group(self, age: int) -> dict[str, str]:
        """The short set, asked of adults; difficulties grow with age."""
        if age < services.ADULT_AGE:
            return {}
        answers = dict.fromkeys(WG_DOMAINS, "none")
        chance = 0.35 if age >= 60 else 0.06
        if self.rng.random() < chance:
            for domain in self.rng.sample(WG_DOMAINS, self.rng.choice((1, 1, 2))):
                answers[domain] = self.rng.choices(["some", "a_lot", "cannot"], [6, 3, 1])[0]
        return answers

    def _documents(
        self, f: DemoFamily, m: FakePerson, age: int, cedula: str
    ) -> list[DocumentInput]:
        unique = []
        for d in self._made_up_documents(f, m, age, cedula):
            key = (d.type, duplicates.document_hash(d.number))
            if key not in self.numbers:
                self.numbers.add(key)
                unique.append(d)
        return unique

    def _made_up_documents(
        self, f: DemoFamily, m: FakePerson, age: int, cedula: str
    ) -> list[DocumentInput]:
        rng = self.rng
        if f.repeat_of is not None or rng.random() < NO_DOCUMENT_SHARE:
            return []
        docs: list[DocumentInput] = []
        if cedula:
            status = rng.choices(list(Document.Status), [75, 15, 10])[0]
            docs.append(DocumentInput(type="cedula", number=cedula, issuing_country="VE",
                                      status=status))  # fmt: skip
        if age >= 18 and rng.random() < 0.2:
            issued = self.today - timedelta(days=rng.randint(200, 4000))
            expires = issued + timedelta(days=365 * 5)
            docs.append(
                DocumentInput(
                    type="passport",
                    number=self.fake.passport(),
                    issuing_country="VE",
                    issued_on=issued,
                    expires_on=expires,
                    status="expired" if expires < self.today else "valid",
                )
            )
        permit = self._permit(f, age)
        if permit:
            docs.append(permit)
        if not docs or (age < 9 and rng.random() < 0.5):
            issuer = m.birth_country if m.birth_country in {"VE", f.country} else "VE"
            year = m.birth_date.year
            docs.append(
                DocumentInput(
                    type="birth_certificate",
                    number=f"{rng.randint(1, 3000)}-{year}",
                    issuing_country=issuer,
                    # a baby born days ago has no certificate dated in the future
                    issued_on=min(m.birth_date + timedelta(days=rng.randint(5, 90)), self.today),
                )
            )
        return docs

    def _permit(self, f: DemoFamily, age: int) -> DocumentInput | None:
        """The host country's regularisation: PPT, CPP, a visa, a residence card."""
        rng = self.rng
        if f.population_type not in {P.IN_DESTINATION, P.RETURNEE}:
            return None
        r = rng.randrange
        if f.country == "CO" and rng.random() < 0.45:
            return DocumentInput(type="ppt", number=str(r(1_000_000, 7_000_000)),
                                 issuing_country="CO")  # fmt: skip
        if f.country == "PE" and age >= 9 and rng.random() < 0.35:
            return DocumentInput(type="cpp", number=f"{r(10**8, 10**9)}", issuing_country="PE")
        if f.country == "EC" and rng.random() < 0.25:
            return DocumentInput(type="host_permit", number=f"VIRTE-{r(10**7, 10**8)}",
                                 issuing_country="EC")  # fmt: skip
        if f.country == "BR" and rng.random() < 0.55:
            letter = rng.choice("FGV")
            return DocumentInput(type="host_permit", number=f"{letter}{r(10**5, 10**6)}-{r(10)}",
                                 issuing_country="BR")  # fmt: skip
        return None

    def severities(self, f: DemoFamily, no_documents: bool) -> dict[str, int]:
        rng = self.rng
        transit = f.population_type in {P.IN_TRANSIT, P.PENDULAR}
        base = {
            Sector.FOOD: 3 if transit else 2,
            Sector.SHELTER: 3 if transit else 1,
            Sector.HEALTH: 1,
            Sector.NFI: 2 if transit else 1,
            Sector.DOCUMENTATION: 3 if no_documents else 1,
            Sector.LIVELIHOODS: 1 if transit else 3,
            Sector.TRANSPORT: 3 if transit else 0,
            Sector.PROTECTION: 1,
        }
        asked = rng.sample(list(base), rng.randint(4, len(base)))
        return {str(s): max(0, min(4, base[s] + rng.choice((-1, 0, 0, 1)))) for s in asked}


# --- who registers ----------------------------------------------------------------------


def _registrars(
    countries: dict[str, Country], orgs: dict[str, Organization], password: str
) -> dict[tuple[str, str], User]:
    """A demo registration officer for each organisation and country the demo works in."""
    found: dict[tuple[str, str], User] = {}
    for iso, plan in PLANS.items():
        for acronym in plan.orgs:
            org, country = orgs[acronym], countries[iso]
            officers = User.objects.filter(
                is_demo=True,
                pk__in=Membership.objects.active()
                .filter(organization=org, role=Role.REGISTRATION_OFFICER)
                .values("user_id"),
            ).order_by("pk")
            user = next(
                (
                    u
                    for u in officers
                    if policies.has_perm(
                        u, Perm.REGISTER_HOUSEHOLDS, organization_id=org.pk, country_id=country.pk
                    )
                ),
                None,
            )
            if user is None:
                login, name = REGISTRARS[(acronym, iso)]
                user = User.objects.filter(email=DEMO_EMAIL.format(login)).first()
                if user is None:
                    user = accounts_services.user_create(
                        actor=None,
                        email=DEMO_EMAIL.format(login),
                        full_name=name,
                        password=None,
                        is_demo=True,
                    )
                    user.password = password_hash(password)
                    user.save(update_fields=["password"])
                accounts_services.membership_add(
                    actor=None,
                    user=user,
                    organization=org,
                    role=Role.REGISTRATION_OFFICER,
                    countries=[country],
                )
                policies.forget_grants(user)
            found[(acronym, iso)] = user
    return found


def demo_households(registrars: Sequence[User]) -> int:
    return Household.objects.filter(registered_by__in=registrars).count()


# --- the bulk registration --------------------------------------------------------------


@dataclass
class DemoRegistration:
    family: DemoFamily
    user: User
    organization: Organization
    country: Country
    household: HouseholdInput
    members: list[PersonInput]


def register(batch: list[DemoRegistration]) -> list[Household]:
    """`services.households_register` for a chunk of families, in order: one call per
    registrar, organisation and country among them (one INSERT per table each)."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, r in enumerate(batch):
        groups.setdefault((r.user.pk, r.organization.pk, r.country.pk), []).append(i)
    households: dict[int, Household] = {}
    for indexes in groups.values():
        first = batch[indexes[0]]
        registrations = services.households_register(
            user=first.user,
            organization=first.organization,
            country=first.country,
            households=[
                services.NewHousehold(batch[i].household, batch[i].members) for i in indexes
            ],
            confirmed_new=True,
            # The identity demo indexes the demo's people itself, after this loader.
            announce=False,
        )
        for i, registration in zip(indexes, registrations, strict=True):
            assert registration.household is not None  # confirmed_new: always written
            households[i] = registration.household
    return [households[i] for i in range(len(batch))]


# --- the loader ---------------------------------------------------------------------------


def load(
    say: Callable[[str], None],
    *,
    password: str = DEFAULT_PASSWORD,
    households: int = HOUSEHOLDS,
    seed: int = SEED,
    **options: object,
) -> None:
    countries = {c.iso2: c for c in Country.objects.all()}
    orgs = {o.acronym: o for o in Organization.objects.filter(acronym__in=PARTNERS)}
    if not {*PLANS, "VE"} <= set(countries) or set(orgs) != set(PARTNERS):
        say("Registry: skipped, load the places and the demo organisations first.")
        return
    registrars = _registrars(countries, orgs, password)
    for (acronym, iso), user in registrars.items():
        services.require_perm(user, Perm.REGISTER_HOUSEHOLDS, orgs[acronym], countries[iso])
    users = list({u.pk: u for u in registrars.values()}.values())
    existing = demo_households(users)
    today = timezone.localdate()
    families = plan_families(households, seed, today)[existing:]

    fake = FakeNames(seed + 1, today=today)  # for what is decided at the desk
    build = _Builder(fake.rng, fake, today)
    assessments = withdrawals = 0
    for start in range(0, len(families), CHUNK):
        batch = [
            DemoRegistration(
                family=f,
                user=registrars[(f.org, f.country)],
                organization=orgs[f.org],
                country=countries[f.country],
                household=build.household(f),
                members=build.members(f, PARTNERS[f.org].get(f.country)),
            )
            for f in families[start : start + CHUNK]
        ]
        with transaction.atomic():
            registered = register(batch)
            for r, hh in zip(batch, registered, strict=True):
                if build.rng.random() < ASSESSED_SHARE:
                    no_documents = not any(m.documents for m in r.members)
                    services.needs_assess(
                        user=r.user,
                        household=hh,
                        severities=build.severities(r.family, no_documents),
                        assessed_on=today - timedelta(days=build.rng.randint(0, 60)),
                    )
                    assessments += 1
                if build.rng.random() < 0.02:
                    consent = (
                        Consent.objects.filter(
                            person__household=hh, purpose=Consent.Purpose.MESSAGING
                        )
                        .order_by("id")
                        .first()
                    )
                    if consent is not None:
                        services.consent_withdraw(user=r.user, consent=consent)
                        withdrawals += 1
    say(_summary(users, len(families), assessments, withdrawals))


def _summary(users: list[User], added: int, assessments: int, withdrawals: int) -> str:
    people = Person.objects.filter(household__registered_by__in=users)
    total = people.count()
    undocumented = people.filter(documents__isnull=True).count()
    by_country = Counter(
        Household.objects.filter(registered_by__in=users).values_list("country__iso2", flat=True)
    )
    where = ", ".join(f"{iso} {by_country[iso]}" for iso in PLANS)
    share = round(100 * undocumented / total) if total else 0
    return (
        f"Registry: {sum(by_country.values())} demo households ({where}; {added} added now), "
        f"{total} people, {share} % without documents; {assessments} needs assessments and "
        f"{withdrawals} consent withdrawals added; registered by {len(users)} registration "
        f"officers (registro.*@demo.caminantes.org)."
    )
