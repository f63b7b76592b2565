"""The dashboard's summaries of the validated 5W (see `summary`), filled for the months
already validated. The fill is plain SQL on the tables as they are at this step (not the
app's `summary.rebuild`, whose SQL moves on with the schema); it counts as `consolidate`
does, and tests/test_summary.py holds it equal to `summary.rebuild`. `caminantes fivew
summarise` does the same by hand."""

import django.db.models.deletion
from django.db import migrations, models

POPULATION = ("pop_in_destination", "pop_in_transit", "pop_host_community", "pop_pendular",
              "pop_colombian_returnees")
AGE_SEX = ("women_under18", "men_under18", "women_over18", "men_over18", "other_under18",
           "other_over18")


def fill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    real = "DOUBLE PRECISION"
    pt = "(" + " + ".join(f"CAST(a.{p} AS {real})" for p in POPULATION) + ")"
    at = "(" + " + ".join(f"CAST(a.{g} AS {real})" for g in AGE_SEX) + ")"
    new = f"CAST(COALESCE(a.new_beneficiaries, 0) AS {real})"
    counted = (
        "FROM fivew_activity a JOIN fivew_report r ON r.id = a.report_id "
        "JOIN fivew_indicator i ON i.id = a.indicator_id "
        "WHERE r.status = 'validated' AND a.rmrp_activity = %s "
        "AND i.type = 'direct_assistance'"
    )
    weighted = (
        "SELECT r.country_id, r.month, a.admin1_id, a.sector_id, "
        "COALESCE(a.monthly_beneficiaries, 0) AS monthly_beneficiaries, "
        "COALESCE(a.new_beneficiaries, 0) AS new_beneficiaries, "
        + ", ".join(f"a.{f}" for f in POPULATION + AGE_SEX) + ", "
        f"CASE WHEN {pt} > 0 AND {at} > 0 THEN {new} / ({pt} * {at}) ELSE 0 END AS w, "
        f"CASE WHEN {pt} = 0 AND {at} > 0 THEN {new} / {at} ELSE 0 END AS wp, "
        f"CASE WHEN {pt} > 0 AND {at} = 0 THEN {new} / {pt} ELSE 0 END AS wg, "
        f"CASE WHEN {pt} = 0 AND {at} = 0 THEN {new} ELSE 0 END AS wu "
        + counted + (" OFFSET 0" if vendor == "postgresql" else "")
    )
    cells, sums = [], []
    for p in (*POPULATION, "pop_unknown"):
        for g in (*AGE_SEX, "age_sex_unknown"):
            cells.append(f'"cell_{p}_{g}"')
            if p == "pop_unknown" and g == "age_sex_unknown":
                sums.append("SUM(wu)")
            elif p == "pop_unknown":
                sums.append(f"SUM(wp * {g})")
            elif g == "age_sex_unknown":
                sums.append(f"SUM(wg * {p})")
            else:
                sums.append(f"SUM(w * {p} * {g})")
    numbers = ("monthly_beneficiaries", "new_beneficiaries", *POPULATION, *AGE_SEX)
    keys = "country_id, month, admin1_id, sector_id"
    schema_editor.execute(
        f"INSERT INTO fivew_summary ({keys}, {', '.join(numbers)}, {', '.join(cells)}) "
        f"SELECT {keys}, {', '.join(f'SUM({n})' for n in numbers)}, {', '.join(sums)} "
        f"FROM ({weighted}) x GROUP BY {keys}",
        [True],
    )
    schema_editor.execute(
        'INSERT INTO fivew_cvasummary (country_id, month, sector_id, delivery_mechanism, "rows", '
        "value_usd, new_beneficiaries) SELECT r.country_id, r.month, a.sector_id, "
        "a.delivery_mechanism, COUNT(*), SUM(a.value_usd), COALESCE(SUM(a.new_beneficiaries), 0) "
        "FROM fivew_activity a JOIN fivew_report r ON r.id = a.report_id "
        "WHERE r.status = 'validated' AND a.cva = %s "
        "GROUP BY r.country_id, r.month, a.sector_id, a.delivery_mechanism",
        [True],
    )


