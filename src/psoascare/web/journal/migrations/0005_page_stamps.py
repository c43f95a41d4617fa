# Written by hand on 2026-12-02.
"""Page stamps (`psoascare.web.journal.stamps`): the table, and a stamp for every account already there. The
triggers that keep the stamps are installed after every `migrate` (post_migrate), not here: on SQLite they must
not stand while later migrations rebuild the tables they watch. Going back drops them with the table."""

from django.db import migrations, models


def stamp_every_account(apps, schema_editor):
    random = "(random() * 9007199254740991)::bigint" if schema_editor.connection.vendor == "postgresql" else "random()"
    schema_editor.execute(f"INSERT INTO journal_pagestamp (client_id, stamp) SELECT id, {random} FROM auth_user")


def drop_the_triggers(apps, schema_editor):
    from psoascare.web.journal.stamps import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0004_desk_event_once_fewer_indexes"),
        ("accounts", "0005_invitation_revoked_at"),
        ("programs", "0004_assignment_without_therapist"),
        ("clinic", "0003_alert_without_client"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageStamp",
            fields=[
                ("client_id", models.IntegerField(primary_key=True, serialize=False)),
                ("stamp", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(stamp_every_account, drop_the_triggers),
    ]
