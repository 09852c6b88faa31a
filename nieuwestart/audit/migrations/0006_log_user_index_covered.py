"""Drop the processing log's own index on `user_id`: `log_user_time` (user, timestamp) starts
with it, and every write to the log paid for both.

Only the index goes, by name. An `AlterField` would make SQLite rebuild the table, and the
rebuilt table would lose the append-only triggers of migration 0002.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "audit_processinglogentry_user_id_c625d4ab"  # Django's name for the FK's index


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_log_purge_term"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="processinglogentry",
                    name="user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    f"CREATE INDEX {INDEX} ON audit_processinglogentry (user_id)",
                ),
            ],
        ),
    ]
