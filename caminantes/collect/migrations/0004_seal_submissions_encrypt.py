"""Submissions sealed at rest (2/3): every existing submission's XML, answers, flags and
review reason, and every attachment's bytes, encrypted with the field keys (lib.crypto),
batch by batch; the plain columns are emptied as their value moves (0005 drops them).

Not atomic: each batch commits on its own, so a large table is not one long transaction and
an interrupted run goes on where it stopped (a row already encrypted is skipped). Reversible:
the way back decrypts into the plain columns.
"""

from typing import Any

from django.db import migrations, transaction

from caminantes.lib import crypto

BATCH = 200
FILE_BATCH = 10  # attachments: up to COLLECT_MAX_ATTACHMENT_BYTES each

# plain column: (its empty value, encrypt, decrypt)
TEXT = ("", crypto.encrypt, crypto.decrypt)
COLUMNS: dict[str, tuple[Any, Any, Any]] = {
    "xml": TEXT,
    "review_reason": TEXT,
    "answers": ({}, crypto.json_encrypt, lambda t: crypto.json_decrypt(t, {})),
    "extra_answers": ({}, crypto.json_encrypt, lambda t: crypto.json_decrypt(t, {})),
    "flags": ([], crypto.json_encrypt, lambda t: crypto.json_decrypt(t, [])),
}
FILES: dict[str, tuple[Any, Any, Any]] = {
    "content": (b"", lambda b: crypto.encrypt_bytes(bytes(b)), crypto.decrypt_bytes),
}


def _move(model: Any, alias: str, columns: dict[str, Any], size: int, *, seal: bool) -> None:
    """Each row's plain columns into `<column>_encrypted` (or back), `size` rows a batch."""
    plain = list(columns)
    sealed = [f"{c}_encrypted" for c in plain]
    # The rows still to do: the first column says (the XML, the bytes are never empty).
    todo = model.objects.using(alias)
    todo = todo.filter(**{sealed[0]: ""}) if seal else todo.exclude(**{sealed[0]: ""})
    last = 0
    while rows := list(todo.filter(pk__gt=last).order_by("pk").only("pk", *plain, *sealed)[:size]):
        for row in rows:
            for column, (empty, encrypt, decrypt) in columns.items():
                if seal:
                    setattr(row, f"{column}_encrypted", encrypt(getattr(row, column)))
                    setattr(row, column, empty)
                else:
                    setattr(row, column, decrypt(getattr(row, f"{column}_encrypted")))
                    setattr(row, f"{column}_encrypted", "")
        with transaction.atomic(using=alias):
            model.objects.using(alias).bulk_update(rows, plain + sealed)
        last = rows[-1].pk


def seal(apps: Any, schema_editor: Any) -> None:
    alias = schema_editor.connection.alias
    _move(apps.get_model("collect", "Submission"), alias, COLUMNS, BATCH, seal=True)
    _move(apps.get_model("collect", "SubmissionAttachment"), alias, FILES, FILE_BATCH, seal=True)


def unseal(apps: Any, schema_editor: Any) -> None:
    alias = schema_editor.connection.alias
    _move(apps.get_model("collect", "Submission"), alias, COLUMNS, BATCH, seal=False)
    _move(apps.get_model("collect", "SubmissionAttachment"), alias, FILES, FILE_BATCH, seal=False)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("collect", "0003_seal_submissions_add")]

    operations = [migrations.RunPython(seal, unseal)]
