from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.api import api
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import Consent, FieldChange, Household
from caminantes.registry.services import documents
from caminantes.registry.tests.base import RegistryTestCase, focal

BASE = "/api/v1/registry"


def new_family(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "country": "CO",
        "population_type": "in_transit",
        "admin_area": "CO-NSA",
        "phones": [{"number": "301 555 0101", "whatsapp": True}],
        "members": [
            {
                "given_names": "Carlos Eduardo",
                "first_surname": "Márquez",
                "second_surname": "Salazar",
                "sex": "M",
                "relationship": "focal_point",
                "birth_date": "1982-11-05",
                "nationalities": ["VE"],
                "documents": [{"type": "passport", "number": "P0099887"}],
            },
            {
                "given_names": "Ana Sofía",
                "first_surname": "Márquez",
                "sex": "F",
                "relationship": "child",
                "birth_date": "2012-04-21",
                "consent": {"given_by": "guardian", "guardian_name": "Carlos Márquez"},
            },
        ],
    }
    body.update(kw)
    return body


class RegistryApiTestCase(RegistryTestCase):
    def call(
        self, method: str, path: str, user: User, body: Any = None, scopes: str = "read write"
    ) -> Any:
        secret = api_token_create(user=user, name="test", scopes=scopes.split()).secret
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(
            method,
            BASE + path,
            data,
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )

    def get(self, path: str, user: User | None = None) -> Any:
        response = self.call("GET", path, user or self.alice)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()


class HouseholdReadTest(RegistryApiTestCase):
    def test_it_pages_through_households(self) -> None:
        for name in ("Uno", "Dos", "Tres"):
            self.register(self.alice, [focal(given_names=name, birth_date=None)])
        first = self.get("/households?page_size=3")
        second = self.get("/households?page_size=3&page=2")
        self.assertEqual(first["count"], 4)
        self.assertEqual(len(first["items"]), 3)
        self.assertEqual(len(second["items"]), 1)
        seen = {h["uuid"] for h in first["items"] + second["items"]}
        self.assertEqual(len(seen), 4)
        self.assertIn(str(self.family.uuid), seen)

    def test_it_filters_households(self) -> None:
        moved = self.register(self.alice, [focal(given_names="Otra", birth_date=None)])
        Household.objects.filter(pk=moved.pk).update(
            status="moved",
            population_type="pendular",
            registered_on=date(2024, 1, 10),
            admin_area=None,
            updated_at=timezone.now() - timedelta(days=30),
            last_activity_at=timezone.now() - timedelta(days=30),
        )

        def uuids(query: str) -> set[str]:
            return {h["uuid"] for h in self.get(f"/households?{query}")["items"]}

        family, other = str(self.family.uuid), str(moved.uuid)
        self.assertEqual(uuids("country=co"), {family, other})
        self.assertEqual(uuids("country=PE"), set())
        self.assertEqual(uuids("admin_area=CO-NSA"), {family})
        self.assertEqual(uuids("admin_area=CO54"), {family})
        self.assertEqual(uuids("population_type=pendular"), {other})
        self.assertEqual(uuids("status=active"), {family})
        self.assertEqual(uuids("registered_from=2024-01-01&registered_to=2024-01-31"), {other})
        since = (timezone.now() - timedelta(days=1)).isoformat()
        self.assertEqual(uuids(f"updated_since={since.replace('+', '%2B')}"), {family})

    def test_it_refuses_an_unknown_filter_value(self) -> None:
        response = self.call("GET", "/households?population_type=tourist", self.alice)
        self.assertEqual(response.status_code, 422)

    def test_it_hides_another_organisations_households(self) -> None:
        listed = {h["uuid"] for h in self.get("/households")["items"]}
        self.assertNotIn(str(self.ffs_family.uuid), listed)
        foreign = self.call("GET", f"/households/{self.ffs_family.uuid}", self.alice)
        missing = self.call("GET", f"/households/{uuid.uuid4()}", self.alice)
        self.assertEqual(foreign.status_code, 404)
        self.assertEqual(foreign.json(), missing.json())
        # ... and the other way round.
        listed = {h["uuid"] for h in self.get("/households", self.ramona)["items"]}
        self.assertEqual(listed, {str(self.ffs_family.uuid)})

    def test_it_shows_a_household_without_full_numbers(self) -> None:
        response = self.call("GET", f"/households/{self.family.uuid}", self.alice)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["version"], 1)
        self.assertEqual(body["members_count"], 2)
        self.assertEqual(body["admin_area"], "CO-NSA")
        maria = next(m for m in body["members"] if m["relationship"] == "focal_point")
        self.assertEqual(body["focal_point"], maria["uuid"])
        self.assertEqual(maria["version"], 1)
        self.assertEqual(maria["nationalities"], ["VE"])
        [document] = maria["documents"]
        self.assertEqual(
            set(document), {"uuid", "version", "type", "status", "last4"}, "nothing else"
        )
        self.assertEqual((document["type"], document["last4"]), ("cedula", "5678"))
        [phone] = maria["phones"]
        self.assertEqual(set(phone), {"uuid", "version", "last4", "whatsapp"}, "nothing else")
        self.assertEqual((phone["last4"], phone["whatsapp"]), ("4567", False))
        self.assertEqual(
            {c["purpose"] for c in maria["consents"]}, {"registration", "family_tracing"}
        )
        text = response.content.decode()
        for secret in ("12345678", "12.345.678", "3001234567", "300 123 4567"):
            self.assertNotIn(secret, text)


