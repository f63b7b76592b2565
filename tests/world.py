"""One object of every organisation-scoped model, owned by a given organisation.

The cross-organisation tests build this "foreign world" for FFS and ask every route for
each object as IOM's staff. A new scoped model without a builder here fails that test, so
the test grows with the apps.

The people in a world carry planted values (`plant`): names and a document number that
appear nowhere else, different for each organisation, so that a page can be searched for
another organisation's people and must not contain them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from caminantes.accounts.models import ApiToken, Membership, Organization, User
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Alert, AuditEvent

Builder = Callable[[Organization, User], models.Model]
BUILDERS: dict[type[models.Model], Builder] = {}


def _lazy(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def builder(model: type[models.Model]) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        BUILDERS[model] = fn
        return fn

    return register


@builder(Organization)
def _organization(org: Organization, member: User) -> models.Model:
    return org


@builder(User)
def _user(org: Organization, member: User) -> models.Model:
    return member


@builder(Membership)
def _membership(org: Organization, member: User) -> models.Model:
    return Membership.objects.filter(
        organization=org, user=member
    ).first() or Membership.objects.create(
        user=member, organization=org, role="partner_focal_point"
    )


@builder(ApiToken)
def _token(org: Organization, member: User) -> models.Model:
    return ApiToken.objects.create(
        user=member, name="foreign", prefix=f"f{org.pk:07d}"[:8], key_hash="0" * 64,
        scopes=["read"], expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip


@builder(AuditEvent)
def _event(org: Organization, member: User) -> models.Model:
    return log(member, actions.UPDATE, member, organization=org)


@builder(Alert)
def _alert(org: Organization, member: User) -> models.Model:
    return Alert.objects.create(
        kind=Alert.Kind.BULK_READ, user=member, organization=org, count=99, window_minutes=10
    )


def build_foreign_world(org: Organization, member: User) -> dict[type[models.Model], Any]:
    return {model: fn(org, member) for model, fn in BUILDERS.items()}


def distinct_objects(world: dict[type[models.Model], Any]) -> list[models.Model]:
    """The world's objects once each (several builders return the object a route names)."""
    seen: dict[tuple[type[models.Model], Any], models.Model] = {}
    for obj in world.values():
        seen.setdefault((type(obj), obj.pk), obj)
    return list(seen.values())


# --- registry -------------------------------------------------------------------------


@dataclass(frozen=True)
class Plant:
    """Values of one organisation's world that no other organisation's page may show.

    ASCII only (JSON escapes accents) and made of nonsense words, so that no template,
    translation or other test datum contains them by chance."""

    given_names: str  # the household's focal point
    sibling_given_names: str  # a second member (the suspected duplicate)
    surname: str
    document: str  # the focal point's passport number
    sought_given_names: str  # the relative a tracing request looks for
    sought_family_names: str

    @property
    def words(self) -> list[str]:
        return [self.given_names, self.sibling_given_names, self.surname, self.document,
                self.sought_given_names, self.sought_family_names]  # fmt: skip


_SYLLABLES = ["ba", "ke", "ti", "zo", "mu", "ra", "le", "ni", "xo", "pu"]


def plant(org: Organization) -> Plant:
    code = "".join(_SYLLABLES[int(d)] for d in str(org.pk))
    return Plant(
        given_names=f"Yorbelis{code}",
        sibling_given_names=f"Dairelys{code}",
        surname=f"Quintavarez{code}",
        document=f"{73_900_000 + org.pk * 10_101}",
        sought_given_names=f"Wuilmerth{code}",
        sought_family_names=f"Tobarraga{code}",
    )


def _planted_person(household: Any, relationship: str, given_names: str) -> Any:
    """A member as registration leaves them: findable by the registry's name search."""
    from caminantes.lib import names
    from caminantes.registry.models import Person

    surname = plant(household.organization).surname
    full = names.full_name(given_names, surname)
    return Person.objects.create(
        household=household, relationship=relationship, given_names=given_names,
        first_surname=surname, sex="F", search_name=names.fold(full),
        search_tokens=sorted(names.search_keys(full)),
    )  # fmt: skip


