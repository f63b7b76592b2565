"""Demo: a hygiene kit distribution in progress at FFS's Cúcuta site.

An open plan drawing on the demo's main warehouse, for the households FFS registered in
Norte de Santander (1 kit up to 4 people, 2 from 5), at most once a month, 80 households a
day; a few families already served today, one of them through a proxy. Written through the
services as the demo distribution officer. Idempotent: an existing demo plan is left as is.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.assistance import distribution as reads
from caminantes.assistance import services_distribution as sd
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import DistributionPlan, Kit, Warehouse
from caminantes.geo.models import AdminArea, Place

PLAN = "Kits de higiene · Cúcuta"
SERVED_TODAY = 6


def load(say: Callable[[str], None], *, officer: User, warehouse: Warehouse) -> None:
    if DistributionPlan.objects.filter(warehouse=warehouse, name=PLAN).exists():
        say("Assistance: the demo distribution is already there.")
        return
    site = Place.objects.filter(country=warehouse.country, name="Cúcuta").first()
    if site is None:
        return
    today = timezone.localdate()
    with transaction.atomic():
        plan = sd.plan_create(
            actor=officer, warehouse=warehouse, site=site, kit=Kit.objects.get(code="hygiene-kit"),
            name=PLAN, starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=25),
            area=AdminArea.objects.filter(iso_code="CO-NSA").first(), interval_days=30,
            daily_cap=60, bands=[sd.Band(1, 4, 1), sd.Band(5, None, 2)],
            status=DistributionPlan.Status.OPEN,
        )  # fmt: skip
        # The site found room for more families a day: the plan corrected (see its audit).
        sd.plan_update(actor=officer, plan=plan, daily_cap=80)
        served = 0
        for household in reads.distribution_list(user=officer, plan=plan)[: SERVED_TODAY * 2]:
            members = reads.members(household)
            if not members or served >= SERVED_TODAY:
                continue
            proxy = served == 2  # one family sent a neighbour
            try:
                sd.handover_record(
                    actor=officer, plan=plan, household=household, request_id=uuid_lib.uuid4(),
                    collected_by=None if proxy else (household.focal_point or members[0]),
                    proxy_name="Vecina Gladys Ortega" if proxy else "", proxy_consent=proxy,
                )  # fmt: skip
            except Refused:
                continue
            served += 1
    say(f"Assistance: distribution '{PLAN}' open at {site.name}, {served} families served "
        f"today; the desk is at /assistance/desk/{plan.uuid}/.")  # fmt: skip