class PeopleReadTest(RegistryApiTestCase):
    def test_it_lists_people_with_filters(self) -> None:
        def names(query: str) -> set[str]:
            return {p["given_names"] for p in self.get(f"/people?{query}")["items"]}

        self.assertEqual(names(""), {"María José", "Luis Ángel"})
        self.assertEqual(names("sex=M"), {"Luis Ángel"})
        self.assertEqual(names("born_from=2000"), {"Luis Ángel"})
        self.assertEqual(names("born_from=1980&born_to=1995"), {"María José"})
        self.assertEqual(names("country=PE"), set())

    def test_it_gets_a_person_and_hides_foreign_ones(self) -> None:
        maria = self.focal_person()
        body = self.get(f"/people/{maria.uuid}")
        self.assertEqual(body["full_name"], "María José Pérez González")
        self.assertEqual(body["household"], str(self.family.uuid))
        foreign = self.ffs_family.focal_point
        assert foreign is not None
        self.assertEqual(self.call("GET", f"/people/{foreign.uuid}", self.alice).status_code, 404)

    def test_it_finds_people_by_name_date_document_or_phone(self) -> None:
        maria = str(self.focal_person().uuid)
        for q in ("maria perez", "PEREZ Maria Jose", "Maria Peres Gonzales", "12345678",
                  "14/03/1990", "300 123 4567&country=CO"):  # fmt: skip
            with self.subTest(q=q):
                found = [p["uuid"] for p in self.get(f"/people/search?q={q}")]
                self.assertEqual(found[:1], [maria])

    def test_it_searches_only_what_the_caller_may_see(self) -> None:
        self.assertEqual(self.get("/people/search?q=maria perez", self.ramona), [])
        self.assertEqual(self.get("/people/search?q=yusmary rodriguez"), [])


