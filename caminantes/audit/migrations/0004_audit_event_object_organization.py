"""The organisation holding an event's object, so that its auditors see denials too.

A nullable column without default: both PostgreSQL and SQLite add it in place (ALTER TABLE
ADD COLUMN). A table rebuild would drop the append-only triggers, so keep it that way.
"""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_organisations_users_memberships_tokens"),
        ("audit", "0003_alert_kind_tracing_searches"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="object_organization",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
                verbose_name="organisation of the object",
            ),
        ),
    ]
