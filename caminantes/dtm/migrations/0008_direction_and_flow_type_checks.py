# After 0007 no count says "transit" as its direction any more: the database now refuses
# any direction but incoming/outgoing and any flow type outside the list.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dtm', '0007_transit_direction_to_flow_type'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='flowcount',
            constraint=models.CheckConstraint(condition=models.Q(('direction__in', ['incoming', 'outgoing'])), name='dtm_count_direction_known'),
        ),
        migrations.AddConstraint(
            model_name='flowcount',
            constraint=models.CheckConstraint(condition=models.Q(('flow_type__in', ['pendular', 'transit', 'stay', 'return', 'unknown'])), name='dtm_count_flow_type_known'),
        ),
    ]
