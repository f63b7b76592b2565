# Data step of flow types (issue 16). The rule for the data counted before flow types:
#
# - A sheet whose direction was "transit" becomes flow type "transit" with the direction of
#   the point's sense: "outgoing" where the point's movement types list exits but not
#   entries (a point people only leave through, e.g. Necoclí), "incoming" everywhere else
#   (people passing through a country are counted as they enter it).
# - Every other sheet keeps its direction and gets flow type "unknown" ("Not recorded"):
#   the point's movement types say what may happen there, not what each group was, so
#   they are not used to guess it. Outputs show "Not recorded" as its own flow type.
#
# Only labels change, rows are neither added nor removed, so every total per point and
# day stays the same (tests/test_flow_type_migration.py). The rollups are relabelled the
# same way (a transit row cannot meet an existing row: the new key carries the flow type),
# and MonitoredDay is filled from the live sheets.

from django.db import migrations

FLOW_TABLES = ("FlowCount", "FlowDaily", "FlowDailyBreakdown", "FlowMonthly",
               "FlowMonthlyBreakdown")  # fmt: skip


def _leaving_points(apps):
    Point = apps.get_model("dtm", "FlowMonitoringPoint")
    return [
        pk
        for pk, types in Point.objects.values_list("pk", "movement_types")
        if "exit" in (types or []) and "entry" not in (types or [])
    ]


def forward(apps, schema_editor):
    leaving = _leaving_points(apps)
    for name in FLOW_TABLES:
        model = apps.get_model("dtm", name)
        model.objects.filter(direction="transit", point_id__in=leaving).update(
            direction="outgoing", flow_type="transit"
        )
        model.objects.filter(direction="transit").update(direction="incoming", flow_type="transit")
    counts = apps.get_model("dtm", "FlowCount")._meta.db_table
    monitored = apps.get_model("dtm", "MonitoredDay")._meta.db_table
    schema_editor.execute(
        f"INSERT INTO {monitored} (point_id, day, organization_id, country_id, operation_id, "  # noqa: S608
        f"shifts) SELECT point_id, observed_on, organization_id, country_id, operation_id, "
        f"COUNT(*) FROM (SELECT DISTINCT point_id, observed_on, shift_start, shift_end, "
        f"organization_id, country_id, operation_id FROM {counts} WHERE voided_at IS NULL) s "
        f"GROUP BY point_id, observed_on, organization_id, country_id, operation_id"
    )


def backward(apps, schema_editor):
    """Back to "transit" as a direction. Exact for the data 0007 migrated; sheets entered
    later with a flow type lose it (there was nowhere to keep it)."""
    apps.get_model("dtm", "MonitoredDay").objects.all().delete()
    for name in FLOW_TABLES:
        model = apps.get_model("dtm", name)
        model.objects.filter(flow_type="transit").update(direction="transit")


class Migration(migrations.Migration):
    dependencies = [
        ("dtm", "0006_flow_type_and_monitored_days"),
    ]

    operations = [migrations.RunPython(forward, backward)]
