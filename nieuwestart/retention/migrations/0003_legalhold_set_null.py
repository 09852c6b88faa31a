"""A lifted legal hold outlives its trajectory (step 2 of 0002): the UUID is required and the
link to the trajectory is emptied, not cascaded, when the trajectory is deleted."""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0002_legalhold_keep_after_delete"),
    ]

    operations = [
        migrations.AlterField(
            model_name="legalhold",
            name="trajectory_uuid",
            field=models.UUIDField(verbose_name="traject"),
        ),
        migrations.AlterField(
            model_name="legalhold",
            name="trajectory",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="legal_holds",
                to="trajectories.trajectory",
            ),
        ),
    ]
