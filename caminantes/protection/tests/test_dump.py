"""A raw copy of the database holds no plaintext survivor name, narrative or code-to-person
link, and what it holds sealed opens only with the protection keys: not with the registry's
field keys, not with keys derived from SECRET_KEY.

SQLite: the database file's bytes (`serialize`: the file image as the test's connection sees it,
planted rows included) and its SQL dump. PostgreSQL:
`pg_dump` with the app's own connection settings, so its own role (skipped elsewhere, or
without pg_dump). The copy also holds the survivor code: the positive control that the rows
are really in it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase

from caminantes.lib import crypto
from caminantes.protection import referrals, services, services_transfer
from caminantes.protection.tests.base import NARRATIVE, SURVIVOR, ProtectionTestCase
from caminantes.registry.models import Household, Person
from tests.personas import make_world

REFERRED = "Zulmira Cantagallo"
REASON = "Amenazas en el albergue del norte"
TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]+=*")


def plant(test: Any) -> dict[str, Any]:
    """A standalone case (base), a case linked to a registered person, a referral in with a
    name, a referral out and a transfer: every sealed table gets a row."""
    household = Household.objects.create(organization=test.iom, country=test.co,
                                         population_type="in_transit")  # fmt: skip
    person = Person.objects.create(
        household=household,
        relationship="focal_point",
        given_names="Rosalba",
        first_surname="Quintero",
        sex="F",
    )
    linked = services.case_open(
        actor=test.bob, organization=test.iom, country=test.co, kind="gbv",
        data={"person": str(person.uuid), "name": "", "sex": "F", "age_group": "26-40",
              "narrative": NARRATIVE},
    )  # fmt: skip
    referrals.receive(
        referral_uuid=uuid.uuid4(), organization=test.iom, country=test.co, service_type="gbv",
        person=person, fields={"Nombre": REFERRED, "Motivo": REASON}, urgent=True,
        sender=test.alice,
    )  # fmt: skip
    services_transfer.referral_send(
        actor=test.bob, case=linked, service="legal", provider="Defensoría", share=["first_name"],
        consent=True, consent_date=date.today(),
    )  # fmt: skip
    services_transfer.transfer_propose(
        actor=test.bob, case=test.gbv, to_organization=test.ffs, consent=True,
        consent_date=date.today(), explained_by="Bob",
    )  # fmt: skip
    return {"person": person, "linked": linked}


def words() -> list[bytes]:
    texts = [SURVIVOR, *SURVIVOR.split(), NARRATIVE, REFERRED, *REFERRED.split(), REASON]
    return [t.encode() for t in texts]


def secret_key_fernets() -> list[str]:
    """Keys someone holding SECRET_KEY (and the field keys) might try."""
    digest = hashlib.sha256(settings.SECRET_KEY.encode()).digest()
    return [
        base64.urlsafe_b64encode(digest).decode(),
        base64.urlsafe_b64encode(settings.SECRET_KEY.encode()[:32].ljust(32, b"0")).decode(),
        base64.urlsafe_b64encode(
            hashlib.sha256(settings.LOOKUP_HASH_KEY.encode()).digest()
        ).decode(),
    ]


class DumpChecks:
    """What both engines' dumps must show (mixed into the two test classes)."""

    gbv: Any

    def check(self: Any, raw: bytes, lines: list[str], planted: dict[str, Any]) -> None:
        self.assertIn(self.gbv.survivor_code.encode(), raw)  # the rows are in the copy
        for word in words():
            self.assertNotIn(word, raw, word)
        person = planted["person"]
        forms = {str(person.uuid), person.uuid.hex}
        codes = {self.gbv.survivor_code, planted["linked"].survivor_code}
        for line in lines:
            if any(f in line for f in forms):
                # The person's id appears only where the registry (or its trail) keeps it:
                # never on a protection row, never beside a survivor code.
                self.assertFalse(any(c in line for c in codes), line[:200])
                self.assertNotIn("protection_", line.split("VALUES")[0], line[:200])
        tokens = TOKEN.findall(raw)
        self.assertGreaterEqual(len(tokens), 5)
        opened = []
        for token in set(tokens):
            text = token.decode()
            for keys in (settings.FIELD_ENCRYPTION_KEYS, secret_key_fernets()):
                try:
                    value = crypto.decrypt(text, keys=keys)
                except crypto.InvalidToken:
                    continue
                # Registry fields open with the field keys: none of them is a case file.
                for word in words():
                    self.assertNotIn(word.decode(), value)
                self.assertNotIn(str(person.uuid), value)
            try:
                opened.append(crypto.decrypt(text, keys=settings.PROTECTION_ENCRYPTION_KEYS))
            except crypto.InvalidToken:
                continue
        joined = "\n".join(opened)
        for text in (SURVIVOR, NARRATIVE, REFERRED, REASON, str(person.uuid)):
            self.assertIn(text, joined)  # the protection keys open them


@unittest.skipUnless(connection.vendor == "sqlite", "the SQLite file; pg_dump below")
class SQLiteDumpTest(DumpChecks, ProtectionTestCase):
    def test_the_database_file_holds_no_plaintext_and_opens_only_with_the_protection_key(
        self,
    ) -> None:
        planted = plant(self)
        connection.ensure_connection()
        # The bytes the database file would hold, as this connection sees it (inside the
        # test's transaction); opened again as a file for its SQL dump.
        raw = connection.connection.serialize()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "copy.sqlite3")
            with open(path, "wb") as handle:
                handle.write(raw)
            target = sqlite3.connect(path)
            lines = list(target.iterdump())
            target.close()
        self.check(raw + "\n".join(lines).encode(), lines, planted)


@unittest.skipUnless(connection.vendor == "postgresql", "pg_dump needs PostgreSQL")
@unittest.skipUnless(shutil.which("pg_dump"), "pg_dump is not installed")
class PostgresDumpTest(DumpChecks, TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        world: Any = self
        make_world(world)
        self.gbv = services.case_open(
            actor=world.bob, organization=world.iom, country=world.co, kind="gbv",
            data={"name": SURVIVOR, "sex": "F", "age_group": "18-25", "narrative": NARRATIVE},
        )  # fmt: skip

    def test_pg_dump_holds_no_plaintext_and_opens_only_with_the_protection_key(self) -> None:
        planted = plant(self)
        db = connection.settings_dict
        env = dict(os.environ, PGPASSWORD=str(db.get("PASSWORD") or ""))
        command = ["pg_dump", "--data-only", "--no-owner", "-d", str(db["NAME"])]
        for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
            if db.get(key):
                command += [flag, str(db[key])]
        raw = subprocess.run(command, env=env, check=True, capture_output=True,  # noqa: S603
                             timeout=120).stdout  # fmt: skip
        lines = _copy_lines(raw.decode())
        self.check(raw, lines, planted)


def _copy_lines(dump: str) -> list[str]:
    """Each COPY data row prefixed with its table, in the form the SQLite dump gives
    ("INSERT INTO table VALUES ...")."""
    table, out = "", []
    for line in dump.splitlines():
        if line.startswith("COPY "):
            table = line.split()[1]
        elif line == "\\.":
            table = ""
        elif table:
            out.append(f"INSERT INTO {table} VALUES {line}")  # noqa: S608 - text, not SQL
    return out
