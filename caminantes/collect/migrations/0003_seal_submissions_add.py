"""Submissions sealed at rest (1/3): the encrypted columns, beside the plain ones."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("collect", "0002_server_form_media")]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="xml_encrypted",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="submission",
            name="answers_encrypted",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="submission",
            name="extra_answers_encrypted",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="submission",
            name="flags_encrypted",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="submission",
            name="review_reason_encrypted",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="submissionattachment",
            name="content_encrypted",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
    ]
