from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from psoascare.desk.records import DeskEvent as DeskEventRecord
from psoascare.desk.records import DeskEventKind
from psoascare.web.journal.models import CompletedItem, DeskEvent, PainRecord
from psoascare.web.journal.today import today_for
from tests.web.base import BaseTestCase, open_at_any_hour


class TodayTestCase(BaseTestCase):
    def test_it_sends_anonymous_users_to_log_in(self) -> None:
        response = self.client.get("/today/")
        self.assertRedirects(response, "/accounts/login/?next=/today/", fetch_redirect_response=False)

    def test_it_lists_morning_and_night_stretches_on_both_sides(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/today/")
        self.assertEqual(response.status_code, 200)
        keys = {item.due.key for item in response.context["today"].items}
        for side in ("left", "right"):
            self.assertIn(f"bed-edge-hang:{side}:0730", keys)
            self.assertIn(f"bed-edge-hang:{side}:2130", keys)
        self.assertContains(response, "/learn/red-flags/")

    def test_it_lists_hourly_moves_on_working_days(self) -> None:
        self.client.force_login(self.client_a)
        today = self.client.get("/today/").context["today"]
        moves = [item.due for item in today.items if item.due.kind == "move"]
        if today.day.weekday() < 5:
            self.assertEqual([m.at.hour for m in moves], list(range(10, 18)))
        else:
            self.assertEqual(moves, [])

    def test_it_records_a_tick_with_a_timestamp(self) -> None:
        open_at_any_hour(self.client_a)
        self.client.force_login(self.client_a)
        before = timezone.now()
        response = self.client.post("/today/tick/", {"item_key": "bed-edge-hang:left:0000"})
        self.assertRedirects(response, "/today/")
        item = CompletedItem.objects.get(client=self.client_a)
        self.assertEqual(item.item_key, "bed-edge-hang:left:0000")
        self.assertGreaterEqual(item.done_at, before)
        page = self.client.get("/today/")
        self.assertContains(page, "done at")

    def test_it_undoes_a_tick(self) -> None:
        open_at_any_hour(self.client_a)
        self.client.force_login(self.client_a)
        self.client.post("/today/tick/", {"item_key": "bed-edge-hang:left:0000"})
        self.assertTrue(CompletedItem.objects.exists())
        self.client.post("/today/tick/", {"item_key": "bed-edge-hang:left:0000", "undo": "on"})
        self.assertFalse(CompletedItem.objects.exists())

    def test_it_says_what_was_saved_and_forgets_it_with_the_session(self) -> None:
        open_at_any_hour(self.client_a)
        self.client.force_login(self.client_a)
        page = self.client.post("/today/tick/", {"item_key": "bed-edge-hang:left:0000"}, follow=True)
        self.assertContains(page, 'role="status"')
        self.assertContains(page, "Well done.")
        self.assertContains(self.client.post("/today/pain/", {"score": "3"}, follow=True), "Pain saved: 3/10.")
        self.client.post("/today/pain/", {"score": "4"})  # not shown before the log-out
        self.client.logout()
        self.client.force_login(self.client_b)
        self.assertNotContains(self.client.get("/today/"), "Pain saved")

    def test_items_later_today_cannot_be_ticked_yet(self) -> None:
        noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12, 0)))
        today = today_for(self.client_a, now=noon)
        opened = {item.due.key: item.is_open for item in today.items if item.due.kind == "stretch"}
        self.assertTrue(opened["bed-edge-hang:left:0730"])
        self.assertFalse(opened["bed-edge-hang:left:2130"])  # opens at 20:30
        evening = today_for(self.client_a, now=noon.replace(hour=20, minute=45))
        self.assertIn("bed-edge-hang:left:2130", evening.open_keys)

    def test_a_desk_timer_break_ticks_the_hourly_move_nearest_it(self) -> None:
        day = timezone.localdate()
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)  # moves are due on working days: use last Friday
        at = timezone.make_aware(datetime.combine(day, time(10, 20)))
        event = DeskEventRecord(DeskEventKind.BREAK_TAKEN, at, at + timedelta(minutes=3))
        first, created = DeskEvent.objects.record_once(self.client_a, event, source="web")
        self.assertTrue(created)
        ticked = CompletedItem.objects.get(client=self.client_a)
        self.assertEqual((ticked.day, ticked.item_key.split(":")[-1]), (day, "1000"))
        bout = DeskEventRecord(DeskEventKind.SITTING_BOUT, at, at + timedelta(minutes=50))
        DeskEvent.objects.record_once(self.client_a, bout, source="web")  # sitting ticks nothing
        self.assertEqual(CompletedItem.objects.count(), 1)
        # The same break delivered again (a retried upload) is the same break: no second row, no 11:00 tick.
        again, created = DeskEvent.objects.record_once(self.client_a, event, source="desktop")
        self.assertEqual((again.pk, created), (first.pk, False))
        self.assertEqual(DeskEvent.objects.filter(kind="break_taken").count(), 1)
        self.assertEqual(CompletedItem.objects.count(), 1)

    def test_it_rejects_an_item_that_is_not_due(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post("/today/tick/", {"item_key": "made-up:left:0000"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "not on today", status_code=400)
        self.assertFalse(CompletedItem.objects.exists())

    def test_it_says_when_there_is_no_routine(self) -> None:
        self.client.force_login(self.client_b)
        response = self.client.get("/today/")
        self.assertContains(response, "has not given you a routine")

    def test_it_hides_the_today_page_from_therapists(self) -> None:
        self.client.force_login(self.therapist_x)
        self.assertEqual(self.client.get("/today/").status_code, 404)


class PainTestCase(BaseTestCase):
    def test_it_records_todays_pain(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post("/today/pain/", {"score": "4", "note": "stiff after driving"})
        self.assertRedirects(response, "/today/")
        record = PainRecord.objects.get(client=self.client_a)
        self.assertEqual((record.score, record.note, record.day), (4, "stiff after driving", timezone.localdate()))

    def test_it_keeps_one_record_per_day(self) -> None:
        self.client.force_login(self.client_a)
        self.client.post("/today/pain/", {"score": "4"})
        self.client.post("/today/pain/", {"score": "2"})
        self.assertEqual(list(PainRecord.objects.values_list("score", flat=True)), [2])

    def test_it_rejects_scores_off_the_scale_with_a_clear_error(self) -> None:
        self.client.force_login(self.client_a)
        expected = {
            "11": "cannot be above 10",
            "-1": "cannot be below 0",
            "abc": "whole number from 0 (none) to 10",
            "": "Choose a number from 0 to 10",
            "4.5": "whole number from 0 (none) to 10",
        }
        for value, message in expected.items():
            with self.subTest(value=value):
                response = self.client.post("/today/pain/", {"score": value})
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, message, status_code=400)
        self.assertFalse(PainRecord.objects.exists())


class GuidedSessionCreditTestCase(BaseTestCase):
    def _record(self, hour: int, minute: int, skipped_right: bool = False) -> None:
        from psoascare.routines.records import SessionRecord
        from psoascare.web.journal.models import StretchSession

        start = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time())) + timedelta(
            hours=hour, minutes=minute
        )
        steps = [
            {
                "exercise": "bed-edge-hang",
                "side": side,
                "rep": 1,
                "kind": "hold",
                "planned_seconds": 30.0,
                "done_seconds": 0.0 if (side == "right" and skipped_right) else 30.0,
                "skipped": side == "right" and skipped_right,
            }
            for side in ("left", "right")
        ]
        record = SessionRecord.from_dict(
            {
                "routine_slug": "bed-edge",
                "title": "Bed-edge",
                "mode": "home",
                "protocol": None,
                "started_at": start.isoformat(),
                "ended_at": (start + timedelta(minutes=2)).isoformat(),
                "completed": True,
                "steps": steps,
            }
        )
        StretchSession.objects.create_from_record(self.client_a, record, source="web")

    def test_it_ticks_the_latest_open_slot_for_the_sides_done(self) -> None:
        self._record(20, 50)
        keys = set(CompletedItem.objects.values_list("item_key", flat=True))
        self.assertEqual(keys, {"bed-edge-hang:left:2130", "bed-edge-hang:right:2130"})

    def test_it_does_not_tick_a_skipped_side(self) -> None:
        self._record(7, 10, skipped_right=True)
        keys = set(CompletedItem.objects.values_list("item_key", flat=True))
        self.assertEqual(keys, {"bed-edge-hang:left:0730"})
