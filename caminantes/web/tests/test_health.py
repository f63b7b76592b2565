from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.test import TestCase
from django.urls import reverse


class HealthTest(TestCase):
    def test_it_answers_200_when_the_database_is_ready(self) -> None:
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "ok")

    def test_it_answers_503_with_pending_migrations(self) -> None:
        with mock.patch(
            "django.db.migrations.executor.MigrationExecutor.migration_plan",
            return_value=[("a migration", False)],
        ):
            response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["pending_migrations"], 1)

    def test_it_answers_503_when_the_database_is_down(self) -> None:
        with mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
            side_effect=OperationalError("down"),
        ):
            response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 503)
