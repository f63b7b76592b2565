"""The foreign world's assistance objects: warehouses and their ledger, deliveries,
distribution plans and handovers, transport and shelter (see tests/world.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from caminantes.accounts.models import Organization, User
from tests.world import BUILDERS, foreign_household

# --- assistance -----------------------------------------------------------------------


def _warehouse(org: Organization, member: User) -> Any:
    from caminantes.assistance.models import Warehouse

    return Warehouse.objects.get_or_create(
        organization=org, country=org.countries.first(), name="Foreign warehouse"
    )[0]


def _stock_movement(org: Organization, member: User) -> Any:
    import uuid as uuid_lib

    from caminantes.assistance.models import Item, StockBalance, StockMovement, StockRequest

    warehouse = _warehouse(org, member)
    existing = StockMovement.objects.filter(warehouse=warehouse).first()
    if existing is not None:
        return existing
    item = Item.objects.get(code="blanket")
    request = StockRequest.objects.create(uuid=uuid_lib.uuid4(), sha256="0" * 64,
                                          warehouse=warehouse)  # fmt: skip
    StockBalance.objects.create(warehouse=warehouse, item=item, lot="F1", quantity=5)
    return StockMovement.objects.create(
        warehouse=warehouse, item=item, lot="F1", kind="receipt", quantity=5, request=request,
        actor=member,
    )  # fmt: skip


def _transfer(org: Organization, member: User) -> Any:
    from caminantes.assistance.models import Transfer, Warehouse

    source = _warehouse(org, member)
    existing = Transfer.objects.filter(source=source).first()
    if existing is not None:
        return existing
    destination = Warehouse.objects.get_or_create(
        organization=org, country=source.country, name="Foreign depot"
    )[0]
    return Transfer.objects.create(source=source, destination=destination)


def _delivery(org: Organization, member: User) -> Any:
    from caminantes.assistance.models import ServiceDelivery, ServiceDeliveryPerson

    household = foreign_household(org, member)
    existing = ServiceDelivery.objects.filter(organization=org).first()
    if existing is not None:
        return existing
    served = ServiceDelivery.objects.create(
        organization=org, country=household.country, household=household, sector="nfi",
        indicator="hygiene_kits", delivered_at=timezone.now(), quantity=1, modality="in_kind",
    )  # fmt: skip
    ServiceDeliveryPerson.objects.create(
        delivery=served, person=household.focal_point, sex="F", population_type="in_transit"
    )
    return served


def _plan(org: Organization, member: User) -> Any:
    from caminantes.assistance.models import DistributionPlan, Kit, QuantityBand
    from caminantes.geo.models import Place

    warehouse = _warehouse(org, member)
    existing = DistributionPlan.objects.filter(warehouse=warehouse).first()
    if existing is not None:
        return existing
    site = Place.objects.filter(country=warehouse.country).first() or Place.objects.create(
        kind="town", name="Foreign site", slug=f"foreign-site-{org.pk}",
        country=warehouse.country, latitude=0, longitude=0,
    )  # fmt: skip
    today = timezone.localdate()
    plan = DistributionPlan.objects.create(
        organization=org, country=warehouse.country, name="Foreign plan", site=site,
        warehouse=warehouse, kit=Kit.objects.get(code="hygiene-kit"), status="open",
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=30),
    )  # fmt: skip
    QuantityBand.objects.create(plan=plan, min_size=1, quantity=1)
    return plan


def _handover(org: Organization, member: User) -> Any:
    import uuid as uuid_lib

    from caminantes.assistance.models import Handover

    plan = _plan(org, member)
    existing = Handover.objects.filter(plan=plan).first()
    if existing is not None:
        return existing
    household = foreign_household(org, member)
    served = _delivery(org, member)
    return Handover.objects.create(
        uuid=uuid_lib.uuid4(), sha256="0" * 64, plan=plan, household=household, quantity=1,
        collected_by=household.focal_point, delivery=served, actor=member,
        day=timezone.localdate(), handed_at=timezone.now(),
    )  # fmt: skip


def _assistance_register() -> None:
    from caminantes.assistance import models as m

    BUILDERS.update({
        m.Warehouse: _warehouse,
        m.StockMovement: _stock_movement,
        m.StockBalance: lambda o, u: _stock_movement(o, u).warehouse,
        m.StockRequest: lambda o, u: _stock_movement(o, u).request,
        m.Transfer: _transfer,
        m.ServiceDelivery: _delivery,
        m.DistributionPlan: _plan,
        m.Handover: _handover,
    })  # fmt: skip


_assistance_register()


# --- transport ------------------------------------------------------------------------


def _transport_trip(org: Organization, member: User) -> Any:
    from datetime import time

    from caminantes.assistance.transport.models import Route, Trip
    from caminantes.geo.models import Place

    country = org.countries.first()
    existing = Trip.objects.filter(route__organization=org).first()
    if existing is not None:
        return existing
    places = [
        Place.objects.get_or_create(
            slug=f"transport-{org.pk}-{end}",
            defaults={"kind": "town", "name": f"Foreign {end}", "country": country,
                      "latitude": 7, "longitude": -72},
        )[0]
        for end in ("origin", "destination")
    ]  # fmt: skip
    route = Route.objects.create(
        organization=org, country=country, name="Foreign route", origin=places[0],
        destination=places[1],
    )  # fmt: skip
    return Trip.objects.create(
        route=route, departs_on=timezone.localdate() + timedelta(days=1), departs_at=time(6),
        vehicle="Foreign bus", seats=10, created_by=member,
    )  # fmt: skip


def _transport_seat(org: Organization, member: User) -> Any:
    from caminantes.assistance.transport.models import Booking, Seat

    trip = _transport_trip(org, member)
    existing = Seat.objects.filter(trip=trip).first()
    if existing is not None:
        return existing
    household = foreign_household(org, member)
    booking = Booking.objects.create(trip=trip, household=household, booked_by=member)
    return Seat.objects.create(booking=booking, trip=trip, person=household.focal_point,
                               seat_no=1)  # fmt: skip


def _transport_register() -> None:
    from caminantes.assistance.transport import models as m

    BUILDERS.update({
        m.Route: lambda o, u: _transport_trip(o, u).route,
        m.Trip: _transport_trip,
        m.Booking: lambda o, u: _transport_seat(o, u).booking,
        m.Seat: _transport_seat,
    })  # fmt: skip


_transport_register()
# --- shelter --------------------------------------------------------------------------


def _shelter_site(org: Organization, member: User) -> Any:
    from caminantes.assistance.shelter.models import Site

    return Site.objects.get_or_create(
        organization=org, country=org.countries.first(), name="Foreign shelter",
        defaults={"kind": "collective"},
    )[0]  # fmt: skip


def _shelter_bed(org: Organization, member: User) -> Any:
    from caminantes.assistance.shelter.models import Bed, Room

    room = Room.objects.get_or_create(site=_shelter_site(org, member), name="Foreign room")[0]
    return Bed.objects.get_or_create(room=room, label="F1")[0]


def _shelter_stay(org: Organization, member: User) -> Any:
    from caminantes.assistance.shelter.models import BedAssignment, Stay

    site = _shelter_site(org, member)
    existing = Stay.objects.filter(site=site).first()
    if existing is not None:
        return existing
    household = foreign_household(org, member)
    today = timezone.localdate()
    stay = Stay.objects.create(
        site=site, household=household, status="checked_in", arrives_on=today,
        leaves_on=today + timedelta(days=2), checked_in_at=timezone.now(),
    )  # fmt: skip
    BedAssignment.objects.create(
        stay=stay, bed=_shelter_bed(org, member), person=household.focal_point,
        assigned_at=timezone.now(),
    )  # fmt: skip
    return stay


def _shelter_waiting(org: Organization, member: User) -> Any:
    from caminantes.assistance.shelter.models import WaitingEntry

    site = _shelter_site(org, member)
    return WaitingEntry.objects.filter(site=site).first() or WaitingEntry.objects.create(
        site=site, household=foreign_household(org, member), size=1,
        added_on=timezone.localdate(),
    )  # fmt: skip


def _shelter_headcount(org: Organization, member: User) -> Any:
    from caminantes.assistance.shelter.models import Headcount

    return Headcount.objects.get_or_create(
        site=_shelter_stay(org, member).site, night=timezone.localdate(),
        defaults={"recorded_at": timezone.now()},
    )[0]  # fmt: skip


def _shelter_register() -> None:
    from caminantes.assistance.shelter import models as m

    BUILDERS.update({
        m.Site: _shelter_site,
        m.Room: lambda o, u: _shelter_bed(o, u).room,
        m.Bed: _shelter_bed,
        m.Stay: _shelter_stay,
        m.WaitingEntry: _shelter_waiting,
        m.Headcount: _shelter_headcount,
    })  # fmt: skip


_shelter_register()


# --- regularization ---------------------------------------------------------------------


def _regularization_office(org: Organization, member: User) -> Any:
    from caminantes.assistance.regularization.models import Office

    return Office.objects.get_or_create(
        organization=org, country=org.countries.first(), name="Foreign office"
    )[0]


def _regularization_scheme(org: Organization) -> Any:
    """The foreign country's scheme (schemes are shared reference: any one will do)."""
    from caminantes.assistance.regularization.models import Scheme, Step

    scheme = Scheme.objects.get_or_create(
        country=org.countries.first(), code="foreign", defaults={"name": "Foreign scheme"}
    )[0]
    Step.objects.get_or_create(
        scheme=scheme, position=1, defaults={"name": "Foreign step", "needs_appointment": True}
    )
    return scheme