def foreign_household(org: Organization, member: User) -> Any:
    from caminantes.geo.models import Country
    from caminantes.registry.models import Household

    existing = Household.objects.filter(organization=org).first()
    if existing is not None:
        return existing
    country = org.countries.first() or Country.objects.first()
    hh = Household.objects.create(organization=org, country=country, population_type="in_transit")
    hh.focal_point = _planted_person(hh, "focal_point", plant(org).given_names)
    hh.save()
    return hh


@builder(_lazy("registry.Household"))
def _household(org: Organization, member: User) -> models.Model:
    return foreign_household(org, member)


@builder(_lazy("registry.Person"))
def _person(org: Organization, member: User) -> models.Model:
    return foreign_household(org, member).focal_point


@builder(_lazy("registry.Document"))
def _document(org: Organization, member: User) -> models.Model:
    from caminantes.lib import crypto
    from caminantes.registry import duplicates
    from caminantes.registry.models import Document

    person = foreign_household(org, member).focal_point
    number = plant(org).document
    return Document.objects.get_or_create(
        person=person, type="passport",
        defaults={"number_encrypted": crypto.encrypt(number),
                  "number_hash": duplicates.document_hash(number),
                  "number_last4": duplicates.normalise_document(number)[-4:]},
    )[0]  # fmt: skip


@builder(_lazy("registry.Phone"))
def _phone(org: Organization, member: User) -> models.Model:
    from caminantes.registry.models import Phone

    return Phone.objects.create(household=foreign_household(org, member), number_last4="0000")


@builder(_lazy("registry.Consent"))
def _consent(org: Organization, member: User) -> models.Model:
    from caminantes.registry.models import Consent

    person = foreign_household(org, member).focal_point
    return Consent.objects.create(person=person, purpose="registration", recorded_by=member)


@builder(_lazy("registry.NeedsAssessment"))
def _assessment(org: Organization, member: User) -> models.Model:
    from caminantes.registry.models import NeedsAssessment

    return NeedsAssessment.objects.create(household=foreign_household(org, member),
                                          severities={"food": 3})  # fmt: skip


@builder(_lazy("registry.TimelineEntry"))
def _entry(org: Organization, member: User) -> models.Model:
    from caminantes.registry import timeline

    return timeline.record(foreign_household(org, member), "registration", None, None, "x")


@builder(_lazy("registry.FieldChange"))
def _change(org: Organization, member: User) -> models.Model:
    from caminantes.registry.models import FieldChange

    hh = foreign_household(org, member)
    return FieldChange.objects.create(household=hh, object_type="household",
                                      object_uuid=hh.uuid, field="address", reason="x")  # fmt: skip


@builder(_lazy("registry.DataRequest"))
def _request(org: Organization, member: User) -> models.Model:
    from caminantes.registry.models import DataRequest

    person = foreign_household(org, member).focal_point
    return DataRequest.objects.create(organization=org, kind="access", person_uuid=person.uuid)


