"""Made-up but believable Venezuelan people and households, for the demo and the benchmarks.

Pure and deterministic: `FakeNames(seed)` gives the same people for the same seed, and
imports nothing from Django or the apps. What it knows:

- given names follow the fashions of the decade of birth: Carmen and Ramón for the
  grandparents, the Y-names (Yusmary, Yorbelis, Yorman) and compounds (María José,
  José Gregorio, Luis Alfredo) for the parents, Valentina and Santiago for the children;
- two surnames, the father's first then the mother's first, so a family's names hang
  together; particles ("de la Cruz", "De Freitas") and now and then a single surname;
- dates of birth that make families possible (mothers 15 to 44 at each birth), some of
  them estimated (1 January or 1 July of the year) as registrars write them down;
- the Venezuelan state of birth, weighted by where the people who left come from, with a
  lean towards the border states on the route to each host country;
- cédula numbers (V-12.345.678) that grow with the year of birth, as the real ones do;
- mobile numbers as people write them in Colombia, Peru, Ecuador and Brazil, and the
  Venezuelan number many keep for WhatsApp;
- `misspell()`, the typos a registrar or a search box really sees.

Relationships use the registry's vocabulary (focal_point, spouse, child, ...) as plain
strings, so this module needs nothing from the registry.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

__all__ = ["FakeHousehold", "FakeNames", "FakePerson"]


class _Pool:
    """Weighted choices, with the cumulative weights computed once (random.choices is hot)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, weighted: Sequence[tuple[str, float]]) -> None:
        self.items = [item for item, _ in weighted]
        self.cum = list(accumulate(w for _, w in weighted))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cum)[0]


def _even(names: str) -> list[tuple[str, float]]:
    return [(n.strip(), 1.0) for n in names.split(",") if n.strip()]


