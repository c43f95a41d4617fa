"""The feed is cached per token and version, and answers a calendar app's conditional request with a 304."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from psoascare.web.calendarfeed.models import CalendarFeed
from psoascare.web.journal.models import PainRecord
from psoascare.web.journal.safety import resume_routine, screen
from psoascare.web.programs.models import Assignment, AssignmentChange
from tests.web.base import RED_FLAG_SLUGS, BaseTestCase


class FeedCacheTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.path = CalendarFeed.for_client(self.client_a).path()

    def get(self, **headers: str):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.path, **headers)
        return response, len(queries)

    def test_it_answers_an_unchanged_feed_with_304(self) -> None:
        first, _ = self.get()
        self.assertEqual(first.status_code, 200)
        self.assertTrue(first["ETag"].startswith('"'))
        again, _ = self.get(HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        self.assertEqual(again["ETag"], first["ETag"])
        since, _ = self.get(HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        self.assertEqual(since.status_code, 304)

    def test_it_serves_the_cached_bytes_with_fewer_queries(self) -> None:
        first, built = self.get()
        second, served = self.get()
        self.assertEqual(second.content, first.content)  # the same DTSTAMPs: the bytes were kept, not rebuilt
        self.assertLess(served, built)
        self.assertEqual(served, 1)  # the feed with its version, in one query

    def test_it_changes_with_the_assignment(self) -> None:
        first, _ = self.get()
        Assignment.objects.filter(client=self.client_a).update(times=["06:45", "22:00"])
        changed, _ = self.get(HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], first["ETag"])
        self.assertIn(b"T064500", changed.content)

    def test_it_changes_with_the_safety_state_and_back(self) -> None:
        first, _ = self.get()
        self.assertIn(b"Morning stretch", first.content)
        screen(self.client_a, "self", {slug: slug == "unwell" for slug in RED_FLAG_SLUGS})
        paused, _ = self.get(HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(paused.status_code, 200)
        self.assertIn(b"exercises paused", paused.content)
        self.assertNotIn(b"Morning stretch", paused.content)
        resume_routine(self.therapist_x, self.client_a)  # a bulk update: no signal to rely on
        resumed, _ = self.get(HTTP_IF_NONE_MATCH=paused["ETag"])
        self.assertEqual(resumed.status_code, 200)
        self.assertIn(b"Morning stretch", resumed.content)

    def test_it_changes_when_pain_rises_and_the_questions_are_due(self) -> None:
        today = timezone.localdate()
        PainRecord.record(self.client_a, today - timedelta(days=2), 2)
        first, _ = self.get()
        self.assertIn(b"Morning stretch", first.content)
        PainRecord.record(self.client_a, today, 6)  # 4 points above the week's lowest: ask the questions again
        due, _ = self.get(HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(due.status_code, 200)
        self.assertIn(b"safety questions first", due.content)

    def test_it_changes_when_the_therapist_edits_the_programme(self) -> None:
        first, _ = self.get()
        assignment = Assignment.objects.get(client=self.client_a)
        AssignmentChange.objects.create(assignment=assignment, changed_by=self.therapist_x, changes={"x": [1, 2]})
        changed, _ = self.get(HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(changed.status_code, 200)
        self.assertIn(b"SEQUENCE:1", changed.content)

    def test_it_stops_answering_a_replaced_token_at_once(self) -> None:
        self.get()
        CalendarFeed.for_client(self.client_a).rotate()
        self.assertEqual(self.client.get(self.path).status_code, 404)
