"""The one door for request ids sent again, on a real ledger (casework's: one row per request
id, owned by an organization)."""

from __future__ import annotations

import uuid
from typing import Any
from unittest import mock

from django.db import IntegrityError
from django.db.models import QuerySet
from django.test import TestCase

from caminantes.accounts.models import Organization
from caminantes.assistance.casework.models import CaseworkRequest
from caminantes.lib.idempotency import (
    Claim,
    claim,
    content_digest,
    create_once,
    earlier,
    known,
    note,
    stored_digests,
)


class Reused(Exception):
    pass


def reused() -> Reused:
    return Reused("used for something else")


class ClaimTests(TestCase):
    iom: Organization
    ffs: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        cls.iom = Organization.objects.create(name="IOM", acronym="IOM", type="un_agency")
        cls.ffs = Organization.objects.create(name="FFS", acronym="FFS", type="national_ngo")

    def claim(
        self, request_id: uuid.UUID | None, content: dict[str, Any], **kw: Any
    ) -> Claim[CaseworkRequest]:
        kw.setdefault("organization", self.iom)
        return claim(CaseworkRequest, request_id, content, conflict=reused, **kw)

    def test_it_stores_nothing_without_a_request_id(self) -> None:
        self.assertEqual(self.claim(None, {"op": "open"}), Claim(None, None))
        self.assertFalse(CaseworkRequest.objects.exists())

    def test_a_new_id_is_stored_with_its_digest_and_owner(self) -> None:
        rid = uuid.uuid4()
        new, before = self.claim(rid, {"op": "open", "n": 1})
        self.assertIsNone(before)
        assert new is not None
        stored = CaseworkRequest.objects.get(uuid=rid)
        self.assertEqual(stored.pk, new.pk)
        self.assertEqual(stored.sha256, content_digest({"n": 1, "op": "open"}))
        self.assertEqual(stored.organization_id, self.iom.pk)

    def test_the_same_content_sent_again_gets_the_earlier_row(self) -> None:
        rid = uuid.uuid4()
        first, _ = self.claim(rid, {"op": "open", "n": 1})
        again = self.claim(rid, {"n": 1, "op": "open"})  # the order of the keys does not count
        assert first is not None and again.earlier is not None
        self.assertIsNone(again.new)
        self.assertEqual(again.earlier.pk, first.pk)
        self.assertEqual(CaseworkRequest.objects.count(), 1)

    def test_other_content_under_the_same_id_is_a_conflict(self) -> None:
        rid = uuid.uuid4()
        self.claim(rid, {"op": "open", "n": 1})
        with self.assertRaisesMessage(Reused, "used for something else"):
            self.claim(rid, {"op": "open", "n": 2})

    def test_the_same_content_for_another_owner_is_a_conflict(self) -> None:
        rid = uuid.uuid4()
        self.claim(rid, {"op": "open"})
        with self.assertRaises(Reused):
            self.claim(rid, {"op": "open"}, organization=self.ffs)
        # The owner compared by id, given as a row or as its id.
        self.assertIsNotNone(self.claim(rid, {"op": "open"}, organization=self.iom.pk).earlier)
        with self.assertRaises(Reused):
            self.claim(rid, {"op": "open"}, organization=self.ffs.pk)

    def test_the_conflict_may_be_given_made(self) -> None:
        rid = uuid.uuid4()
        claim(CaseworkRequest, rid, {"op": "open"}, organization=self.iom, conflict=reused)
        with self.assertRaisesMessage(Reused, "made before"):
            claim(CaseworkRequest, rid, {}, organization=self.iom, conflict=Reused("made before"))

    def test_a_twin_sent_at_the_same_moment_that_won_is_read(self) -> None:
        rid = uuid.uuid4()
        twin = CaseworkRequest.objects.create(
            uuid=rid, sha256=content_digest({"op": "open"}), organization=self.iom
        )
        # The look before the insert does not see the twin (not committed yet): the insert
        # fails on the unique id, in its savepoint, and the twin's row is read.
        with mock.patch.object(QuerySet, "first", return_value=None):
            found = self.claim(rid, {"op": "open"})
            self.assertEqual(found, Claim(None, twin))
            with self.assertRaises(Reused):  # and a twin with other content is a conflict
                self.claim(rid, {"op": "close"})
        self.assertEqual(CaseworkRequest.objects.count(), 1)  # the transaction goes on

    def test_inserting_first_answers_the_same(self) -> None:
        rid = uuid.uuid4()
        with self.assertNumQueries(1):  # a new id: one statement
            new, _ = self.claim(rid, {"op": "open"}, insert_first=True)
        assert new is not None and new.pk is not None
        stored = CaseworkRequest.objects.get(uuid=rid)
        self.assertEqual((stored.pk, stored.sha256), (new.pk, content_digest({"op": "open"})))
        self.assertEqual(stored.organization_id, self.iom.pk)
        self.assertIsNotNone(stored.created_at)
        note(new, case=None)  # a row like any other: it can be saved
        with self.assertNumQueries(2):  # a re-send: one more
            again = self.claim(rid, {"op": "open"}, insert_first=True)
        self.assertEqual(again, Claim(None, stored))
        with self.assertRaises(Reused):
            self.claim(rid, {"op": "close"}, insert_first=True)
        with self.assertRaises(Reused):
            self.claim(rid, {"op": "open"}, organization=self.ffs, insert_first=True)
        self.assertEqual(self.claim(None, {}, insert_first=True), Claim(None, None))
        self.assertEqual(CaseworkRequest.objects.count(), 1)


