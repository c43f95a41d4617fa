from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.utils import timezone

from psoascare.web.calendarfeed.models import CalendarFeed
from psoascare.web.journal.models import RedFlagScreening
from psoascare.web.programs.models import Assignment, AssignmentChange
from tests.web.base import BaseTestCase
from tests.web.calendarfeed.ics import occurrences, property_values, rfc5545_problems, start_of

LONDON = ZoneInfo("Europe/London")
# 2026: British Summer Time starts on Sunday 29 March and ends on Sunday 25 October.
ROUTINE_SET_ON = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
RANGE_START = datetime(2026, 3, 20, tzinfo=LONDON)
RANGE_END = datetime(2026, 11, 5, tzinfo=LONDON)


def expected_starts(times: list[time], weekdays: set[int]) -> set[datetime]:
    """The instants (in UTC) of every routine time in RANGE, worked out with zoneinfo, not with the feed."""
    starts = set()
    day = RANGE_START.date()
    while day < RANGE_END.date():
        if day.weekday() in weekdays:
            starts |= {datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC) for at in times}
        day += timedelta(days=1)
    return starts


@override_settings(TIME_ZONE="Europe/London", SITE_URL="https://clinic.example.org")
class FeedTestCase(BaseTestCase):
    def setUp(self) -> None:
        Assignment.objects.filter(client=self.client_a).update(assigned_at=ROUTINE_SET_ON)
        self.feed_a = CalendarFeed.for_client(self.client_a)

    def get_feed(self, token: str) -> bytes:
        response = self.client.get(f"/calendar/{token}.ics")
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_it_serves_a_calendar_that_no_shared_cache_may_keep(self) -> None:
        response = self.client.get(f"/calendar/{self.feed_a.token}.ics")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        self.assertLessEqual({"private", "no-cache"}, cache_control)  # kept by the calendar app only, revalidated
        self.assertNotIn("public", cache_control)

    def test_it_follows_the_rfc_5545_line_rules_and_required_properties(self) -> None:
        data = self.get_feed(self.feed_a.token)
        self.assertEqual(rfc5545_problems(data), [])
        self.assertEqual(property_values(data, "VERSION"), ["2.0"])
        self.assertEqual(property_values(data, "BEGIN").count("VEVENT"), 2)
        self.assertEqual(property_values(data, "BEGIN").count("VALARM"), 2)

    def test_it_keeps_0730_and_2130_local_time_across_both_clock_changes(self) -> None:
        events = occurrences(self.get_feed(self.feed_a.token), RANGE_START, RANGE_END)
        starts = {start_of(event).astimezone(UTC) for event in events}
        self.assertEqual(len(starts), len(events))
        self.assertEqual(starts, expected_starts([time(7, 30), time(21, 30)], set(range(7))))
        self.assertEqual({start_of(event).astimezone(LONDON).time() for event in events}, {time(7, 30), time(21, 30)})
        # Both GMT and BST instants are there, so the range really crossed the changes.
        self.assertEqual({start.time() for start in starts}, {time(6, 30), time(7, 30), time(20, 30), time(21, 30)})

    def test_it_writes_a_vtimezone_that_alone_gives_the_right_times(self) -> None:
        # Under a name no time-zone database knows, the parser can only use the feed's own VTIMEZONE.
        data = self.get_feed(self.feed_a.token).replace(b"Europe/London", b"PsoasCare-Test/Zone-A")
        events = occurrences(data, RANGE_START, RANGE_END)
        starts = {start_of(event).astimezone(UTC) for event in events}
        self.assertEqual(starts, expected_starts([time(7, 30), time(21, 30)], set(range(7))))

    def test_it_repeats_only_on_the_assigned_weekdays(self) -> None:
        Assignment.objects.filter(client=self.client_a).update(days=[0, 2, 4])  # Monday, Wednesday, Friday
        data = self.get_feed(self.feed_a.token)
        self.assertEqual(property_values(data, "RRULE"), ["FREQ=WEEKLY;BYDAY=MO,WE,FR"] * 2)
        events = occurrences(data, RANGE_START, RANGE_END)
        self.assertEqual({start_of(event).weekday() for event in events}, {0, 2, 4})
        self.assertEqual(
            {start_of(event).astimezone(UTC) for event in events},
            expected_starts([time(7, 30), time(21, 30)], {0, 2, 4}),
        )
        # 20 March 2026 is a Friday: the first event is that day, not a day the rule would skip.
        self.assertEqual(min(start_of(event) for event in events).date(), date(2026, 3, 20))

    def test_it_describes_the_stretch_with_its_dose_an_alarm_and_a_link_to_play_it(self) -> None:
        events = occurrences(self.get_feed(self.feed_a.token), RANGE_START, RANGE_START + timedelta(days=1))
        by_time = {start_of(event).astimezone(LONDON).time(): event for event in events}
        morning, night = by_time[time(7, 30)], by_time[time(21, 30)]
        self.assertEqual(str(morning["SUMMARY"]), "Morning stretch: bed-edge hang, both sides")
        self.assertEqual(str(night["SUMMARY"]), "Night stretch: bed-edge hang, both sides")
        self.assertEqual(str(morning["URL"]), "https://clinic.example.org/routines/bed-edge/play/")
        description = str(morning["DESCRIPTION"])
        self.assertIn("Bed-edge hang (Thomas position): 2 × 30 s each side, 15 s rest", description)
        self.assertIn("https://clinic.example.org/routines/bed-edge/play/", description)
        alarms = [part for part in morning.walk() if part.name == "VALARM"]
        self.assertEqual(len(alarms), 1)
        self.assertEqual(str(alarms[0]["ACTION"]), "DISPLAY")
        self.assertEqual(alarms[0].decoded("TRIGGER"), timedelta(0))

    def test_it_shows_the_therapists_dose_changes(self) -> None:
        Assignment.objects.filter(client=self.client_a).update(
            item_overrides={"bed-edge-hang": {"sets": 3, "hold_seconds": 45}}
        )
        events = occurrences(self.get_feed(self.feed_a.token), RANGE_START, RANGE_START + timedelta(days=1))
        self.assertIn("3 × 45 s each side", str(events[0]["DESCRIPTION"]))

    def test_it_dates_and_counts_the_therapists_changes(self) -> None:
        self.assertEqual(property_values(self.get_feed(self.feed_a.token), "SEQUENCE"), ["0", "0"])
        assignment = Assignment.objects.get(client=self.client_a)
        changed_at = datetime(2026, 4, 2, 16, 5, tzinfo=UTC)
        changes = {"times": [["07:30", "21:30"], ["07:30", "21:30"]]}
        AssignmentChange.objects.create(
            assignment=assignment, changed_by=self.therapist_x, changed_at=changed_at, changes=changes
        )
        data = self.get_feed(self.feed_a.token)
        self.assertEqual(property_values(data, "SEQUENCE"), ["1", "1"])
        self.assertEqual(property_values(data, "LAST-MODIFIED"), ["20260402T160500Z"] * 2)

    def test_it_answers_head_but_not_post(self) -> None:
        self.assertEqual(self.client.head(f"/calendar/{self.feed_a.token}.ics").status_code, 200)
        self.assertEqual(self.client.post(f"/calendar/{self.feed_a.token}.ics").status_code, 405)

    def test_it_names_every_exercise_of_a_longer_routine(self) -> None:
        Assignment.objects.filter(client=self.client_a).update(template_slug="psoas-care")
        events = occurrences(self.get_feed(self.feed_a.token), RANGE_START, RANGE_START + timedelta(days=1))
        morning = next(event for event in events if start_of(event).astimezone(LONDON).time() == time(7, 30))
        summary = "Morning routine: bed-edge hang, both sides; marching on your back; dead bug"
        self.assertEqual(str(morning["SUMMARY"]), summary)
        for line in ("- Marching on your back: 2 × 10 reps, 20 s rest", "- Dead bug: 2 × 8 reps, 30 s rest"):
            self.assertIn(line, str(morning["DESCRIPTION"]))
        self.assertEqual(str(morning["URL"]), "https://clinic.example.org/routines/psoas-care/play/")

    def test_it_keeps_uids_stable_and_distinct(self) -> None:
        first = property_values(self.get_feed(self.feed_a.token), "UID")
        self.feed_a.rotate()
        again = property_values(self.get_feed(self.feed_a.token), "UID")
        self.assertEqual(first, again)
        self.assertEqual(len(set(first)), 2)

    def test_it_stops_the_old_url_at_once_when_rotated(self) -> None:
        old_token = self.feed_a.token
        new_token = self.feed_a.rotate()
        self.assertNotEqual(old_token, new_token)
        self.assertEqual(self.client.get(f"/calendar/{old_token}.ics").status_code, 404)
        self.assertEqual(self.client.get(f"/calendar/{new_token}.ics").status_code, 200)

    def test_it_stops_when_the_account_is_deactivated(self) -> None:
        self.client_a.is_active = False
        self.client_a.save(update_fields=["is_active"])
        self.assertEqual(self.client.get(f"/calendar/{self.feed_a.token}.ics").status_code, 404)

    def test_it_shows_each_client_only_their_own_events(self) -> None:
        Assignment.assign(self.client_b, self.therapist_x, "bed-edge")
        Assignment.objects.filter(client=self.client_b).update(times=["06:45"], assigned_at=ROUTINE_SET_ON)
        feed_b = CalendarFeed.for_client(self.client_b)
        self.assertNotEqual(feed_b.token, self.feed_a.token)
        events_b = occurrences(self.get_feed(feed_b.token), RANGE_START, RANGE_START + timedelta(days=7))
        self.assertEqual({start_of(event).astimezone(LONDON).time() for event in events_b}, {time(6, 45)})
        uids_a = set(property_values(self.get_feed(self.feed_a.token), "UID"))
        self.assertFalse(uids_a & set(property_values(self.get_feed(feed_b.token), "UID")))

    def test_it_says_paused_instead_of_scheduling_stretches(self) -> None:
        RedFlagScreening.objects.create(
            client=self.client_a, trigger="self", answers={"cancer": True}, outcome=RedFlagScreening.Outcome.URGENT
        )
        data = self.get_feed(self.feed_a.token)
        self.assertEqual(rfc5545_problems(data), [])
        today = timezone.localdate()
        events = occurrences(data, datetime.combine(today, time(0), LONDON), datetime.combine(today, time(23), LONDON))
        self.assertEqual([str(event["SUMMARY"]) for event in events], ["PsoasCare: exercises paused"])
        self.assertIn("doctor (GP)", str(events[0]["DESCRIPTION"]))
        later = datetime.combine(today + timedelta(days=2), time(0), LONDON)
        self.assertEqual(occurrences(data, later, later + timedelta(days=30)), [])  # no stretch is scheduled

    def test_it_gives_a_valid_calendar_with_no_events_to_a_client_without_a_routine(self) -> None:
        data = self.get_feed(CalendarFeed.for_client(self.client_c).token)
        self.assertEqual(rfc5545_problems(data), [])
        self.assertNotIn("VEVENT", property_values(data, "BEGIN"))

    def test_it_answers_404_to_unknown_or_missing_tokens(self) -> None:
        for path in ("/calendar/.ics", "/calendar/not-a-real-token.ics", f"/calendar/{self.feed_a.token[:-1]}.ics"):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_it_needs_no_log_in_and_ignores_who_is_logged_in(self) -> None:
        self.client.force_login(self.client_c)
        data = self.get_feed(self.feed_a.token)
        self.assertEqual(property_values(data, "BEGIN").count("VEVENT"), 2)
