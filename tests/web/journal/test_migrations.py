"""Migrations that change stored rows, run on a database that holds the rows they change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("journal", "0003_stretchsession_client_key")]
AFTER = [("journal", "0004_desk_event_once_fewer_indexes")]


class DeskEventOnceMigrationTestCase(TransactionTestCase):
    def migrate(self, targets: list[tuple[str, str]]) -> MigrationExecutor:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return MigrationExecutor(connection)

    def tearDown(self) -> None:
        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    def test_it_keeps_the_first_of_each_event_stored_twice(self) -> None:
        apps = self.migrate(BEFORE).loader.project_state(BEFORE).apps
        user = apps.get_model("auth", "User").objects.create(username="repeated")
        events = apps.get_model("journal", "DeskEvent").objects
        at = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)

        def stored(kind: str, started_at: datetime) -> int:
            row = events.create(client=user, kind=kind, started_at=started_at, source="api", detail="")
            return int(row.pk)

        first = stored("break_taken", at)
        stored("break_taken", at)  # a retried upload, before the constraint
        stored("break_taken", at)
        nudge = stored("nudge", at)  # another kind at the same moment is another event
        later = stored("break_taken", at + timedelta(seconds=1))

        apps = self.migrate(AFTER).loader.project_state(AFTER).apps
        kept = apps.get_model("journal", "DeskEvent").objects.order_by("pk").values_list("pk", flat=True)
        self.assertEqual(list(kept), [first, nudge, later])
