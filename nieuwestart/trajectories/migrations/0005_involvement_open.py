"""Involvements know whether their trajectory is open, for the work lists' index (decision 0022).

The column comes with its default (open); the involvements of trajectories that are already
closed are then marked in one statement. The index follows in 0006, in a transaction of its
own: built in this one, it would also hold the rows' versions from before the update (about
eight times its size at national scale), which PostgreSQL keeps until that transaction ends.
"""

from django.db import migrations, models


def mark_closed(apps, schema_editor):
    Trajectory = apps.get_model("trajectories", "Trajectory")
    Involvement = apps.get_model("trajectories", "Involvement")
    closed = Trajectory.objects.filter(phase="afgesloten").values("pk")
    Involvement.objects.filter(trajectory__in=closed).update(trajectory_open=False)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("trajectories", "0004_attribution_without_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="involvement",
            name="trajectory_open",
            field=models.BooleanField(default=True),
        ),
        # Backwards: the column goes, nothing to undo.
        migrations.RunPython(mark_closed, migrations.RunPython.noop),
    ]
