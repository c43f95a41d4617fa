"""The browser desk timer: the page, and the endpoint that stores what the page records."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from psoascare.web.journal.models import DeskEvent as DeskEventRow
from psoascare.web.programs.models import Assignment
from tests.web.base import BaseTestCase


class DeskTimerTestCase(BaseTestCase):
    def post_event(self, payload: Any, client: Client | None = None, **extra: Any) -> Any:
        body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
        return (client or self.client).post("/desk/events/", body, content_type="application/json", **extra)

    def good_event(self, **changes: Any) -> dict[str, Any]:
        now = timezone.now()
        event = {
            "kind": "sitting_bout",
            "started_at": (now - timedelta(minutes=50)).isoformat(),
            "ended_at": (now - timedelta(minutes=1)).isoformat(),
            "detail": "",
        }
        event.update(changes)
        return event

    # --- who may use it ----------------------------------------------------------------------------

    def test_anonymous_visitors_are_sent_to_log_in(self) -> None:
        page = self.client.get("/desk/")
        self.assertEqual(page.status_code, 302)
        self.assertTrue(page["Location"].startswith(settings.LOGIN_URL))
        posted = self.post_event(self.good_event())
        self.assertEqual(posted.status_code, 302)
        self.assertTrue(posted["Location"].startswith(settings.LOGIN_URL))
        self.assertEqual(DeskEventRow.objects.count(), 0)

    def test_a_therapist_cannot_record_desk_events(self) -> None:
        self.client.force_login(self.therapist_x)
        self.assertEqual(self.post_event(self.good_event()).status_code, 404)
        self.assertEqual(DeskEventRow.objects.count(), 0)

    # --- the page --------------------------------------------------------------------------------

    def test_the_page_runs_the_clients_programme_and_says_what_it_can_see(self) -> None:
        assignment = Assignment.objects.get(client=self.client_a)
        assignment.move_every_minutes = 30
        assignment.save()
        self.client.force_login(self.client_a)
        page = self.client.get("/desk/")
        self.assertEqual(page.status_code, 200)
        # Until the browser's Idle Detection runs, the page says a break counts only when confirmed.
        self.assertContains(page, 'data-mode="confirm"')
        self.assertContains(page, "a break counts only when you press")
        self.assertContains(page, "desktimer/desktimer.js")
        self.assertContains(page, 'data-events-url="/desk/events/"')
        self.assertContains(page, "csrfmiddlewaretoken")
        timer = page.context["timer_settings"]
        self.assertEqual(timer["everyMinutes"], 30)
        self.assertTrue(timer["fromProgramme"])
        self.assertTrue(timer["moves"])

    def test_without_a_programme_the_page_nudges_every_60_minutes(self) -> None:
        self.client.force_login(self.client_b)
        timer = self.client.get("/desk/").context["timer_settings"]
        self.assertEqual(timer["everyMinutes"], 60)
        self.assertFalse(timer["fromProgramme"])
        self.assertEqual((timer["snoozeChoices"], timer["maxSnoozesInRow"]), ([5, 10], 2))

    # --- recording -------------------------------------------------------------------------------

    def test_a_good_event_is_stored_for_the_logged_in_client_as_from_the_web(self) -> None:
        self.client.force_login(self.client_a)
        response = self.post_event(self.good_event())
        self.assertEqual(response.status_code, 201, response.content)
        row = DeskEventRow.objects.get()
        self.assertEqual((row.client, row.kind, row.source), (self.client_a, "sitting_bout", "web"))
        self.assertAlmostEqual(row.minutes or 0, 49, delta=0.01)

    def test_an_event_sent_twice_is_stored_once(self) -> None:
        # The page sends a bout on close and again from its queue if it never heard back.
        self.client.force_login(self.client_a)
        event = self.good_event()
        first, again = self.post_event(event), self.post_event(event)
        self.assertEqual((first.status_code, again.status_code), (201, 201))
        self.assertEqual(again.json()["id"], first.json()["id"])
        self.assertEqual(DeskEventRow.objects.count(), 1)

    def test_a_page_closing_can_send_its_bout_as_a_form_field(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post("/desk/events/", {"event": json.dumps(self.good_event())})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(DeskEventRow.objects.count(), 1)

    def test_bad_payloads_get_a_400_with_a_clear_error_and_nothing_is_stored(self) -> None:
        self.client.force_login(self.client_a)
        now = timezone.now()
        cases: list[tuple[Any, str]] = [
            ("{not json", "not valid JSON"),
            (b"\xff\xfe", "not UTF-8"),
            ([], "JSON object"),
            ({"started_at": now.isoformat()}, "kind is required"),
            (self.good_event(kind="nap"), "kind must be one of"),
            (self.good_event(started_at="yesterday"), "not an ISO 8601"),
            (self.good_event(started_at="2026-11-23T09:00:00"), "time zone"),
            (self.good_event(ended_at=(now - timedelta(hours=2)).isoformat()), "before started_at"),
            (self.good_event(detail=7), "detail must be a string"),
            (self.good_event(client=3), "unknown field"),
            (self.good_event(started_at=(now + timedelta(hours=1)).isoformat(), ended_at=None), "in the future"),
            (self.good_event(started_at=(now - timedelta(days=30)).isoformat(), ended_at=None), "more than 7 days"),
        ]
        for payload, message in cases:
            with self.subTest(payload=payload):
                response = self.post_event(payload)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertIn(message, response.json()["error"])
        form = self.client.post("/desk/events/", {"something": "else"})
        self.assertEqual(form.status_code, 400)
        self.assertIn("'event' form field", form.json()["error"])
        too_big = self.post_event(self.good_event(detail="x" * 5000))
        self.assertEqual(too_big.status_code, 413)
        self.assertEqual(DeskEventRow.objects.count(), 0)

    def test_posting_needs_the_csrf_token(self) -> None:
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.client_a)
        self.assertEqual(self.post_event(self.good_event(), client=strict).status_code, 403)
        page = strict.get("/desk/")
        token = page.cookies[settings.CSRF_COOKIE_NAME].value
        accepted = self.post_event(self.good_event(), client=strict, HTTP_X_CSRFTOKEN=token)
        self.assertEqual(accepted.status_code, 201, accepted.content)
        self.assertEqual(DeskEventRow.objects.count(), 1)

    def test_only_post_is_allowed(self) -> None:
        self.client.force_login(self.client_a)
        self.assertEqual(self.client.get("/desk/events/").status_code, 405)
