"""The index of the involvements of open trajectories (decision 0022; the column is 0005's)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trajectories", "0005_involvement_open"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="involvement",
            index=models.Index(
                condition=models.Q(("active", True), ("trajectory_open", True)),
                fields=["organisation", "trajectory"],
                name="involvement_open",
            ),
        ),
    ]