# Given names by sex and generation: born before 1970, 1970-1999, 2000 onwards.
_FEMALE = {
    "old": _even(
        "Carmen, Rosa, Josefina, Petra, Gladys, Zoraida, Nelly, Mercedes, Teresa, Elena, "
        "Luisa, Beatriz, Haydée, Olga, Norma, Omaira, Migdalia, Aura, Belkis, Zulay, Hilda, "
        "Carmen Teresa, Luz Marina, Ana Teresa, Rosa Elena, Ana Isabel, Ligia, Irma"
    ),
    "mid": _even(
        "Yusmary, Yorbelis, Yelitza, Yuleisy, Yaritza, Yenny, Yusleidy, Yoselin, Yulimar, "
        "Yamileth, Yarelis, Marielis, Mariangel, Oriana, Andreína, Gabriela, Daniela, "
        "Carolina, Alejandra, Karina, Luisana, Rosmary, Rosángela, Milagros, Xiomara, Keila, "
        "Dayana, Deisy, Leidy, Nathaly, Wilmary, Glorimar, Norelys, Maryuri, Mayerlín, "
        "Johana, Karla, Nairobis, Thaís, Anaís, Desirée, Maholy, Yajaira, Yelimar, Génesis, "
        "Lisbeth, Marbelis, Dilcia, Eglée, Francys, Zuleima, Yurimar, Arelis"
    ),
    "young": _even(
        "Valentina, Isabella, Sofía, Victoria, Camila, Samantha, Luciana, Antonella, Aranza, "
        "Mía, Sara, Salomé, Emily, Ashley, Kimberly, Brittany, Génesis, Abigail, Fabiana, "
        "Paola, Nicole, Yuliannys, Yeilimar, Sofía Valentina, Isabel, Rebeca, Aitana"
    ),
}
_MALE = {
    "old": _even(
        "Ramón, Pedro, José, Luis, Rafael, Manuel, Jesús, Antonio, Francisco, Juan, Pablo, "
        "Domingo, Simón, Ernesto, Orlando, Nelson, Douglas, Argenis, Alí, Gilberto, Humberto, "
        "Pedro Pablo, Juan Bautista, José de Jesús"
    ),
    "mid": _even(
        "Wilmer, Wilfredo, Yorman, Yoel, Yordi, Jhonny, Jhonatan, Deivis, Deiby, Darwin, "
        "Edgar, Freddy, Franklin, Henry, Richard, Kelvin, Anderson, Jefferson, Keiner, Omar, "
        "Reinaldo, Alexander, Elvis, Leonardo, Ender, Neomar, Keiber, Eduardo, Gustavo, "
        "Ronald, Oswaldo, Leandro, Jean Carlos, Yonathan, Yhonder, Argenis, Robert, Wuilmer"
    ),
    "young": _even(
        "Santiago, Sebastián, Mateo, Thiago, Matías, Diego, Samuel, Dylan, Ian, Gabriel, "
        "Daniel, Ángel, Moisés, Yonaiker, Yeferson, Brayan, Kevin, Jhoan, Josué, Isaac, "
        "Jesús Daniel, Yeiker, Elías, Joel, Emmanuel"
    ),
}
# Fixed compounds that are names in their own right, and the second names used to build more.
_FEMALE_COMPOUNDS = _even(
    "María José, María Alejandra, María Gabriela, María Fernanda, María Eugenia, "
    "María Victoria, María Daniela, María Valentina, María Laura, María Carolina, "
    "María del Valle, María de los Ángeles, María del Carmen, María Auxiliadora, "
    "Ana Karina, Ana María, Ana Gabriela, Luz Marina, Rosa Elena, Carmen Elena, "
    "Luisa Fernanda, Andrea Carolina, Mary Carmen"
)
_MALE_COMPOUNDS = _even(
    "José Gregorio, José Luis, José Ángel, José Antonio, José Manuel, José Rafael, "
    "José Miguel, José Daniel, José Alejandro, Luis Alfredo, Luis Eduardo, Luis Miguel, "
    "Luis Enrique, Luis Alberto, Juan Carlos, Juan Pablo, Juan José, Carlos Eduardo, "
    "Carlos Luis, Jesús Alberto, Jesús Manuel, Jesús Rafael, Pedro Luis, Miguel Ángel, "
    "Víctor Manuel, Francisco Javier, Andrés Eloy, Ángel David, Rubén Darío, Luis Fernando"
)
_FEMALE_SECOND = _even(
    "José, Alejandra, Gabriela, Fernanda, Eugenia, Victoria, Daniela, Valentina, Carolina, "
    "Laura, Andreína, Elena, Isabel, Teresa, Beatriz, Milagros, Josefina, Del Valle, "
    "Coromoto, Virginia, Alexandra, Lucía"
)
_MALE_SECOND = _even(
    "Alberto, Alejandro, Alexander, Alfredo, Antonio, Daniel, David, Eduardo, Enrique, "
    "Gregorio, Javier, José, Luis, Manuel, Miguel, Rafael, Ramón, Andrés, Jesús, Ángel, "
    "Ignacio, Ricardo"
)