def _regularization_slot(org: Organization, member: User) -> Any:
    from caminantes.assistance.regularization.models import Slot

    office = _regularization_office(org, member)
    step = _regularization_scheme(org).steps.get(position=1)
    return Slot.objects.get_or_create(
        office=office, step=step,
        starts_at=timezone.now().replace(microsecond=0) + timedelta(days=2),
    )[0]  # fmt: skip


def _regularization_enrolment(org: Organization, member: User) -> Any:
    from caminantes.assistance.regularization.models import Enrolment

    scheme = _regularization_scheme(org)
    household = foreign_household(org, member)
    existing = Enrolment.objects.filter(organization=org).first()
    if existing is not None:
        return existing
    now = timezone.now()
    return Enrolment.objects.create(
        organization=org, country=household.country, scheme=scheme,
        person=household.focal_point, household=household, step=scheme.steps.get(position=1),
        started_at=now, step_since=now, actor=member,
    )  # fmt: skip


def _regularization_appointment(org: Organization, member: User) -> Any:
    from caminantes.assistance.regularization.models import Appointment

    enrolment = _regularization_enrolment(org, member)
    slot = _regularization_slot(org, member)
    existing = Appointment.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    slot.booked = 1
    slot.save(update_fields=["booked"])
    return Appointment.objects.create(
        slot=slot, enrolment=enrolment, person=enrolment.person, step=slot.step,
        booked_by=member, booked_at=timezone.now(),
    )  # fmt: skip