class EarlierTests(TestCase):
    """Rows that carry the request id themselves (here the ledger's own row stands for one)."""

    org: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = Organization.objects.create(name="IOM", acronym="IOM", type="un_agency")

    def test_it_finds_a_re_send_and_refuses_a_reuse(self) -> None:
        rid, sha = uuid.uuid4(), content_digest({"op": "open"})
        self.assertIsNone(earlier(CaseworkRequest, None, sha, conflict=reused))
        self.assertIsNone(earlier(CaseworkRequest, rid, sha, conflict=reused))
        row = CaseworkRequest.objects.create(uuid=rid, sha256=sha, organization=self.org)
        self.assertEqual(earlier(CaseworkRequest, rid, sha, conflict=reused), row)
        query = CaseworkRequest.objects.select_related("organization")
        with self.assertNumQueries(1):
            found = earlier(query, rid, sha, conflict=reused, organization=self.org)
            assert found is not None
            self.assertEqual(found.organization.acronym, "IOM")
        with self.assertRaises(Reused):
            earlier(CaseworkRequest, rid, content_digest({"op": "close"}), conflict=reused)
        with self.assertRaises(Reused):
            earlier(CaseworkRequest, rid, sha, conflict=reused, organization=self.org.pk + 1)


class CreateOnceTests(TestCase):
    """Rows that are the write itself (a DTM tally sheet), with a file's digests read once."""

    org: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = Organization.objects.create(name="IOM", acronym="IOM", type="un_agency")

    def create(self, rid: uuid.UUID, sha: str) -> CaseworkRequest:
        return CaseworkRequest.objects.create(uuid=rid, sha256=sha, organization=self.org)

    def once(self, rid: uuid.UUID, sha: str, **kw: Any) -> tuple[CaseworkRequest, bool]:
        return create_once(
            CaseworkRequest, rid, sha, lambda: self.create(rid, sha), conflict=reused, **kw
        )

    def test_it_creates_once_and_answers_the_earlier_row_after(self) -> None:
        rid, sha = uuid.uuid4(), content_digest({"n": 1})
        row, created = self.once(rid, sha)
        self.assertTrue(created)
        self.assertEqual(self.once(rid, sha), (row, False))
        with self.assertRaises(Reused):
            self.once(rid, content_digest({"n": 2}))
        self.assertEqual(CaseworkRequest.objects.count(), 1)

    def test_a_twin_stored_since_the_digests_were_read_is_answered(self) -> None:
        rid, sha = uuid.uuid4(), content_digest({"n": 1})
        digests = stored_digests(CaseworkRequest, [rid])  # read before the twin stored it
        self.assertEqual(digests, {})
        twin = self.create(rid, sha)
        with self.assertNumQueries(0):
            self.assertFalse(known(CaseworkRequest, rid, sha, conflict=reused, digests=digests))
        self.assertEqual(self.once(rid, sha, digests=digests), (twin, False))
        with self.assertRaises(Reused):  # the twin with other content: a conflict
            self.once(rid, content_digest({"n": 2}), digests=digests)
        self.assertEqual(CaseworkRequest.objects.count(), 1)

    def test_another_constraint_failing_stands(self) -> None:
        def create() -> CaseworkRequest:
            raise IntegrityError("another constraint")

        with self.assertRaisesMessage(IntegrityError, "another constraint"):
            create_once(CaseworkRequest, uuid.uuid4(), "x", create, conflict=reused)

    def test_known_reads_the_digests_given_or_asks(self) -> None:
        rid, sha = uuid.uuid4(), content_digest({"n": 1})
        self.create(rid, sha)
        digests = stored_digests(CaseworkRequest, [rid, uuid.uuid4()])
        self.assertEqual(digests, {rid: sha})
        with self.assertNumQueries(0):
            self.assertTrue(known(CaseworkRequest, rid, sha, conflict=reused, digests=digests))
            self.assertFalse(known(CaseworkRequest, None, sha, conflict=reused))
        with self.assertNumQueries(1):
            self.assertTrue(known(CaseworkRequest, rid, sha, conflict=reused))
        self.assertFalse(known(CaseworkRequest, uuid.uuid4(), sha, conflict=reused))
        with self.assertRaises(Reused):
            known(CaseworkRequest, rid, "other", conflict=reused, digests=digests)


class NoteTests(TestCase):
    def test_it_notes_what_the_write_made_and_nothing_without_a_row(self) -> None:
        org = Organization.objects.create(name="IOM", acronym="IOM", type="un_agency")
        row = CaseworkRequest.objects.create(uuid=uuid.uuid4(), sha256="x", organization=org)
        other = Organization.objects.create(name="FFS", acronym="FFS", type="national_ngo")
        note(row, organization=other)
        row.refresh_from_db()
        self.assertEqual(row.organization_id, other.pk)
        with self.assertNumQueries(0):
            note(None, organization=other)