# Surnames, roughly by how common they are in Venezuela (weights are relative).
_SURNAMES = _Pool(
    [
        *[(s, 10.0) for s in ("González", "Rodríguez", "Pérez", "Hernández", "García")],
        *[(s, 6.0) for s in ("Martínez", "López", "Díaz", "Sánchez", "Ramírez", "Romero")],
        *[
            (s, 4.0)
            for s in (
                "Torres", "Rojas", "Morales", "Flores", "Gutiérrez", "Castillo", "Rivas",
                "Suárez", "Mendoza", "Contreras", "Medina", "Vargas", "Silva", "Álvarez",
                "Fernández", "Gómez", "Márquez", "Blanco", "Ramos", "Moreno",
            )
        ],
        *[
            (s, 2.0)
            for s in (
                "Chacón", "Colmenares", "Guerrero", "Zambrano", "Parra", "Rondón", "Briceño",
                "Salazar", "Quintero", "Peña", "Mora", "Acosta", "Aponte", "Bolívar",
                "Carrillo", "Escalona", "Figueroa", "Graterol", "Linares", "Molina", "Montilla",
                "Nieves", "Ochoa", "Palacios", "Piña", "Rangel", "Sequera", "Tovar", "Urdaneta",
                "Villalobos", "Yépez", "Bracho", "Paredes", "Barrios", "Castro", "Ortega",
                "Osorio", "Arismendi", "Jiménez", "Herrera", "Marín", "Navas", "Requena",
                "Zerpa", "Avendaño", "Guzmán", "Lugo", "Mujica", "Toro", "Valera",
            )
        ],
        *[
            (s, 0.8)
            for s in (
                "Finol", "Urribarrí", "Uzcátegui", "Quiñones", "Echenique", "Sulbarán",
                "Maldonado", "Betancourt", "Ojeda", "Lobo", "Terán", "Pacheco", "Guanipa",
                "Chirinos", "Hidalgo", "Inojosa", "Lameda", "Goitía", "Istúriz", "Oropeza",
            )
        ],
        # Particles and the Portuguese, Canarian and Italian families of Venezuela.
        *[
            (s, 0.7)
            for s in (
                "de la Cruz", "de Jesús", "de los Santos", "de León", "del Castillo",
                "De Freitas", "De Abreu", "De Sousa", "Da Silva", "Dos Santos", "Gonçalves",
                "Rodrigues", "Di Giacomo", "Russo", "Santaella", "D'Amico",
            )
        ],
    ]
)  # fmt: skip

# ISO 3166-2 of the Venezuelan states, weighted by how many of those who left were born there.
_STATES = {
    "VE-V": 14.0, "VE-M": 10.0, "VE-G": 9.0, "VE-A": 8.0, "VE-K": 7.0, "VE-D": 6.0,
    "VE-S": 6.0, "VE-B": 5.0, "VE-F": 5.0, "VE-N": 3.0, "VE-I": 3.0, "VE-L": 3.0,
    "VE-P": 3.0, "VE-R": 3.0, "VE-E": 3.0, "VE-J": 2.0, "VE-T": 2.0, "VE-U": 2.0,
    "VE-C": 2.0, "VE-X": 1.5, "VE-H": 1.0, "VE-O": 1.0, "VE-Y": 0.5, "VE-Z": 0.5,
}  # fmt: skip
# People leave by the nearest border: the western states to Colombia (and on south), the
# eastern states to Brazil.
_STATE_LEAN = {
    "CO": {"VE-S": 3.0, "VE-V": 2.0, "VE-C": 2.0, "VE-L": 1.5},
    "PE": {"VE-S": 1.5, "VE-V": 1.3},
    "EC": {"VE-S": 1.5, "VE-V": 1.3},
    "BR": {"VE-F": 5.0, "VE-N": 3.0, "VE-B": 2.0, "VE-Y": 4.0, "VE-R": 2.0, "VE-Z": 3.0},
}
_STATE_POOLS = {
    host: _Pool([(s, w * _STATE_LEAN.get(host, {}).get(s, 1.0)) for s, w in _STATES.items()])
    for host in ("", "CO", "PE", "EC", "BR")
}

# Cédula numbers were issued in sequence: roughly the number reached by each year of birth.
_CEDULA_BY_YEAR = [
    (1930, 600_000), (1940, 1_500_000), (1950, 2_800_000), (1960, 4_800_000),
    (1970, 8_700_000), (1980, 13_800_000), (1990, 19_600_000), (2000, 26_500_000),
    (2010, 31_500_000), (2020, 35_000_000),
]  # fmt: skip
_CEDULA_AGE = 9  # a Venezuelan child gets the cédula from nine years old

# Mobile prefixes people really have.
_CO_MOBILE = [*range(300, 306), *range(310, 325), 350, 351]
_BR_AREA = {  # DDD of the states where Venezuelans in Brazil live
    "BR-RR": 95, "BR-AM": 92, "BR-SP": 11, "BR-RJ": 21, "BR-PR": 41, "BR-SC": 48,
    "BR-RS": 51, "BR-DF": 61, "BR-MG": 31, "BR-PA": 91, "BR-MS": 67, "BR-GO": 62,
}  # fmt: skip
_VE_MOBILE = ["412", "414", "416", "424", "426"]
# When the families settled in a host country arrived (relative weights, by year): most
# in 2018 and 2019, fewer during the border closures of 2020.
_ARRIVAL_YEARS = {2016: 4, 2017: 10, 2018: 25, 2019: 25, 2020: 7, 2021: 10, 2022: 8, 2023: 6,
                  2024: 4, 2025: 3}  # fmt: skip


