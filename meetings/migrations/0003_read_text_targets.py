"""Targets written as text become measures where their meaning is plain; the rest are
flagged (no kind) for the heads to confirm."""

from django.db import migrations

from meetings.migrations._legacy_targets import migrate_model


def read_targets(apps, schema_editor):
    for model_name in ["NeedItem", "Move"]:
        migrate_model(apps, "meetings", model_name)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_structured_measure"),
        ("organisation", "0003_working_calendar"),
    ]

    operations = [migrations.RunPython(read_targets, migrations.RunPython.noop)]