@builder(_lazy("registry.SharedDocumentConfirmation"))
def _shared_document(org: Organization, member: User) -> models.Model:
    from caminantes.registry.models import SharedDocumentConfirmation

    return SharedDocumentConfirmation.objects.create(
        organization=org, country=org.countries.first(), type="cedula", number_hash="1" * 64,
        number_last4="4321", reason="foreign", confirmed_by=member,
        expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip


@builder(_lazy("registry.ImportBatch"))
def _batch(org: Organization, member: User) -> models.Model:
    from caminantes.registry.models import ImportBatch

    country = org.countries.first()
    return ImportBatch.objects.create(organization=org, country=country, file_name="f.csv",
                                      file_sha256="0" * 64, created_by=member)  # fmt: skip


# --- identity -------------------------------------------------------------------------


def _foreign_pair(org: Organization, member: User) -> tuple[Any, Any]:
    """Two people of the organisation's foreign household (a suspected duplicate)."""
    from caminantes.registry.models import Person

    hh = foreign_household(org, member)
    first = hh.focal_point
    second = Person.objects.filter(household=hh).exclude(pk=first.pk).first()
    if second is None:
        second = _planted_person(hh, "sibling", plant(org).sibling_given_names)
    return first, second


def _foreign_ticket(org: Organization, member: User) -> Any:
    from caminantes.identity.models import ReviewTicket, TicketRecord

    first, second = _foreign_pair(org, member)
    found = ReviewTicket.objects.filter(records__person=first).first()
    if found is not None:
        return found
    ticket = ReviewTicket.objects.create(country=first.household.country, score=0.9)
    TicketRecord.objects.create(ticket=ticket, person=first)
    TicketRecord.objects.create(ticket=ticket, person=second)
    return ticket


@builder(_lazy("identity.Thresholds"))
def _thresholds(org: Organization, member: User) -> models.Model:
    from caminantes.identity.models import Thresholds

    country = foreign_household(org, member).country
    return Thresholds.objects.get_or_create(country=country)[0]


@builder(_lazy("identity.DedupeRun"))
def _run(org: Organization, member: User) -> models.Model:
    from caminantes.identity.models import DedupeRun

    return DedupeRun.objects.create(country=foreign_household(org, member).country,
                                    started_by=member)  # fmt: skip


@builder(_lazy("identity.ReviewTicket"))
def _ticket(org: Organization, member: User) -> models.Model:
    return _foreign_ticket(org, member)


@builder(_lazy("identity.TicketRecord"))
def _ticket_record(org: Organization, member: User) -> models.Model:
    return _foreign_ticket(org, member).records.first()


@builder(_lazy("identity.PairDecision"))
def _pair(org: Organization, member: User) -> models.Model:
    from caminantes.identity.models import PairDecision

    first, second = sorted(_foreign_pair(org, member), key=lambda p: p.pk)
    return PairDecision.objects.get_or_create(person_a=first, person_b=second,
                                              defaults={"decided_by": member})[0]  # fmt: skip


@builder(_lazy("identity.MergeRecord"))
def _merge(org: Organization, member: User) -> models.Model:
    from caminantes.identity.models import MergeRecord

    first, second = _foreign_pair(org, member)
    return MergeRecord.objects.create(survivor=first, merged=second, merged_by=member,
                                      ticket=_foreign_ticket(org, member))  # fmt: skip


def _foreign_tracing(org: Organization, member: User) -> Any:
    from caminantes.identity.models import TracingRequest

    found = TracingRequest.objects.filter(organization=org).first()
    if found is not None:
        return found
    hh = foreign_household(org, member)
    return TracingRequest.objects.create(organization=org, country=hh.country, caseworker=member,
                                         requester=hh.focal_point,
                                         sought_given_names=plant(org).sought_given_names,
                                         sought_family_names=plant(org).sought_family_names,
                                         relationship="sibling")  # fmt: skip


@builder(_lazy("identity.TracingRequest"))
def _tracing(org: Organization, member: User) -> models.Model:
    return _foreign_tracing(org, member)


def _foreign_match(org: Organization, member: User) -> Any:
    from caminantes.identity.models import TracingMatch

    request = _foreign_tracing(org, member)
    _, second = _foreign_pair(org, member)
    return TracingMatch.objects.get_or_create(request=request, person=second,
                                              defaults={"score": 0.9})[0]  # fmt: skip


@builder(_lazy("identity.TracingMatch"))
def _match(org: Organization, member: User) -> models.Model:
    return _foreign_match(org, member)


@builder(_lazy("identity.ReunificationCase"))
def _case(org: Organization, member: User) -> models.Model:
    from caminantes.identity.models import ReunificationCase

    return ReunificationCase.objects.get_or_create(match=_foreign_match(org, member))[0]


@builder(_lazy("identity.Notification"))
def _notice(org: Organization, member: User) -> models.Model:
    from caminantes.identity.models import Notification

    return Notification.objects.create(user=member, message="x")


# --- dtm ------------------------------------------------------------------------------


def _dtm_point(org: Organization, member: User) -> Any:
    from datetime import date

    from caminantes.dtm.models import FlowMonitoringPoint, Operation

    existing = FlowMonitoringPoint.objects.filter(organization=org).first()
    if existing is not None:
        return existing
    country = org.countries.first()
    op = Operation.objects.create(organization=org, name="Foreign operation", code="foreign",
                                  starts_on=date(2025, 1, 1))  # fmt: skip
    op.countries.set([country])
    return FlowMonitoringPoint.objects.create(
        operation=op, organization=org, name="Foreign point", code="foreign", country=country,
        latitude=0, longitude=0, point_type="border_crossing",
    )  # fmt: skip


def _dtm_round(org: Organization, member: User) -> Any:
    from datetime import date

    from caminantes.dtm.models import Round

    op = _dtm_point(org, member).operation
    return Round.objects.get_or_create(
        operation=op, number=1,
        defaults={"starts_on": date(2025, 1, 1), "ends_on": date(2025, 1, 31)},
    )[0]  # fmt: skip


def _dtm_count(org: Organization, member: User) -> Any:
    import uuid as uuid_lib
    from datetime import date, time

    from caminantes.dtm.models import FlowCount

    point = _dtm_point(org, member)
    existing = FlowCount.objects.filter(point=point).first()
    return existing or FlowCount.objects.create(
        uuid=uuid_lib.uuid4(), point=point, organization=org, country=point.country,
        operation=point.operation, observed_on=date(2025, 1, 2), shift_start=time(8),
        shift_end=time(12), direction="incoming", flow_type="transit", individuals=1,
        female_18_59=1,
        source="tally", content_sha256="0" * 64,
    )  # fmt: skip


def _dtm_survey(org: Organization, member: User) -> Any:
    import uuid as uuid_lib
    from datetime import date

    from caminantes.dtm.models import SurveySubmission

    point = _dtm_point(org, member)
    existing = SurveySubmission.objects.filter(point=point).first()
    return existing or SurveySubmission.objects.create(
        uuid=uuid_lib.uuid4(), point=point, organization=org, country=point.country,
        operation=point.operation, interviewed_on=date(2025, 1, 2), consent=True,
        nationality="VE", sex="female", age=30, source="form", content_sha256="0" * 64,
    )  # fmt: skip


def _dtm_site(org: Organization, member: User) -> Any:
    from caminantes.dtm.models import CollectiveSite

    return CollectiveSite.objects.get_or_create(
        organization=org, code="foreign",
        defaults={"country": org.countries.first(), "name": "Foreign site", "site_type": "shelter"},
    )[0]  # fmt: skip


def _dtm_baseline(org: Organization, member: User) -> Any:
    from datetime import date

    from caminantes.dtm.models import BaselineAssessment
    from caminantes.geo.models import AdminArea

    rnd = _dtm_round(org, member)
    country = org.countries.first()
    area = AdminArea.objects.filter(country=country).first() or AdminArea.objects.create(
        country=country, name_es="Foránea", name_pt="Estrangeira", name_en="Foreign"
    )
    return BaselineAssessment.objects.get_or_create(
        round=rnd, admin_area=area,
        defaults={"organization": org, "country": country, "assessed_on": date(2025, 1, 3),
                  "individuals": 1, "female_18_59": 1, "source": "form"},
    )[0]  # fmt: skip


def _dtm_site_assessment(org: Organization, member: User) -> Any:
    from datetime import date

    from caminantes.dtm.models import SiteAssessment

    site = _dtm_site(org, member)
    return SiteAssessment.objects.get_or_create(
        site=site, round=_dtm_round(org, member),
        defaults={"organization": org, "country": site.country, "assessed_on": date(2025, 1, 3),
                  "capacity": 10, "individuals": 1, "male_18_59": 1, "source": "form"},
    )[0]  # fmt: skip


def _dtm_register() -> None:
    """Rollup and breakdown rows have no uuid and no route of their own: the builder makes
    one and returns the object a route would name (the point, count or assessment)."""
    from caminantes.dtm import models as m

    def daily(org: Organization, member: User) -> models.Model:
        from caminantes.dtm import rollup

        count = _dtm_count(org, member)
        rollup.refresh([(count.point_id, count.observed_on)])
        return count.point

    def daily_breakdown(org: Organization, member: User) -> models.Model:
        count = _dtm_count(org, member)
        m.FlowCountBreakdown.objects.get_or_create(
            count=count, dimension="nationality", code="VE", defaults={"individuals": 1}
        )
        return daily(org, member)

    def count_breakdown(org: Organization, member: User) -> models.Model:
        return m.FlowCountBreakdown.objects.get_or_create(
            count=_dtm_count(org, member), dimension="nationality", code="VE",
            defaults={"individuals": 1},
        )[0].count  # fmt: skip

    def choice(org: Organization, member: User) -> models.Model:
        s = _dtm_survey(org, member)
        return m.SurveyChoice.objects.get_or_create(
            submission=s, question="needs", option="food",
            defaults={"operation": s.operation, "point": s.point,
                      "interviewed_on": s.interviewed_on},
        )[0].submission  # fmt: skip

    def choice_monthly(org: Organization, member: User) -> models.Model:
        from caminantes.dtm import rollup

        s = choice(org, member)
        rollup.refresh_surveys([(s.point_id, s.interviewed_on)])
        return s.point

    def baseline_breakdown(org: Organization, member: User) -> models.Model:
        return m.BaselineBreakdown.objects.get_or_create(
            assessment=_dtm_baseline(org, member), dimension="origin_country", code="VE",
            defaults={"value": 1},
        )[0].assessment  # fmt: skip

    def site_breakdown(org: Organization, member: User) -> models.Model:
        return m.SiteAssessmentBreakdown.objects.get_or_create(
            assessment=_dtm_site_assessment(org, member), dimension="service", code="water",
            defaults={"value": 1},
        )[0].assessment  # fmt: skip

    def refusal(org: Organization, member: User) -> models.Model:
        import uuid as uuid_lib
        from datetime import date

        point = _dtm_point(org, member)
        existing = m.SurveyRefusal.objects.filter(point=point).first()
        return existing or m.SurveyRefusal.objects.create(
            uuid=uuid_lib.uuid4(), point=point, organization=org, country=point.country,
            operation=point.operation, asked_on=date(2025, 1, 2), source="form",
            content_sha256="0" * 64,
        )  # fmt: skip

    def dtm_import(org: Organization, member: User) -> models.Model:
        point = _dtm_point(org, member)
        return m.DtmImport.objects.create(
            organization=org, country=point.country, operation=point.operation,
            kind="flow_counts", file_name="f.csv", file_sha256="0" * 64, status="validated",
            created_by=member,
        )  # fmt: skip

    BUILDERS.update({
        m.Operation: lambda o, u: _dtm_point(o, u).operation,
        m.Round: _dtm_round,
        m.FlowMonitoringPoint: _dtm_point,
        m.FlowCount: _dtm_count,
        m.FlowCountBreakdown: count_breakdown,
        m.FlowDaily: daily,
        m.FlowDailyBreakdown: daily_breakdown,
        m.FlowMonthly: daily,  # refreshing a day refreshes its month
        m.FlowMonthlyBreakdown: daily_breakdown,
        m.MonitoredDay: daily,  # refreshing a day writes its monitoring effort
        m.SurveyChoiceMonthly: choice_monthly,
        m.SurveySubmission: _dtm_survey,
        m.SurveyChoice: choice,
        m.SurveyRefusal: refusal,
        m.BaselineAssessment: _dtm_baseline,
        m.BaselineBreakdown: baseline_breakdown,
        m.CollectiveSite: _dtm_site,
        m.SiteAssessment: _dtm_site_assessment,
        m.SiteAssessmentBreakdown: site_breakdown,
        m.DtmImport: dtm_import,
    })  # fmt: skip


_dtm_register()


# The assistance builders (warehouses, distribution, transport, shelter) live beside this file.
import tests.world_assistance  # noqa: E402  (registers them in BUILDERS)

# Field collection: forms, app users and submissions.
import tests.world_collect  # noqa: E402  (registers them in BUILDERS)

# Coordination: campaigns against xenophobia and community feedback.
import tests.world_comms  # noqa: E402  (registers them in BUILDERS)

# Coordination: the 5W (reports, their rows, staged uploads).
import tests.world_fivew  # noqa: E402  (registers them in BUILDERS)

# Field collection's review queue (forms and submissions).
# The protection builders (cases and their child rows) too.
import tests.world_protection  # noqa: E402  (registers them in BUILDERS)
import tests.world_protection_xfer  # noqa: E402, F401  (transfers and referrals)
