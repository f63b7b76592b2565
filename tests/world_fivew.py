"""The foreign world's 5W: a draft report month with one activity whose name carries the
planted name, and a staged upload holding it too (see tests/world.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from caminantes.accounts.models import Organization, User
from tests.world import BUILDERS, plant


def _report(org: Organization, member: User) -> Any:
    from caminantes.coordination.fivew.models import Report

    return Report.objects.get_or_create(
        organization=org, country=org.countries.first(), month=date(2026, 3, 1)
    )[0]


def _activity(org: Organization, member: User) -> Any:
    from caminantes.coordination.fivew import models as m

    report = _report(org, member)
    existing = m.Activity.objects.filter(report=report).first()
    if existing is not None:
        return existing
    sector = m.Sector.objects.get_or_create(code="world-health", defaults={"name": "Health"})[0]
    indicator = m.Indicator.objects.get_or_create(
        year=2026, code="WORLD-01",
        defaults={"name": "# of people receiving health care", "sector": sector,
                  "type": m.IndicatorType.DIRECT},
    )[0]  # fmt: skip
    admin1 = m.Admin1.objects.get_or_create(country=report.country, name="World area")[0]
    return m.Activity.objects.create(
        report=report, admin1=admin1, sector=sector, indicator=indicator,
        activity_name=f"Consultas {plant(org).given_names}", monthly_beneficiaries=3,
        new_beneficiaries=3, pop_in_destination=3, women_over18=3,
    )  # fmt: skip


def _upload(org: Organization, member: User) -> Any:
    from caminantes.coordination.fivew.models import Upload

    return Upload.objects.get_or_create(
        organization=org, user=member, filename="foreign-5w.xlsx",
        defaults={"layout": "rmrp2025",
                  "rows": [{"number": 2, "values": {"activity_name": plant(org).given_names},
                            "problems": []}]},
    )[0]  # fmt: skip


def _register() -> None:
    from caminantes.coordination.fivew import models as m

    BUILDERS.update({m.Report: _report, m.Activity: _activity, m.Upload: _upload})


_register()