class Migration(migrations.Migration):

    dependencies = [
        ('fivew', '0001_reference_lists_reports_activities'),
        ('geo', '0001_places'),
    ]

    operations = [
        migrations.CreateModel(
            name='CvaSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('delivery_mechanism', models.CharField(blank=True, max_length=60)),
                ('rows', models.PositiveIntegerField(default=0)),
                ('value_usd', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('new_beneficiaries', models.BigIntegerField(default=0)),
                ('country', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='geo.country')),
                ('sector', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='fivew.sector')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('country', 'month', 'sector', 'delivery_mechanism'), name='fivew_cvasummary_cell')],
            },
        ),
        migrations.CreateModel(
            name='Summary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('monthly_beneficiaries', models.BigIntegerField(default=0)),
                ('new_beneficiaries', models.BigIntegerField(default=0)),
                ('pop_in_destination', models.BigIntegerField(default=0)),
                ('pop_in_transit', models.BigIntegerField(default=0)),
                ('pop_host_community', models.BigIntegerField(default=0)),
                ('pop_pendular', models.BigIntegerField(default=0)),
                ('pop_colombian_returnees', models.BigIntegerField(default=0)),
                ('women_under18', models.BigIntegerField(default=0)),
                ('men_under18', models.BigIntegerField(default=0)),
                ('other_under18', models.BigIntegerField(default=0)),
                ('women_over18', models.BigIntegerField(default=0)),
                ('men_over18', models.BigIntegerField(default=0)),
                ('other_over18', models.BigIntegerField(default=0)),
                ('cell_pop_in_destination_women_under18', models.FloatField(default=0)),
                ('cell_pop_in_destination_men_under18', models.FloatField(default=0)),
                ('cell_pop_in_destination_women_over18', models.FloatField(default=0)),
                ('cell_pop_in_destination_men_over18', models.FloatField(default=0)),
                ('cell_pop_in_destination_other_under18', models.FloatField(default=0)),
                ('cell_pop_in_destination_other_over18', models.FloatField(default=0)),
                ('cell_pop_in_destination_age_sex_unknown', models.FloatField(default=0)),
                ('cell_pop_in_transit_women_under18', models.FloatField(default=0)),
                ('cell_pop_in_transit_men_under18', models.FloatField(default=0)),
                ('cell_pop_in_transit_women_over18', models.FloatField(default=0)),
                ('cell_pop_in_transit_men_over18', models.FloatField(default=0)),
                ('cell_pop_in_transit_other_under18', models.FloatField(default=0)),
                ('cell_pop_in_transit_other_over18', models.FloatField(default=0)),
                ('cell_pop_in_transit_age_sex_unknown', models.FloatField(default=0)),
                ('cell_pop_host_community_women_under18', models.FloatField(default=0)),
                ('cell_pop_host_community_men_under18', models.FloatField(default=0)),
                ('cell_pop_host_community_women_over18', models.FloatField(default=0)),
                ('cell_pop_host_community_men_over18', models.FloatField(default=0)),
                ('cell_pop_host_community_other_under18', models.FloatField(default=0)),
                ('cell_pop_host_community_other_over18', models.FloatField(default=0)),
                ('cell_pop_host_community_age_sex_unknown', models.FloatField(default=0)),
                ('cell_pop_pendular_women_under18', models.FloatField(default=0)),
                ('cell_pop_pendular_men_under18', models.FloatField(default=0)),
                ('cell_pop_pendular_women_over18', models.FloatField(default=0)),
                ('cell_pop_pendular_men_over18', models.FloatField(default=0)),
                ('cell_pop_pendular_other_under18', models.FloatField(default=0)),
                ('cell_pop_pendular_other_over18', models.FloatField(default=0)),
                ('cell_pop_pendular_age_sex_unknown', models.FloatField(default=0)),
                ('cell_pop_colombian_returnees_women_under18', models.FloatField(default=0)),
                ('cell_pop_colombian_returnees_men_under18', models.FloatField(default=0)),
                ('cell_pop_colombian_returnees_women_over18', models.FloatField(default=0)),
                ('cell_pop_colombian_returnees_men_over18', models.FloatField(default=0)),
                ('cell_pop_colombian_returnees_other_under18', models.FloatField(default=0)),
                ('cell_pop_colombian_returnees_other_over18', models.FloatField(default=0)),
                ('cell_pop_colombian_returnees_age_sex_unknown', models.FloatField(default=0)),
                ('cell_pop_unknown_women_under18', models.FloatField(default=0)),
                ('cell_pop_unknown_men_under18', models.FloatField(default=0)),
                ('cell_pop_unknown_women_over18', models.FloatField(default=0)),
                ('cell_pop_unknown_men_over18', models.FloatField(default=0)),
                ('cell_pop_unknown_other_under18', models.FloatField(default=0)),
                ('cell_pop_unknown_other_over18', models.FloatField(default=0)),
                ('cell_pop_unknown_age_sex_unknown', models.FloatField(default=0)),
                ('admin1', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='fivew.admin1')),
                ('country', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='geo.country')),
                ('sector', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='fivew.sector')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('country', 'month', 'admin1', 'sector'), name='fivew_summary_cell')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