class HouseholdCreateTest(RegistryApiTestCase):
    def test_it_registers_a_household_with_its_members(self) -> None:
        response = self.call("POST", "/households", self.alice, new_family())
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["version"], body["organization"]), (1, "IOM"))
        self.assertEqual(body["members_count"], 2)
        self.assertEqual(
            [(p["last4"], p["whatsapp"], p["version"]) for p in body["phones"]], [("0101", True, 1)]
        )
        household = Household.objects.get(uuid=body["uuid"])
        self.assertEqual(household.population_type, "in_transit")
        self.assertEqual(household.focal_point.given_names, "Carlos Eduardo")  # type: ignore[union-attr]

    def test_it_answers_409_with_the_candidates_of_a_likely_duplicate(self) -> None:
        maria = self.focal_person()
        body = new_family(
            members=[
                {
                    "given_names": "Maria Jose",
                    "first_surname": "Perez",
                    "sex": "F",
                    "relationship": "focal_point",
                    "documents": [{"type": "cedula", "number": "12345678"}],
                }
            ]
        )
        before = Household.objects.count()
        response = self.call("POST", "/households", self.alice, body)
        self.assertEqual(response.status_code, 409, response.content)
        [candidate] = response.json()["candidates"]
        self.assertEqual(candidate["member"], 0)
        self.assertEqual(candidate["person"], str(maria.uuid))
        self.assertEqual(candidate["household"], str(self.family.uuid))
        self.assertEqual(candidate["score"], 1.0)
        self.assertIn("document", candidate["reasons"])
        self.assertEqual(Household.objects.count(), before)

        # "Not a duplicate" does not record a number someone else holds ...
        refused = self.call("POST", "/households", self.alice, {**body, "confirmed_new": True})
        self.assertEqual(refused.status_code, 422, refused.content)
        [message] = refused.json()["errors"]["members-0-documents-0-number"]
        self.assertIn(self.family.code, message)
        self.assertEqual(Household.objects.count(), before)

        # ... until a country manager confirms that both really hold it.
        documents.shared_document_confirm(
            user=self.carla,
            organization=self.iom,
            country=self.co,
            document=DocumentInput(type="cedula", number="12345678"),
            reason="Both cédulas seen",
        )
        confirmed = self.call("POST", "/households", self.alice, {**body, "confirmed_new": True})
        self.assertEqual(confirmed.status_code, 201, confirmed.content)
        self.assertEqual(Household.objects.count(), before + 1)

    def test_it_does_not_offer_another_organisations_people_as_duplicates(self) -> None:
        body = new_family(
            members=[
                {
                    "given_names": "Yusmary",
                    "first_surname": "Rodríguez",
                    "sex": "F",
                    "relationship": "focal_point",
                    "birth_date": "1985-01-20",
                }
            ]
        )
        self.assertEqual(self.call("POST", "/households", self.alice, body).status_code, 201)

    def test_it_answers_422_with_messages_by_field(self) -> None:
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        family = new_family()
        family["members"][0]["birth_date"] = tomorrow
        family["members"][1]["documents"] = [{"type": "cedula", "number": " - "}]
        response = self.call("POST", "/households", self.alice, family)
        self.assertEqual(response.status_code, 422, response.content)
        errors = response.json()["errors"]
        self.assertIn("futuro", errors["members-0-birth_date"][0])  # users read Spanish
        self.assertIn("members-1-documents-0-number", errors)

        family = new_family(country="XX")
        family["members"][0]["sex"] = "X"
        response = self.call("POST", "/households", self.alice, family)
        self.assertEqual(response.status_code, 422)
        self.assertIn("members-0-sex", response.json()["errors"])

        response = self.call("POST", "/households", self.alice, new_family(country="XX"))
        self.assertEqual(response.json()["errors"], {"country": ["País desconocido: XX"]})

        response = self.call("POST", "/households", self.alice)
        self.assertEqual(response.status_code, 422)
        self.assertIn("__all__", response.json()["errors"])

    def test_it_refuses_a_registration_the_role_does_not_allow(self) -> None:
        response = self.call("POST", "/households", self.bob, new_family())
        self.assertEqual(response.status_code, 403)
        response = self.call("POST", "/households", self.alice, new_family(country="PE"))
        self.assertEqual(response.status_code, 403)

    def test_it_refuses_writes_with_a_read_only_token(self) -> None:
        before = Household.objects.count()
        response = self.call("POST", "/households", self.alice, new_family(), scopes="read")
        self.assertEqual(response.status_code, 403)
        maria = self.focal_person()
        response = self.call(
            "PATCH",
            f"/people/{maria.uuid}",
            self.alice,
            {"version": 1, "reason": "typo", "preferred_name": "Majo"},
            scopes="read",
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Household.objects.count(), before)
        maria.refresh_from_db()
        self.assertEqual((maria.preferred_name, maria.version), ("", 1))


