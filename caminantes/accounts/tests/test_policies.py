from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from caminantes.accounts import policies
from caminantes.accounts.models import ApiToken, Membership, Organization, User
from caminantes.accounts.permissions import ROLE_PERMISSIONS, Perm, Role
from caminantes.accounts.policies import Scope
from caminantes.audit.models import AuditEvent
from caminantes.geo.models import Place
from tests.personas import PersonaTestCase


class CountryScopedPlaces:
    """Borrow Place as a stand-in for a country-scoped record (a household, say)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def __enter__(self) -> None:
        self.saved = policies.scope_of(Place)
        policies.register(Place, self.scope)

    def __exit__(self, *exc: object) -> None:
        assert self.saved is not None
        policies.register(Place, self.saved)


class PolicyTest(PersonaTestCase):
    cucuta: Place
    tumbes: Place

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cucuta = Place.objects.create(
            kind="town", name="Cúcuta", slug="t-cucuta", country=cls.co, admin_area=cls.nsa,
            latitude=7.89, longitude=-72.5,
        )  # fmt: skip
        cls.tumbes = Place.objects.create(
            kind="town", name="Tumbes", slug="t-tumbes", country=cls.pe, latitude=-3.56,
            longitude=-80.45,
        )  # fmt: skip

    def fresh(self, user: User) -> User:
        return User.objects.get(pk=user.pk)

    def test_it_shows_a_registrar_only_her_countrys_records(self) -> None:
        with CountryScopedPlaces(Scope(permission=Perm.VIEW_PERSONAL_DATA, country="country")):
            self.assertEqual(list(policies.visible(self.fresh(self.alice), Place)), [self.cucuta])
            self.assertEqual(list(policies.visible(self.fresh(self.pablo), Place)), [self.tumbes])

    def test_it_shows_nothing_to_roles_without_the_permission(self) -> None:
        with CountryScopedPlaces(Scope(permission=Perm.VIEW_PERSONAL_DATA, country="country")):
            self.assertEqual(policies.visible(self.fresh(self.eve), Place).count(), 0)
            self.assertEqual(policies.visible(self.fresh(self.audrey), Place).count(), 0)
            self.assertEqual(policies.visible(self.fresh(self.nobody), Place).count(), 0)
            # The platform administrator runs the platform but reads no personal data.
            self.assertEqual(policies.visible(self.fresh(self.admin), Place).count(), 0)

    def test_it_narrows_to_admin_areas_when_the_membership_names_them(self) -> None:
        m = Membership.objects.get(user=self.alice)
        m.areas.set([])
        other_area = self.nsa.__class__.objects.create(
            country=self.co, iso_code="CO-LAG", name_es="La Guajira", name_pt="La Guajira",
            name_en="La Guajira",
        )  # fmt: skip
        m.areas.set([other_area])
        with CountryScopedPlaces(
            Scope(permission=Perm.VIEW_PERSONAL_DATA, country="country", area="admin_area")
        ):
            self.assertEqual(policies.visible(self.fresh(self.alice), Place).count(), 0)
            m.areas.set([self.nsa])
            self.assertEqual(list(policies.visible(self.fresh(self.alice), Place)), [self.cucuta])

    def test_it_ignores_ended_memberships(self) -> None:
        m = Membership.objects.get(user=self.alice)
        m.starts_on = timezone.localdate() - timedelta(days=30)
        m.ends_on = timezone.localdate() - timedelta(days=1)
        m.save()
        with CountryScopedPlaces(Scope(permission=Perm.VIEW_PERSONAL_DATA, country="country")):
            self.assertEqual(policies.visible(self.fresh(self.alice), Place).count(), 0)

    def test_it_ignores_memberships_of_inactive_organisations(self) -> None:
        Organization.objects.filter(pk=self.iom.pk).update(is_active=False)
        self.assertEqual(policies.grants(self.fresh(self.alice)), [])

    def test_it_404s_alike_for_hidden_and_missing_objects_and_audits_the_denial(self) -> None:
        with CountryScopedPlaces(Scope(permission=Perm.VIEW_PERSONAL_DATA, country="country")):
            with self.assertRaises(Http404):
                policies.get_for_user(self.fresh(self.alice), Place, self.tumbes.uuid)
            with self.assertRaises(Http404):
                policies.get_for_user(self.fresh(self.alice), Place, "not-a-uuid")
            self.assertEqual(
                policies.get_for_user(self.fresh(self.alice), Place, self.cucuta.uuid), self.cucuta
            )
        denial = AuditEvent.objects.get(action="access_denied")
        self.assertEqual(denial.object_uuid, self.tumbes.uuid)
        self.assertEqual(denial.outcome, "denied")
        self.assertEqual(denial.actor, self.alice)

    def test_it_shows_restricted_records_only_by_assignment_and_audits_each_read(self) -> None:
        # Assigned = the place the caseworker (bob) is responsible for, here Cúcuta.
        scope = Scope(
            permission=Perm.GBV_CASES,
            organization=None,
            country="country",
            restricted=True,
            assigned=lambda user: (
                Q(slug="t-cucuta") if user.email.startswith("bob") else Q(pk=None)
            ),
        )
        with CountryScopedPlaces(scope):
            bob = self.fresh(self.bob)
            self.assertEqual(list(policies.visible(bob, Place)), [self.cucuta])
            policies.get_for_user(bob, Place, self.cucuta.uuid)
            # Alice is in the same office but not assigned: she cannot even count it.
            self.assertEqual(policies.visible(self.fresh(self.alice), Place).count(), 0)
        read = AuditEvent.objects.get(action="read_restricted")
        self.assertEqual((read.actor, read.object_uuid), (self.bob, self.cucuta.uuid))

    def test_it_denies_unregistered_models_to_everyone(self) -> None:
        from django.contrib.sessions.models import Session

        self.assertEqual(policies.visible(self.fresh(self.admin), Session).count(), 0)

    def test_it_shows_members_only_within_ones_organisation(self) -> None:
        carla = self.fresh(self.carla)
        emails = set(policies.visible(carla, User).values_list("email", flat=True))
        self.assertIn("alice@example.org", emails)
        self.assertNotIn("charlie@example.org", emails)
        self.assertEqual(
            set(policies.visible(carla, Organization).values_list("acronym", flat=True)), {"IOM"}
        )

    def test_it_shows_tokens_only_to_their_owner(self) -> None:
        token = ApiToken.objects.create(
            user=self.alice, name="x", prefix="abcd1234", key_hash="0" * 64, scopes=["read"],
            expires_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip
        self.assertEqual(list(policies.visible(self.fresh(self.alice), ApiToken)), [token])
        self.assertEqual(policies.visible(self.fresh(self.admin), ApiToken).count(), 0)

    def test_it_maps_every_role_to_permissions(self) -> None:
        self.assertEqual(set(ROLE_PERMISSIONS), set(Role))
        self.assertNotIn(Perm.VIEW_PERSONAL_DATA, ROLE_PERMISSIONS[Role.AUDITOR])
        self.assertNotIn(Perm.VIEW_PERSONAL_DATA, ROLE_PERMISSIONS[Role.DTM_ENUMERATOR])
        for role, perms in ROLE_PERMISSIONS.items():
            if role != Role.AUDITOR:
                continue
            self.assertFalse({p for p in perms if p.startswith(("manage", "register", "edit"))})

    def test_the_permissions_held_anywhere_are_those_has_perm_grants_anywhere(self) -> None:
        people = [self.alice, self.bob, self.carla, self.pablo, self.audrey, self.eve,
                  self.admin, self.nobody]  # fmt: skip
        for user in people:
            held = policies.perms_held(self.fresh(user))
            with self.subTest(user=user.email):
                self.assertEqual(held, {p for p in Perm if policies.has_perm(self.fresh(user), p)})
        self.assertIn(Perm.REGISTER_HOUSEHOLDS, policies.perms_held(self.fresh(self.alice)))
        self.assertEqual(policies.perms_held(self.fresh(self.nobody)), frozenset())


class MembershipRowsTest(PersonaTestCase):
    """The memberships' SQL written once (`policies._membership_rows`) answers what the
    queryset it replaces answers, row for row, for memberships of every kind."""

    def test_it_answers_what_the_queryset_answers(self) -> None:
        today = timezone.localdate()
        user = User.objects.create_user("mixed@example.org", "x", full_name="Mixed")
        closed = Organization.objects.create(name="Cerrada", acronym="CER", type="national_ngo")
        closed.countries.set([self.co])
        closed.is_active = False
        closed.save()
        kinds = [
            (self.iom, Role.REGISTRATION_OFFICER, today, None, [self.co, self.pe], [self.nsa]),
            (self.iom, Role.DTM_ENUMERATOR, today, today, [self.co], []),  # ends today: active
            (self.ffs, Role.PARTNER_FOCAL_POINT, today, None, [], []),  # the whole organisation
            (self.iom, Role.AUDITOR, today - timedelta(days=9), today - timedelta(days=1), [], []),
            (self.iom, Role.COUNTRY_MANAGER, today + timedelta(days=1), None, [self.co], []),
            (closed, Role.PARTNER_FOCAL_POINT, today, None, [self.co], []),
        ]
        for org, role, starts, ends, countries, areas in kinds:
            m = Membership.objects.create(
                user=user, organization=org, role=role, starts_on=starts, ends_on=ends
            )
            m.countries.set(countries)
            m.areas.set(areas)
        for on in (today, today - timedelta(days=5), today + timedelta(days=1)):
            expected = list(
                Membership.objects.active(on)
                .filter(user=user, organization__is_active=True)
                .order_by("pk")
                .values_list("pk", "role", "organization_id", "countries", "areas")
            )
            with self.subTest(on=on):
                self.assertEqual(sorted(policies._membership_rows(user.pk, on)), sorted(expected))
        self.assertEqual(len(policies._membership_rows(user.pk, today)), 2 + 1 + 1)
