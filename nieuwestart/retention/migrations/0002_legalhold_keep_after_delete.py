"""A lifted legal hold outlives its trajectory: SET_NULL instead of CASCADE, and the trajectory's
UUID copied onto the hold (docs/retention.md, "Legal hold"). Step 1: the column and its values.
Step 2 (0003) makes it required and changes the link, in its own transaction: on PostgreSQL an
ALTER TABLE after the UPDATE in the same transaction can fail on pending trigger events."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def copy_uuids(apps: Any, schema_editor: Any) -> None:
    LegalHold = apps.get_model("retention", "LegalHold")
    for hold in LegalHold.objects.select_related("trajectory").iterator():
        LegalHold.objects.filter(pk=hold.pk).update(trajectory_uuid=hold.trajectory.uuid)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="legalhold",
            name="trajectory_uuid",
            field=models.UUIDField(null=True, verbose_name="traject"),
        ),
        migrations.RunPython(copy_uuids, migrations.RunPython.noop, elidable=True),
    ]