@dataclass(frozen=True)
class FakePerson:
    given_names: str
    first_surname: str
    second_surname: str
    sex: str  # "F" or "M"
    birth_date: date
    birth_date_estimated: bool
    relationship: str
    birth_country: str = "VE"  # ISO 3166-1 alpha-2
    birth_state: str = ""  # ISO 3166-2, when born in Venezuela
    cedula: str = ""  # the number, when the person has one ("V-12.345.678")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


@dataclass(frozen=True)
class FakeHousehold:
    kind: str  # alone, couple, couple_children, single_caregiver, extended, relatives, ...
    members: tuple[FakePerson, ...]
    phone: str = ""  # as written in the host country
    venezuelan_phone: str = ""  # the old number many keep for WhatsApp, in +58 form
    arrival: date | None = None  # in the host country, for a family settled there

    @property
    def focal_point(self) -> FakePerson:
        return self.members[0]


# Household archetypes and how often each is met at registration (weights).
_KINDS = _Pool(
    [
        ("alone", 20.0),
        ("couple", 8.0),
        ("couple_children", 35.0),
        ("single_caregiver", 20.0),
        ("extended", 8.0),
        ("relatives", 5.5),
        ("grandparent", 3.0),
        ("unaccompanied", 0.5),
    ]
)


class FakeNames:
    """A seeded source of people and households. Not thread-safe; one per loader."""

    def __init__(self, seed: int = 0, *, today: date | None = None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - made-up people, not secrets
        self.today = today or date(2025, 6, 30)
        self._cedulas: set[int] = set()
        self._arrival: date | None = None  # of the family being made
        female = {k: _Pool(v) for k, v in _FEMALE.items()}
        male = {k: _Pool(v) for k, v in _MALE.items()}
        self._given = {"F": female, "M": male}
        self._compound = {"F": _Pool(_FEMALE_COMPOUNDS), "M": _Pool(_MALE_COMPOUNDS)}
        self._second = {"F": _Pool(_FEMALE_SECOND), "M": _Pool(_MALE_SECOND)}

    # --- names -------------------------------------------------------------------------

    def given_names(self, sex: str, birth_year: int) -> str:
        rng = self.rng
        generation = "old" if birth_year < 1970 else "mid" if birth_year < 2000 else "young"
        if rng.random() < 0.1:  # fashions overlap
            generation = rng.choice(("old", "mid", "young"))
        roll = rng.random()
        if roll < 0.30 and generation != "young":
            return self._compound[sex].pick(rng)
        first = self._given[sex][generation].pick(rng)
        if " " not in first and roll < 0.60:
            second = self._second[sex].pick(rng)
            if second != first:
                return f"{first} {second}"
        return first

    def surname(self) -> str:
        return _SURNAMES.pick(self.rng)

    # --- dates and documents -----------------------------------------------------------

    def birth_date(self, age: int) -> tuple[date, bool]:
        """A date of birth for someone `age` today; older people's are more often estimated."""
        rng = self.rng
        today = self.today
        try:
            birthday = today.replace(year=today.year - age)
        except ValueError:  # 29 February
            birthday = today.replace(year=today.year - age, day=28)
        day = birthday - timedelta(days=rng.randrange(365))
        estimated = rng.random() < (0.25 if age >= 60 else 0.08 if age >= 18 else 0.04)
        if estimated:
            guess = date(day.year, rng.choice((1, 7)), 1)
            estimated = guess <= today
            day = guess if estimated else day
        return day, estimated

    def cedula(self, birth_year: int) -> str:
        """A cédula number plausible for the year of birth, unique within this generator."""
        low = _CEDULA_BY_YEAR[0]
        for high in _CEDULA_BY_YEAR[1:]:
            if birth_year <= high[0]:
                break
            low = high
        span = max(high[0] - low[0], 1)
        base = low[1] + (high[1] - low[1]) * (min(birth_year, high[0]) - low[0]) / span
        while True:
            number = max(100_000, int(base + self.rng.gauss(0, 900_000)))
            if number not in self._cedulas:
                self._cedulas.add(number)
                return "V-" + f"{number:,}".replace(",", ".")

    def passport(self) -> str:
        """A Venezuelan passport number: nine digits."""
        return str(self.rng.randrange(100_000_000, 180_000_000))

    # --- phones ------------------------------------------------------------------------

    def phone(self, country: str, area: str = "") -> str:
        """A mobile number as written in `country` (ISO2); `area` (ISO 3166-2) picks a DDD."""
        r = self.rng.randrange
        if country == "CO":
            prefix = self.rng.choice(_CO_MOBILE)
            return f"{prefix} {r(1000):03d} {r(10000):04d}"
        if country == "PE":
            return f"9{r(10)}{r(10)} {r(1000):03d} {r(1000):03d}"
        if country == "EC":
            return f"09{r(6, 10)} {r(100, 1000):03d} {r(10000):04d}"
        if country == "BR":
            ddd = _BR_AREA.get(area) or self.rng.choice(list(_BR_AREA.values()))
            return f"({ddd}) 9{r(6, 10)}{r(1000):03d}-{r(10000):04d}"
        if country == "VE":
            return f"+58 {self.rng.choice(_VE_MOBILE)} {r(1000000, 10000000)}"
        raise ValueError(f"no phone format for {country}")

    # --- people ------------------------------------------------------------------------

    def person(
        self,
        *,
        sex: str,
        age: int,
        relationship: str,
        first_surname: str | None = None,
        second_surname: str | None = None,
        host: str = "",
        born_in: str = "VE",
        state: str = "",
        avoid: frozenset[str] = frozenset(),
    ) -> FakePerson:
        """`state` fixes the state of birth (siblings); `avoid` are first names already taken."""
        rng = self.rng
        birth, estimated = self.birth_date(age)
        given = self.given_names(sex, birth.year)
        for _ in range(5):  # brothers and sisters do not share their first name
            if given.split(" ")[0] not in avoid:
                break
            given = self.given_names(sex, birth.year)
        first = first_surname if first_surname is not None else self.surname()
        second = second_surname if second_surname is not None else self.surname()
        if second_surname is None and rng.random() < 0.05:
            second = ""  # a single surname on the papers
        if second == first and rng.random() < 0.8:
            second = self.surname()
        if born_in == "VE" and host and self._arrival and birth > self._arrival:
            born_in = host  # born since the family arrived: a national of the host country
        if born_in != "VE":
            state = ""
        elif not state:
            state = _STATE_POOLS.get(host, _STATE_POOLS[""]).pick(rng)
        has_cedula = born_in == "VE" and age >= _CEDULA_AGE and rng.random() < 0.95
        return FakePerson(
            given_names=given,
            first_surname=first,
            second_surname=second,
            sex=sex,
            birth_date=birth,
            birth_date_estimated=estimated,
            relationship=relationship,
            birth_country=born_in,
            birth_state=state,
            cedula=self.cedula(birth.year) if has_cedula else "",
        )

    def _adult_age(self, low: int = 18, high: int = 60) -> int:
        # Most who leave are young adults: a triangle peaking in the late twenties.
        return max(low, min(high, int(self.rng.triangular(low, high, 27))))

    def _children(
        self,
        mother: FakePerson,
        count: int,
        father_surname: str,
        mother_surname: str,
        host: str,
    ) -> list[FakePerson]:
        """Up to `count` children of `mother`, one to five years apart, eldest first."""
        rng = self.rng
        oldest = min(17 if rng.random() < 0.9 else 24, mother.age_on(self.today) - 16)
        ages: list[int] = []
        age = rng.randint(0, max(0, min(10, oldest)))
        while len(ages) < count and age <= oldest:
            ages.append(age)
            age += rng.choice((1, 2, 2, 3, 3, 4, 5))
        kids: list[FakePerson] = []
        for age in ages:
            state = mother.birth_state if rng.random() < 0.7 else ""
            kids.append(
                self.person(
                    sex=rng.choice("FM"),
                    age=age,
                    relationship="child",
                    first_surname=father_surname,
                    second_surname=mother_surname,
                    host=host,
                    state=state,
                    avoid=frozenset(k.given_names.split(" ")[0] for k in kids),
                )
            )
        return kids[::-1]

    def household(self, host: str = "", area: str = "", *, settled: bool = True) -> FakeHousehold:
        """One family as it presents itself at registration, focal point first.

        `host` (ISO2) and `area` (ISO 3166-2) shape states of birth and phone numbers. A
        family `settled` in the host country has an arrival date, and its children born
        since were born there (all four host countries give them their nationality); one
        in transit has neither.
        """
        rng = self.rng
        self._arrival = self.arrival() if settled and host else None
        kind = _KINDS.pick(rng)
        members: list[FakePerson] = []
        s = self.surname
        if kind == "alone":
            sex = "M" if rng.random() < 0.6 else "F"
            members.append(
                self.person(sex=sex, age=self._adult_age(), relationship="focal_point", host=host)
            )
        elif kind in {"couple", "couple_children", "extended"}:
            woman_age = self._adult_age(18, 55)
            man_age = max(18, woman_age + rng.randint(-3, 8))
            woman = self.person(sex="F", age=woman_age, relationship="focal_point", host=host)
            man = self.person(sex="M", age=man_age, relationship="spouse", host=host)
            if rng.random() < 0.45:  # in fewer families the man is named the focal point
                man = _with(man, relationship="focal_point")
                woman = _with(woman, relationship="spouse")
                members += [man, woman]
            else:
                members += [woman, man]
            mother, father = woman, man
            if kind != "couple":
                n = rng.choice((1, 1, 1, 2, 2, 2, 3, 3, 4))
                kids = self._children(mother, n, father.first_surname, mother.first_surname, host)
                if kids and rng.random() < 0.12:  # her eldest is from an earlier union
                    relationship = "stepchild" if man.relationship == "focal_point" else "child"
                    kids[0] = _with(kids[0], relationship=relationship, first_surname=s())
                members += kids
            if kind == "extended":
                focal = members[0]
                grandmother_age = min(90, focal.age_on(self.today) + rng.randint(18, 35))
                members.append(
                    self.person(
                        sex="F",
                        age=grandmother_age,
                        relationship="parent",
                        first_surname=focal.second_surname or s(),
                        host=host,
                    )
                )
        elif kind == "single_caregiver":
            sex = "F" if rng.random() < 0.92 else "M"
            age = self._adult_age(18, 50)
            focal = self.person(sex=sex, age=age, relationship="focal_point", host=host)
            members.append(focal)
            n = rng.choice((1, 1, 2, 2, 2, 3, 4))
            if sex == "F":
                # The father stays behind; one child in four carries only the mother's names.
                if rng.random() < 0.75:
                    surnames = (s(), focal.first_surname)
                else:
                    surnames = (focal.first_surname, focal.second_surname)
                members += self._children(focal, n, *surnames, host)
            else:
                members += self._children(focal, n, focal.first_surname, s(), host)
        elif kind == "relatives":
            focal = self.person(
                sex=rng.choice("FM"), age=self._adult_age(), relationship="focal_point", host=host
            )
            members.append(focal)
            for _ in range(rng.choice((1, 1, 2))):
                roll = rng.random()
                if roll < 0.5:
                    members.append(
                        self.person(
                            sex=rng.choice("FM"),
                            age=max(16, focal.age_on(self.today) + rng.randint(-8, 8)),
                            relationship="sibling",
                            first_surname=focal.first_surname,
                            second_surname=focal.second_surname,
                            host=host,
                        )
                    )
                elif roll < 0.8:
                    members.append(
                        self.person(
                            sex=rng.choice("FM"),
                            age=self._adult_age(16, 45),
                            relationship="other_relative",
                            first_surname=rng.choice((focal.first_surname, s())),
                            host=host,
                        )
                    )
                else:
                    members.append(
                        self.person(
                            sex=rng.choice("FM"),
                            age=self._adult_age(),
                            relationship="not_related",
                            host=host,
                        )
                    )
        elif kind == "grandparent":
            # Grandmother travelling with the children of a son or daughter who went ahead.
            focal = self.person(
                sex="F" if rng.random() < 0.85 else "M",
                age=rng.randint(50, 72),
                relationship="focal_point",
                host=host,
            )
            members.append(focal)
            # Their mother, the focal point's daughter, carries the focal point's surname:
            # second if it came from her mother, first if from her father.
            from_mother = focal.sex == "F"
            absent = self.person(
                sex="F",
                age=rng.randint(24, 38),
                relationship="",
                host=host,
                first_surname=None if from_mother else focal.first_surname,
                second_surname=focal.first_surname if from_mother else None,
            )
            kids = self._children(absent, rng.choice((1, 2, 2, 3)), s(), absent.first_surname, host)
            members += [_with(k, relationship="grandchild") for k in kids]
        else:  # unaccompanied adolescent registered on their own
            members.append(
                self.person(
                    sex="M" if rng.random() < 0.7 else "F",
                    age=rng.randint(15, 17),
                    relationship="focal_point",
                    host=host,
                )
            )

        phone = self.phone(host, area) if host and rng.random() < 0.75 else ""
        venezuelan = self.phone("VE") if rng.random() < 0.25 else ""
        return FakeHousehold(
            kind=kind,
            members=tuple(members),
            phone=phone,
            venezuelan_phone=venezuelan,
            arrival=self._arrival,
        )

    def arrival(self) -> date:
        """When a family settled in a host country arrived there."""
        rng = self.rng
        years = range(min(_ARRIVAL_YEARS), self.today.year + 1)
        year = rng.choices(years, [_ARRIVAL_YEARS.get(y, 3) for y in years])[0]
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        return min(day, self.today - timedelta(days=1))

    # --- spelling --------------------------------------------------------------------

    def misspell(self, text: str) -> str:
        """One slip of the kind registrars make: a lost accent, b/v, s/z, a dropped letter."""
        rng = self.rng
        moves = (_strip_accents, _swap_sounds, _drop_letter, _double_letter, _transpose)
        for move in rng.sample(moves, len(moves)):
            changed = move(text, rng)
            if changed != text:
                return changed
        return text


def _with(p: FakePerson, **changes: Any) -> FakePerson:
    return replace(p, **changes)


def _strip_accents(text: str, rng: random.Random) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


_SOUNDS = [
    ("v", "b"), ("b", "v"), ("z", "s"), ("s", "z"), ("y", "i"), ("ll", "y"),
    ("ce", "se"), ("ci", "si"), ("gi", "ji"), ("j", "g"), ("h", ""), ("qu", "k"),
]  # fmt: skip


def _swap_sounds(text: str, rng: random.Random) -> str:
    lower = text.lower()
    options = [(a, b) for a, b in _SOUNDS if a in lower]
    if not options:
        return text
    a, b = rng.choice(options)
    at = lower.find(a)
    replacement = b.upper() if text[at : at + 1].isupper() else b
    return text[:at] + replacement + text[at + len(a) :]


def _letter_positions(text: str) -> list[int]:
    # Not the first letter of a word: people rarely get that wrong.
    return [i for i in range(1, len(text)) if text[i].isalpha() and text[i - 1].isalpha()]


def _drop_letter(text: str, rng: random.Random) -> str:
    spots = _letter_positions(text)
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + text[i + 1 :]


def _double_letter(text: str, rng: random.Random) -> str:
    spots = _letter_positions(text)
    if not spots:
        return text
    i = rng.choice(spots)
    return text[: i + 1] + text[i] + text[i + 1 :]


def _transpose(text: str, rng: random.Random) -> str:
    spots = [i for i in _letter_positions(text) if i + 1 < len(text) and text[i + 1].isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
