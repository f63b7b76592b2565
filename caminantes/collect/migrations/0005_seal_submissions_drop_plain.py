"""Submissions sealed at rest (3/3): the plain columns go (their values were moved into the
encrypted ones by 0004, which left them empty). They are given a default first, so that the
way back can add them again to a table with rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("collect", "0004_seal_submissions_encrypt")]

    operations = [
        migrations.AlterField(
            model_name="submission", name="xml", field=models.TextField(blank=True, default="")
        ),
        migrations.AlterField(
            model_name="submissionattachment",
            name="content",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.RemoveField(model_name="submission", name="xml"),
        migrations.RemoveField(model_name="submission", name="answers"),
        migrations.RemoveField(model_name="submission", name="extra_answers"),
        migrations.RemoveField(model_name="submission", name="flags"),
        migrations.RemoveField(model_name="submission", name="review_reason"),
        migrations.RemoveField(model_name="submissionattachment", name="content"),
    ]
