"""Search keys and document hashes follow the one set of name and document rules
(lib.names, shared with the identity engine): new sound rules, typo keys ("<", ">", "-"),
and document numbers compared without leading zeros. Data only; `caminantes search_index`
does the same by hand. At 1,000,000 people it takes a few minutes."""

from typing import Any

from django.db import migrations


def rebuild(apps: Any, schema_editor: Any) -> None:
    from caminantes.registry.services.reindex import search_keys_rebuild

    search_keys_rebuild(
        person_model=apps.get_model("registry", "Person"),
        document_model=apps.get_model("registry", "Document"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_number_labels"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
