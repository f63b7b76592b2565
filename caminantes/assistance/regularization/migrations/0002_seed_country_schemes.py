"""Seed the real schemes (Colombia PPT, Peru CPP, Ecuador VIRTE, Brazil's residence) for the
countries already loaded; country managers edit them afterwards. On a new database the
countries come later (`load_places`): `caminantes regularization_seed` fills them in then,
and the demo loader does it too."""

from django.db import migrations


def seed(apps, schema_editor):
    from caminantes.assistance.regularization import seeds

    seeds.seed(
        apps.get_model("regularization", "Scheme"),
        apps.get_model("regularization", "Step"),
        apps.get_model("geo", "Country"),
    )


class Migration(migrations.Migration):
    dependencies = [("regularization", "0001_schemes_offices_slots_enrolments_appointments")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
