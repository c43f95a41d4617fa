"""Indexes the clinic dashboard's set-based queries need: each client's latest tick, pain record, session and
screening is one index probe (psoascare.web.clinic.overview). They live on the journal's tables but belong to
the dashboard's queries, so they are created here, with SQL that SQLite and PostgreSQL both accept."""

from django.db import migrations

INDEXES = {
    "clinic_completed_client_done": ("journal_completeditem", "client_id, done_at"),
    "clinic_pain_client_recorded": ("journal_painrecord", "client_id, recorded_at"),
    "clinic_session_client_started": ("journal_stretchsession", "client_id, started_at"),
    "clinic_screening_client_answered": ("journal_redflagscreening", "client_id, answered_at"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
        ("journal", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, (table, columns) in INDEXES.items()
    ]