def _regularization_register() -> None:
    from caminantes.assistance.regularization import models as m

    BUILDERS.update({
        m.Office: _regularization_office,
        m.Slot: _regularization_slot,
        m.Enrolment: _regularization_enrolment,
        m.Appointment: _regularization_appointment,
    })  # fmt: skip


_regularization_register()
# --- casework (relocation, service records, livelihoods) ------------------------------


def _casework_place(org: Organization) -> Any:
    from caminantes.geo.models import Place

    return Place.objects.get_or_create(
        slug=f"casework-{org.pk}",
        defaults={"kind": "town", "name": f"Foreign city {org.pk}",
                  "country": org.countries.first(), "latitude": 4, "longitude": -74},
    )[0]  # fmt: skip


def _relocation_case(org: Organization, member: User) -> Any:
    from caminantes.assistance.casework.models import RelocationCase

    household = foreign_household(org, member)
    return RelocationCase.objects.filter(household=household).first() or (
        RelocationCase.objects.create(
            organization=org, country=household.country, household=household,
            modality="family_reunification", destination=_casework_place(org),
            host_name="Foreign host", host_contact="+57 300 000 0000", created_by=member,
        )
    )  # fmt: skip


def _service_record(org: Organization, member: User) -> Any:
    from caminantes.assistance.casework.models import ServiceRecord

    household = foreign_household(org, member)
    return ServiceRecord.objects.filter(household=household).first() or (
        ServiceRecord.objects.create(
            organization=org, country=household.country, household=household,
            kind="multipurpose_cash", served_on=timezone.localdate(), quantity=1,
            value=100, currency="COP", mechanism="cash_in_hand",
            delivery=_delivery(org, member), created_by=member,
        )
    )  # fmt: skip


def _livelihood(org: Organization, member: User) -> Any:
    from caminantes.assistance.casework.models import LivelihoodActivity

    household = foreign_household(org, member)
    today = timezone.localdate()
    return LivelihoodActivity.objects.filter(household=household).first() or (
        LivelihoodActivity.objects.create(
            organization=org, country=household.country, household=household,
            person=household.focal_point, kind="training", title="Foreign course",
            started_on=today - timedelta(days=100), follow_up_on=today - timedelta(days=10),
            delivery=_delivery(org, member), created_by=member,
        )
    )  # fmt: skip


def _casework_register() -> None:
    from caminantes.assistance.casework import models as m

    BUILDERS.update({
        m.RelocationCase: _relocation_case,
        m.ServiceRecord: _service_record,
        m.LivelihoodActivity: _livelihood,
    })  # fmt: skip


_casework_register()
# The directory and referrals have their own file beside this one.
import tests.world_referrals  # noqa: E402, F401  (registers them in BUILDERS)
