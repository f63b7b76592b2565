"""The database cache's table (rate-limit counters; see settings.CACHES), made by `migrate`
so that no deployment forgets `createcachetable`. Does nothing when the cache is Redis."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_organisations_users_memberships_tokens")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