class UpdateTest(RegistryApiTestCase):
    def patch_family(self, body: dict[str, Any], user: User | None = None) -> Any:
        return self.call("PATCH", f"/households/{self.family.uuid}", user or self.alice, body)

    def test_it_updates_a_household_and_keeps_the_history(self) -> None:
        response = self.patch_family(
            {"version": 1, "reason": "They moved on", "status": "moved", "current_area": None}
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(
            (body["version"], body["status"], body["current_area"]), (2, "moved", None)
        )
        change = FieldChange.objects.get(object_uuid=self.family.uuid, field="status")
        self.assertEqual((change.old_value, change.new_value), ("active", "moved"))
        self.assertEqual(change.reason, "They moved on")

    def test_it_answers_409_to_an_update_based_on_an_old_version(self) -> None:
        first = self.patch_family({"version": 1, "reason": "r", "address": "Calle 10"})
        self.assertEqual(first.status_code, 200)
        stale = self.patch_family({"version": 1, "reason": "r", "address": "Carrera 7"})
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(stale.json()["current_version"], 2)
        self.family.refresh_from_db()
        self.assertEqual((self.family.address, self.family.version), ("Calle 10", 2))
        # Even a stale edit that would change nothing is told it is stale.
        same = self.patch_family({"version": 1, "reason": "r", "address": "Calle 10"})
        self.assertEqual(same.status_code, 409)

    def test_it_answers_409_to_a_stale_person_update(self) -> None:
        maria = self.focal_person()
        path = f"/people/{maria.uuid}"
        ok = self.call(
            "PATCH", path, self.alice, {"version": 1, "reason": "r", "wg": {"seeing": "some"}}
        )
        self.assertEqual(ok.status_code, 200, ok.content)
        self.assertEqual((ok.json()["version"], ok.json()["wg"]), (2, {"seeing": "some"}))
        stale = self.call("PATCH", path, self.alice, {"version": 1, "reason": "r", "sex": "O"})
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(stale.json()["current_version"], 2)
        maria.refresh_from_db()
        self.assertEqual(maria.sex, "F")

    def test_it_reindexes_a_renamed_person_for_search(self) -> None:
        maria = self.focal_person()
        response = self.call(
            "PATCH",
            f"/people/{maria.uuid}",
            self.alice,
            {"version": 1, "reason": "ID shows it", "given_names": "Mariela"},
        )
        self.assertEqual(response.status_code, 200, response.content)
        found = [p["uuid"] for p in self.get("/people/search?q=mariela perez")]
        self.assertEqual(found[:1], [str(maria.uuid)])

    def test_it_answers_422_to_a_bad_edit(self) -> None:
        response = self.patch_family({"version": 1, "reason": " ", "address": "x"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("reason", response.json()["errors"])
        response = self.patch_family({"version": 1, "reason": "r", "colour": 1})
        self.assertEqual(set(response.json()["errors"]), {"colour"})
        response = self.patch_family({"version": 1, "reason": "r", "status": None})
        self.assertEqual(set(response.json()["errors"]), {"status"})
        response = self.patch_family({"version": 1, "reason": "r", "current_area": "ZZ-ZZ"})
        self.assertEqual(set(response.json()["errors"]), {"current_area"})
        response = self.patch_family({"reason": "r", "address": "x"})
        self.assertEqual(set(response.json()["errors"]), {"version"})
        self.family.refresh_from_db()
        self.assertEqual(self.family.version, 1)

    def test_it_refuses_an_edit_to_someone_who_may_only_read(self) -> None:
        response = self.patch_family({"version": 1, "reason": "r", "address": "x"}, self.bob)
        self.assertEqual(response.status_code, 403)

    def test_it_answers_404_for_a_foreign_record_whatever_the_body(self) -> None:
        foreign = self.ffs_family.focal_point
        assert foreign is not None
        for method, path in (
            ("PATCH", f"/households/{self.ffs_family.uuid}"),
            ("PATCH", f"/people/{foreign.uuid}"),
            ("POST", f"/people/{foreign.uuid}/documents"),
            ("POST", f"/households/{self.ffs_family.uuid}/assessments"),
        ):
            for body in (None, {"nonsense": True}, {"version": 1, "reason": "r"}):
                with self.subTest(method=method, path=path, body=body):
                    self.assertEqual(self.call(method, path, self.alice, body).status_code, 404)


class RecordsTest(RegistryApiTestCase):
    def test_it_adds_a_member(self) -> None:
        body = {
            "given_names": "Pedro",
            "first_surname": "Pérez",
            "sex": "M",
            "relationship": "child",
            "birth_date": "2019-01-01",
            "consent": {"given_by": "guardian", "guardian_name": "María José Pérez"},
        }
        response = self.call("POST", f"/households/{self.family.uuid}/members", self.alice, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["household"], str(self.family.uuid))
        self.assertEqual(self.family.members.count(), 3)

    def test_it_adds_a_document_showing_only_its_last_digits(self) -> None:
        maria = self.focal_person()
        response = self.call(
            "POST",
            f"/people/{maria.uuid}/documents",
            self.alice,
            {"type": "ppt", "number": "PPT-4455667788", "issuing_country": "CO"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["last4"], "7788")
        self.assertNotIn("4455667788", response.content.decode())
        self.assertEqual(maria.documents.count(), 2)

    def test_it_records_and_withdraws_consent(self) -> None:
        maria = self.focal_person()
        response = self.call(
            "POST",
            f"/people/{maria.uuid}/consents",
            self.alice,
            {"purpose": "sharing", "recipient": "ffs"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        consent = response.json()
        self.assertEqual((consent["recipient"], consent["active"]), ("FFS", True))

        path = f"/consents/{consent['uuid']}/withdraw"
        self.assertEqual(consent["version"], 1)
        stale = self.call("POST", path, self.alice, {"version": 7})
        self.assertEqual(stale.status_code, 409, stale.content)
        self.assertEqual(stale.json()["current_version"], 1)
        withdrawn = self.call("POST", path, self.alice, {"version": 1})
        self.assertEqual(withdrawn.status_code, 200, withdrawn.content)
        self.assertFalse(withdrawn.json()["active"])
        self.assertEqual(withdrawn.json()["version"], 2)
        self.assertIsNotNone(Consent.objects.get(uuid=consent["uuid"]).withdrawn_on)
        self.assertEqual(self.call("POST", path, self.alice).status_code, 409)

    def test_it_refuses_a_sharing_consent_without_a_partner(self) -> None:
        maria = self.focal_person()
        path = f"/people/{maria.uuid}/consents"
        response = self.call("POST", path, self.alice, {"purpose": "sharing"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("recipient", response.json()["errors"])

    def test_it_records_a_needs_assessment(self) -> None:
        path = f"/households/{self.family.uuid}/assessments"
        body = {"assessed_on": "2025-02-01", "severities": {"shelter": 4, "food": 2}}
        response = self.call("POST", path, self.alice, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["severities"], {"shelter": 4, "food": 2})
        bad = self.call("POST", path, self.alice, {"severities": {"shelter": 9}})
        self.assertEqual(bad.status_code, 422)
        self.assertIn("severities-shelter", bad.json()["errors"])
        detail = self.get(f"/households/{self.family.uuid}")
        self.assertEqual(len(detail["assessments"]), 1)


class SchemaTest(RegistryApiTestCase):
    def test_it_documents_bodies_and_refusals(self) -> None:
        paths = api.get_openapi_schema()["paths"]
        create = paths[f"{BASE}/households"]["post"]
        self.assertTrue(create["summary"])
        self.assertIn(
            "members", create["requestBody"]["content"]["application/json"]["schema"]["properties"]
        )
        self.assertLessEqual({"201", "403", "409", "422"}, {str(s) for s in create["responses"]})
        for path in (f"{BASE}/households/{{uuid}}", f"{BASE}/people/{{uuid}}"):
            patch = paths[path]["patch"]
            with self.subTest(path=path):
                self.assertLessEqual(
                    {"200", "404", "409", "422"}, {str(s) for s in patch["responses"]}
                )
                required = patch["requestBody"]["content"]["application/json"]["schema"]["required"]
                self.assertEqual(set(required), {"version", "reason"})
