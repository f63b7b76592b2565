"""Demo organisations and one user per role. Used by `caminantes demo` only."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from caminantes.accounts import services
from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Role
from caminantes.geo.models import Country

HOST_AND_ORIGIN = [
    "VE", "AR", "AW", "BO", "BR", "CL", "CO", "CR", "CW", "DO", "EC", "GY", "MX", "PA",
    "PY", "PE", "TT", "UY",
]  # fmt: skip

ORGANIZATIONS = [
    # acronym, name, type, countries
    ("IOM", "Organización Internacional para las Migraciones", "un_agency", HOST_AND_ORIGIN),
    ("UNHCR", "Alto Comisionado de las Naciones Unidas para los Refugiados", "un_agency",
     HOST_AND_ORIGIN),
    ("FFS", "Fundación Frontera Solidaria", "national_ngo", ["CO"]),
    ("AMA", "Asociación Manos Abiertas", "national_ngo", ["PE"]),
]  # fmt: skip


@dataclass(frozen=True)
class DemoUser:
    login: str
    name: str
    org: str
    role: Role
    countries: tuple[str, ...]

    @property
    def email(self) -> str:
        return f"{self.login}@demo.caminantes.org"


R = Role
USERS = [
    DemoUser("admin", "Ana Plataforma", "IOM", R.PLATFORM_ADMIN, ()),
    DemoUser("gerente.co", "Carlos Gerente", "IOM", R.COUNTRY_MANAGER, ("CO",)),
    DemoUser("registro.co", "Rosa Registro", "IOM", R.REGISTRATION_OFFICER, ("CO",)),
    DemoUser("registro.pe", "Pedro Registro", "AMA", R.REGISTRATION_OFFICER, ("PE",)),
    DemoUser("distribucion.co", "Diego Distribución", "FFS", R.DISTRIBUTION_OFFICER, ("CO",)),
    DemoUser("albergue.co", "Andrea Albergue", "FFS", R.SHELTER_OFFICER, ("CO",)),
    DemoUser("albergue.pe", "Sofía Albergue", "AMA", R.SHELTER_OFFICER, ("PE",)),
    DemoUser("vbg.co", "Valeria Protección", "UNHCR", R.GBV_OFFICER, ("CO",)),
    # Valeria's supervisor on her cases; Gloria is a GBV officer assigned to none of them.
    DemoUser("vbg.supervisora.co", "Silvia Supervisora", "UNHCR", R.GBV_OFFICER, ("CO",)),
    DemoUser("vbg2.co", "Gloria Género", "UNHCR", R.GBV_OFFICER, ("CO",)),
    DemoUser("trata.pe", "Tomás Trata", "IOM", R.ANTI_TRAFFICKING_OFFICER, ("PE",)),
    DemoUser("dtm.enumerador", "Elena Enumeradora", "IOM", R.DTM_ENUMERATOR, ("CO",)),
    DemoUser("dtm.analista", "Andrés Analista", "IOM", R.DTM_ANALYST, ("CO", "PE", "EC", "BR")),
    DemoUser("imo", "Inés Información", "UNHCR", R.IM_OFFICER, ()),
    DemoUser("enlace.ffs", "Felipe Enlace", "FFS", R.PARTNER_FOCAL_POINT, ("CO",)),
    DemoUser("auditoria", "Aurora Auditora", "IOM", R.AUDITOR, ()),
]  # fmt: skip

DEFAULT_PASSWORD = "caminantes-demo"  # noqa: S105 - demo only, two-factor waived only with DEBUG


@functools.cache
def password_hash(password: str) -> str:
    """One hash for every demo user. Their password is public anyway, and hashing it once
    for each of twenty users (PBKDF2, a million rounds) took ten seconds of every load."""
    return make_password(password)


def load(
    say: Callable[[str], None], *, password: str = DEFAULT_PASSWORD, **options: object
) -> None:
    countries = {c.iso2: c for c in Country.objects.all()}
    with transaction.atomic():
        orgs: dict[str, Organization] = {}
        for acronym, name, org_type, isos in ORGANIZATIONS:
            org = Organization.objects.filter(acronym=acronym).first()
            if org is None:
                org = services.organization_create(
                    actor=None,
                    name=name,
                    acronym=acronym,
                    type=org_type,
                    countries=[countries[i] for i in isos if i in countries],
                )
            orgs[acronym] = org
        for spec in USERS:
            user = User.objects.filter(email=spec.email).first()
            if user is None:
                user = services.user_create(
                    actor=None,
                    email=spec.email,
                    full_name=spec.name,
                    password=None,
                    is_demo=True,
                )
            user.password = password_hash(password)
            user.save(update_fields=["password"])
            org = orgs[spec.org]
            if (
                not Membership.objects.active()
                .filter(user=user, organization=org, role=spec.role)
                .exists()
            ):
                services.membership_add(
                    actor=None,
                    user=user,
                    organization=org,
                    role=spec.role,
                    countries=[countries[i] for i in spec.countries],
                )
    say("")
    say(f"Demo users (password for all: {password}):")
    for spec in USERS:
        where = ", ".join(spec.countries) or _("all countries")
        say(f"  {spec.email:40} {spec.role.label} · {spec.org} · {where}")
