"""The reference lists a 5W is checked against: countries and their admin1 (and admin2
where known), sectors and subsectors, indicators with their type and sector, CVA delivery
mechanisms, population types and known partner organisations.

`Reference.default()` loads the lists shipped in `fivew/data/` (from R4V's public files:
the 2022 consolidation's admin1 names, the 2022 5W sample's indicators and organisations,
the 2025 template's sectors; ISO 3166-2 and OCHA P-codes added where sure). The app builds
its own from the database with the same plain dataclasses (`Reference(countries=...,
sectors=..., indicators=..., partners=...)`), so the upload page checks against the lists
the coordinators keep up to date.

Every lookup is by folded name (accents, case and punctuation ignored) and accepts
Spanish and Portuguese names and the aliases listed, returning the canonical entry.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .text import fold

DATA = Path(__file__).resolve().parent.parent / "data"
COUNTRY_LEVEL = "Country level"

DIRECT_ASSISTANCE = "direct_assistance"
CAPACITY_BUILDING = "capacity_building"
INFRASTRUCTURE = "infrastructure"
MECHANISM_ADVOCACY = "mechanism_advocacy"
OTHER = "other"

INDICATOR_TYPES: dict[str, dict[str, str]] = {
    DIRECT_ASSISTANCE: {
        "en": "Direct Assistance",
        "es": "Asistencia directa",
        "pt": "Assistência direta",
    },
    CAPACITY_BUILDING: {
        "en": "Capacity Building",
        "es": "Fortalecimiento de capacidades",
        "pt": "Capacitação",
    },
    INFRASTRUCTURE: {"en": "Infrastructure", "es": "Infraestructura", "pt": "Infraestrutura"},
    MECHANISM_ADVOCACY: {
        "en": "Mechanism/Advocacy",
        "es": "Mecanismo/Incidencia",
        "pt": "Mecanismo/Incidência",
    },
    OTHER: {"en": "Other", "es": "Otro", "pt": "Outro"},
}

# CVA delivery mechanisms (DOMAIN.md), with the spellings partners use for them.
DELIVERY_MECHANISMS: dict[str, dict[str, str]] = {
    "bank_account": {"en": "Bank account", "es": "Cuenta bancaria", "pt": "Conta bancária"},
    "mobile_money": {"en": "Mobile money", "es": "Dinero móvil", "pt": "Dinheiro móvel"},
    "prepaid_card": {"en": "Prepaid card", "es": "Tarjeta prepago", "pt": "Cartão pré-pago"},
    "over_the_counter": {
        "en": "Over-the-counter collection",
        "es": "Cobro en ventanilla",
        "pt": "Saque no balcão",
    },
    "cash_in_hand": {"en": "Cash in hand", "es": "Efectivo en mano", "pt": "Dinheiro em mãos"},
    "cardless_atm": {
        "en": "Cardless ATM",
        "es": "Cajero sin tarjeta",
        "pt": "Caixa eletrônico sem cartão",
    },
    "voucher": {"en": "Voucher", "es": "Cupón/Bono", "pt": "Voucher/Vale"},
    "other": {"en": "Other", "es": "Otro", "pt": "Outro"},
}
DELIVERY_ALIASES: dict[str, str] = {
    "bank transfer": "bank_account",
    "transferencia bancaria": "bank_account",
    "deposito bancario": "bank_account",
    "transferencia": "bank_account",
    "mobile wallet": "mobile_money",
    "billetera movil": "mobile_money",
    "billetera digital": "mobile_money",
    "dinero movil": "mobile_money",
    "prepaid cards": "prepaid_card",
    "tarjeta prepagada": "prepaid_card",
    "tarjetas prepago": "prepaid_card",
    "over the counter": "over_the_counter",
    "otc": "over_the_counter",
    "ventanilla": "over_the_counter",
    "giro": "over_the_counter",
    "remesa": "over_the_counter",
    "physical cash": "cash_in_hand",
    "cash": "cash_in_hand",
    "efectivo": "cash_in_hand",
    "dinero en efectivo": "cash_in_hand",
    "efectivo fisico": "cash_in_hand",
    "dinheiro em especie": "cash_in_hand",
    "atm": "cardless_atm",
    "cajero automatico sin tarjeta": "cardless_atm",
    "retiro sin tarjeta": "cardless_atm",
    "vouchers": "voucher",
    "cupon": "voucher",
    "cupones": "voucher",
    "bono": "voucher",
    "bonos": "voucher",
    "vale": "voucher",
    "vales": "voucher",
    "e voucher": "voucher",
    "otro": "other",
    "otros": "other",
    "outro": "other",
}

POPULATION_TYPES: dict[str, dict[str, str]] = {
    "pop_in_destination": {"en": "In destination", "es": "En destino", "pt": "No destino"},
    "pop_in_transit": {"en": "In transit", "es": "En tránsito", "pt": "Em trânsito"},
    "pop_host_community": {
        "en": "Host community",
        "es": "Comunidad de acogida",
        "pt": "Comunidade de acolhida",
    },
    "pop_pendular": {"en": "Pendular", "es": "Pendular", "pt": "Pendular"},
    "pop_colombian_returnees": {
        "en": "Colombian returnees",
        "es": "Colombianos retornados",
        "pt": "Colombianos retornados",
    },
}


@dataclass
class Admin1:
    name: str
    iso3166_2: str = ""
    pcode: str = ""
    admin2: set[str] = field(default_factory=set)  # empty: not known, not checked


@dataclass
class Country:
    name: str
    iso3: str = ""
    iso2: str = ""
    names: dict[str, str] = field(default_factory=dict)  # language -> name
    aliases: list[str] = field(default_factory=list)
    admin1: dict[str, Admin1] = field(default_factory=dict)  # name -> Admin1


@dataclass
class Sector:
    name: str
    subsectors: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    subsector_aliases: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Indicator:
    name: str
    sector: str
    type: str  # one of INDICATOR_TYPES
    subsector: str = ""
    code: str = ""


@dataclass
class Partner:
    name: str
    acronym: str = ""


@dataclass
class Reference:
    countries: list[Country] = field(default_factory=list)
    sectors: list[Sector] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    # Sectors whose people reached are children only (adults there are flagged).
    children_only: tuple[tuple[str, str], ...] = (
        ("Education", ""),
        ("Protection", "Child Protection"),
    )
    mpc_sector: str = "Multipurpose Cash Assistance (MPC)"

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the lookups (call after changing the lists)."""
        self._countries: dict[str, Country] = {}
        for c in self.countries:
            for n in (c.name, c.iso3, c.iso2, *c.names.values(), *c.aliases):
                if n:
                    self._countries.setdefault(fold(n), c)
        self._admin1: dict[tuple[str, str], Admin1] = {}
        for c in self.countries:
            for a in c.admin1.values():
                for n in (a.name, a.iso3166_2, a.pcode):
                    if n:
                        self._admin1.setdefault((c.name, fold(n)), a)
        self._sectors: dict[str, Sector] = {}
        self._subsectors: dict[tuple[str, str], str] = {}
        for s in self.sectors:
            for n in (s.name, *s.names.values(), *s.aliases):
                self._sectors.setdefault(fold(n), s)
            for sub in s.subsectors:
                for n in (sub, *s.subsector_aliases.get(sub, [])):
                    self._subsectors.setdefault((s.name, fold(n)), sub)
                    # "Child Protection" alone in the sector column names the subsector
                    self._sectors.setdefault(fold(n), s)
        self._indicators: dict[str, Indicator] = {}
        for i in self.indicators:
            for n in (i.name, i.code):
                if n:
                    self._indicators.setdefault(fold(n), i)
        self._partners: dict[str, Partner] = {}
        for p in self.partners:
            names = [p.name, p.acronym]
            if p.acronym:
                names.append(f"{p.name} ({p.acronym})")
            for n in names:
                if n:
                    self._partners.setdefault(fold(n), p)

    # --- lookups ----------------------------------------------------------------------------

    def country(self, name: object) -> Country | None:
        return self._countries.get(fold(name)) if isinstance(name, str) else None

    def admin1(self, country: Country, name: object) -> Admin1 | None:
        if not isinstance(name, str):
            return None
        return self._admin1.get((country.name, fold(name)))

    def admin2_known(self, admin1: Admin1, name: object) -> bool | None:
        """True/False against the admin1's admin2 list; None when no list is known."""
        if not admin1.admin2 or not isinstance(name, str):
            return None
        return fold(name) in {fold(n) for n in admin1.admin2}

    def sector(self, name: object) -> Sector | None:
        return self._sectors.get(fold(name)) if isinstance(name, str) else None

    def subsector(self, sector: Sector, name: object) -> str | None:
        """The canonical subsector; '' for none given; None when the sector has no such one."""
        if not isinstance(name, str) or not name:
            return ""
        return self._subsectors.get((sector.name, fold(name)))

    def indicator(self, name: object) -> Indicator | None:
        return self._indicators.get(fold(name)) if isinstance(name, str) else None

    def partner(self, name: object) -> Partner | None:
        if not isinstance(name, str):
            return None
        found = self._partners.get(fold(name))
        if found is None and name.rstrip().endswith(")") and "(" in name:
            # "Full Name (ACR)": either half may be what we know
            head, _, tail = name.rstrip(") ").rpartition("(")
            found = self._partners.get(fold(head)) or self._partners.get(fold(tail))
        return found

    @staticmethod
    def delivery_mechanism(name: object) -> str | None:
        """The mechanism's code (DELIVERY_MECHANISMS) for any of its spellings, or None."""
        if not isinstance(name, str):
            return None
        key = fold(name)
        if key in DELIVERY_ALIASES:
            return DELIVERY_ALIASES[key]
        for code, labels in DELIVERY_MECHANISMS.items():
            if key == fold(code.replace("_", " ")) or key in {fold(v) for v in labels.values()}:
                return code
        return None

    def is_children_only(self, sector: str, subsector: str) -> bool:
        return (sector, subsector or "") in self.children_only or (
            sector,
            "",
        ) in self.children_only

    # --- the shipped lists ------------------------------------------------------------------

    @classmethod
    def default(cls) -> Reference:
        """The reference lists shipped with Caminantes (fivew/data/)."""
        return _default()

    @classmethod
    def from_files(cls, folder: Path) -> Reference:
        countries: dict[str, Country] = {}
        for r in _read(folder / "countries.csv"):
            countries[r["name"]] = Country(
                name=r["name"],
                iso3=r["iso3"],
                iso2=r["iso2"],
                names={"en": r["name"], "es": r["name_es"], "pt": r["name_pt"]},
                aliases=_split(r.get("aliases", "")),
            )
        for r in _read(folder / "admin1.csv"):
            country = countries.setdefault(
                r["country"], Country(name=r["country"], iso3=r["iso3"], iso2=r["iso2"])
            )
            country.admin1[r["admin1"]] = Admin1(r["admin1"], r["iso3166_2"], r["pcode"])
        for r in _read(folder / "admin2.csv"):
            a1 = countries[r["country"]].admin1[r["admin1"]]
            a1.admin2.add(r["admin2"])
        sectors: dict[str, Sector] = {}
        for r in _read(folder / "sectors.csv"):
            sector = sectors.setdefault(r["sector"], Sector(name=r["sector"]))
            if r["subsector"]:
                sector.subsectors.append(r["subsector"])
                sector.subsector_aliases[r["subsector"]] = [
                    r["name_en"],
                    r["name_es"],
                    r["name_pt"],
                    *_split(r["aliases"]),
                ]
            else:
                sector.names = {"en": r["name_en"], "es": r["name_es"], "pt": r["name_pt"]}
                sector.aliases = _split(r["aliases"])
        indicators = [
            Indicator(
                name=r["indicator"],
                sector=r["sector"],
                type=r["type"],
                subsector=r["subsector"],
                code=r["code"],
            )
            for r in _read(folder / "indicators.csv")
        ]
        partners = [Partner(r["name"], r["acronym"]) for r in _read(folder / "partners.csv")]
        return cls(
            countries=list(countries.values()),
            sectors=list(sectors.values()),
            indicators=indicators,
            partners=partners,
        )


def _read(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _split(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split("|") if t.strip()]


@cache
def _default() -> Reference:
    return Reference.from_files(DATA)
