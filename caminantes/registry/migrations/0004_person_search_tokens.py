"""Search keys move from one row per key (registry_searchkey) to a JSON list on the person,
indexed with GIN on PostgreSQL: a search intersects each word's posting list instead of
counting hundreds of thousands of key rows for a common name."""

from typing import Any

from django.db import migrations, models

GIN = "registry_person_search_tokens_gin"


def fill(apps: Any, schema_editor: Any) -> None:
    from caminantes.lib import names

    Person = apps.get_model("registry", "Person")
    batch = []
    for person in Person.objects.only(
        "pk", "given_names", "first_surname", "second_surname", "preferred_name"
    ).iterator(chunk_size=2000):
        full = names.full_name(person.given_names, person.first_surname, person.second_surname)
        person.search_tokens = sorted(names.search_keys(full, person.preferred_name))
        batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["search_tokens"])
            batch = []
    Person.objects.bulk_update(batch, ["search_tokens"])


def gin_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN} ON registry_person USING gin (search_tokens)"
        )


def drop_gin_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_timeline_params_person_merged_into"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_tokens",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(gin_index, drop_gin_index),
        migrations.DeleteModel(
            name="SearchKey",
        ),
    ]
