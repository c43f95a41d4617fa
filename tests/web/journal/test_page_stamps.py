"""Page stamps: the database changes a client's stamp, by trigger, with every write to a row their Today page or
calendar feed shows, and only theirs (tests/web/test_postgres.py runs this module on PostgreSQL too)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from psoascare.web.accounts.models import Profile, create_client
from psoascare.web.clinic.models import Message
from psoascare.web.journal.models import CompletedItem, PageStamp, PainRecord, PsfsAssessment, RedFlagScreening
from psoascare.web.journal.safety import resume_routine, screen
from psoascare.web.journal.stamps import expected_triggers, installed_triggers, on_post_migrate, on_pre_migrate
from psoascare.web.programs.models import Assignment, AssignmentChange, ProgrammeTemplate
from tests.web.base import PASSWORD, RED_FLAG_SLUGS, BaseTestCase

PLAN = [("a migration", False)]  # what `migrate` passes its signals: something to apply


def stamps() -> dict[int, int]:
    return dict(PageStamp.objects.values_list("client_id", "stamp"))


class PageStampTestCase(BaseTestCase):
    def assert_moves(self, change: Callable[[], object], *clients: User) -> None:
        """`change` moves the stamps of exactly these clients (and of no other account)."""
        before = stamps()
        change()
        after = stamps()
        moved = {client_id for client_id, stamp in after.items() if before.get(client_id) != stamp}
        self.assertEqual(moved, {client.pk for client in clients})

    def test_every_trigger_is_installed_after_migrate(self) -> None:
        self.assertEqual(installed_triggers(connection), expected_triggers())

    def test_each_account_has_a_stamp_from_its_first_moment_to_its_last(self) -> None:
        self.assertEqual(set(stamps()), set(User.objects.values_list("pk", flat=True)))
        dora = create_client("dora", "dora@example.org", PASSWORD, therapist=self.therapist_y)
        self.assertIn(dora.pk, stamps())
        dora.delete()
        self.assertNotIn(dora.pk, stamps())

    def test_a_migrate_with_nothing_to_apply_keeps_every_stamp(self) -> None:
        self.assert_moves(lambda: call_command("migrate", verbosity=0))
        self.assertEqual(installed_triggers(connection), expected_triggers())

    def test_a_migrate_with_nothing_to_apply_leaves_the_triggers_and_their_tables_alone(self) -> None:
        with CaptureQueriesContext(connection) as captured:
            call_command("migrate", verbosity=0)
        statements = [query["sql"].upper() for query in captured.captured_queries]
        self.assertFalse([sql for sql in statements if "TRIGGER" in sql and not sql.startswith("SELECT")])
        self.assertFalse([sql for sql in statements if "FUNCTION" in sql and not sql.startswith("SELECT")])

    def test_a_trigger_written_differently_is_made_again(self) -> None:
        name, table = "psoascare_stamp_journal_painrecord_insert", "journal_painrecord"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # as an older release left it: another digest on its function
                cursor.execute(f"COMMENT ON FUNCTION psoascare_stamp_{table}() IS 'an older release'")
            else:
                cursor.execute(f'DROP TRIGGER "{name}"')
                cursor.execute(f'CREATE TRIGGER "{name}" AFTER INSERT ON "{table}" BEGIN SELECT 1; END')
        with CaptureQueriesContext(connection) as captured:
            call_command("migrate", verbosity=0)
        made = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("CREATE TRIGGER")]
        self.assertEqual([sql.split('"')[1] for sql in made if f'ON "{table}"' in sql][:1], [name])
        self.assert_moves(lambda: PainRecord.objects.create(client=self.client_a, day=timezone.localdate(), score=3),
                          self.client_a)  # fmt: skip
        self.assertEqual(installed_triggers(connection), expected_triggers())

    def test_a_missing_trigger_comes_back_and_every_stamp_moves(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                'DROP TRIGGER "psoascare_stamp_journal_painrecord_insert"'
                + (' ON "journal_painrecord"' if connection.vendor == "postgresql" else "")
            )
        everyone = User.objects.all()
        self.assert_moves(lambda: call_command("migrate", verbosity=0), *everyone)
        self.assertEqual(installed_triggers(connection), expected_triggers())

    def test_a_log_in_does_not_move_the_stamp(self) -> None:
        self.assert_moves(lambda: self.client.login(username="alice", password=PASSWORD))

    def test_the_journal_moves_its_clients_stamp_on_insert_update_and_delete(self) -> None:
        today = timezone.localdate()
        self.assert_moves(lambda: PainRecord.record(self.client_a, today, 3), self.client_a)
        self.assert_moves(lambda: PainRecord.objects.filter(client=self.client_a).update(score=4), self.client_a)
        self.assert_moves(lambda: PainRecord.objects.filter(client=self.client_a).delete(), self.client_a)
        self.assert_moves(
            lambda: CompletedItem.objects.create(client=self.client_b, day=today, item_key="x", label="X"),
            self.client_b,
        )
        self.assert_moves(lambda: PsfsAssessment.record(self.client_c, today, [("Socks", 4)]), self.client_c)

    def test_a_bulk_write_moves_each_of_its_clients_once(self) -> None:
        day = timezone.localdate() - timedelta(days=3)
        rows = [PainRecord(client=client, day=day, score=2) for client in (self.client_a, self.client_c)]
        self.assert_moves(lambda: PainRecord.objects.bulk_create(rows), self.client_a, self.client_c)
        self.assert_moves(lambda: PainRecord.objects.filter(day=day).update(score=5), self.client_a, self.client_c)

    def test_the_safety_gate_moves_the_stamp_down_and_up(self) -> None:
        answers = {slug: slug == "unwell" for slug in RED_FLAG_SLUGS}
        self.assert_moves(lambda: screen(self.client_a, "self", answers), self.client_a)
        self.assert_moves(lambda: resume_routine(self.therapist_x, self.client_a), self.client_a)
        self.assert_moves(lambda: RedFlagScreening.objects.filter(client=self.client_b).delete(), self.client_b)

    def test_the_programme_moves_the_stamps_of_the_clients_who_follow_it(self) -> None:
        programme = ProgrammeTemplate.objects.create(
            therapist=self.therapist_x, title="Hips", items=[{"exercise": "bed-edge-hang", "sets": 1}], times=["06:05"]
        )
        assignment = Assignment.objects.get(client=self.client_a)
        self.assert_moves(
            lambda: Assignment.objects.filter(pk=assignment.pk).update(programme=programme), self.client_a
        )
        self.assert_moves(lambda: Assignment.assign(self.client_b, self.therapist_x, "bed-edge"), self.client_b)
        self.assert_moves(
            lambda: ProgrammeTemplate.objects.filter(pk=programme.pk).update(title="Hips 2"), self.client_a
        )
        self.assert_moves(
            lambda: AssignmentChange.objects.create(assignment=assignment, changed_by=self.therapist_x, changes={}),
            self.client_a,
        )
        self.assert_moves(lambda: Assignment.objects.filter(client=self.client_b).delete(), self.client_b)

    def test_a_therapists_profile_moves_their_clients_and_a_move_moves_the_client(self) -> None:
        self.assert_moves(
            lambda: Profile.objects.filter(user=self.therapist_x).update(video_call_url="https://v.example.org/x"),
            self.therapist_x,
            self.client_a,
            self.client_b,
        )
        self.assert_moves(
            lambda: Profile.objects.filter(user=self.client_b).update(therapist=self.therapist_y), self.client_b
        )

    def test_a_message_moves_its_recipients_stamp(self) -> None:
        self.assert_moves(
            lambda: Message.objects.create(sender=self.therapist_x, recipient=self.client_a, body="Hello"),
            self.client_a,
        )
        self.assert_moves(
            lambda: Message.objects.filter(recipient=self.client_a).update(read_at=timezone.now()), self.client_a
        )

    def test_a_write_rolled_back_leaves_the_stamp(self) -> None:
        def rolled_back() -> None:
            try:
                with transaction.atomic():
                    PainRecord.record(self.client_a, timezone.localdate(), 7)
                    raise RuntimeError("the request failed after the write")
            except RuntimeError:
                pass

        self.assert_moves(rolled_back)


class MigrateTestCase(TransactionTestCase):
    def test_a_migration_that_rebuilds_a_watched_table_runs_and_the_triggers_stand_after_it(self) -> None:
        """SQLite alters a table by rebuilding it under another name, and the rename fails while a trigger names
        the table (the programme changes' trigger reads the assignments); `migrate` drops the triggers before and
        installs them after (on PostgreSQL they stay, and are replaced after)."""
        slug = Assignment._meta.get_field("template_slug")
        longer = models.SlugField(max_length=120, default="bed-edge")
        longer.set_attributes_from_name("template_slug")
        on_pre_migrate(using="default", plan=PLAN)
        with connection.schema_editor() as editor:
            editor.alter_field(Assignment, slug, longer)
        on_post_migrate(using="default", plan=PLAN)
        self.assertEqual(installed_triggers(connection), expected_triggers())
        client = create_client("erin", "erin@example.org", PASSWORD, therapist=None)
        before = stamps()[client.pk]
        Assignment.assign(client, None, "bed-edge")
        self.assertNotEqual(stamps()[client.pk], before)
        on_pre_migrate(using="default", plan=PLAN)
        with connection.schema_editor() as editor:
            editor.alter_field(Assignment, longer, slug)
        on_post_migrate(using="default", plan=PLAN)
