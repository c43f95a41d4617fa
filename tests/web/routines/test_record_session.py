"""POST /routines/<slug>/sessions/: stores a valid session for the logged-in client; anything else is a
400 with a clear error and nothing stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.test import Client

from psoascare.routines import get_routine
from psoascare.web.journal.models import StretchSession
from psoascare.web.programs.models import Assignment
from tests.web.base import BaseTestCase
from tests.web.routines.helpers import played

URL = "/routines/bed-edge/sessions/"


class RecordSessionTestCase(BaseTestCase):
    def post(self, payload: Any, *, user: Any = None, url: str = URL) -> Any:
        self.client.force_login(user or self.client_a)
        body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
        return self.client.post(url, body, content_type="application/json")

    def test_it_stores_a_finished_session_in_the_clients_journal(self) -> None:
        response = self.post(played())
        self.assertEqual(response.status_code, 201, response.content)
        stored = StretchSession.objects.get(client=self.client_a)
        self.assertEqual((stored.routine_slug, stored.completed, stored.source), ("bed-edge", True, "web"))
        self.assertEqual(len(stored.steps), 4)
        self.assertEqual(response.json()["url"], f"/journal/sessions/{stored.pk}/")

    def test_it_stores_an_abandoned_session_with_what_was_done(self) -> None:
        response = self.post(played(abandon_after=15 + 30 + 15 + 10))
        self.assertEqual(response.status_code, 201, response.content)
        stored = StretchSession.objects.get(client=self.client_a)
        self.assertFalse(stored.completed)
        self.assertEqual([s["done_seconds"] for s in stored.steps], [30, 10])

    def test_it_rejects_bad_payloads_and_stores_nothing(self) -> None:
        good = played()
        cases: list[tuple[str, Any, str]] = [
            ("not JSON", "{nope", "must be a JSON session record"),
            ("a list", [good], "must be a JSON object"),
            ("missing steps", {k: v for k, v in good.items() if k != "steps"}, "missing field(s): steps"),
            ("naive time", {**good, "started_at": "2026-11-25T07:30:00"}, "must include a UTC offset"),
            (
                "negative",
                {**good, "steps": [{**good["steps"][0], "done_seconds": -1}, *good["steps"][1:]]},
                "done_seconds must be at least 0",
            ),
            (
                "too long",
                {**good, "steps": [{**good["steps"][0], "done_seconds": 99}, *good["steps"][1:]]},
                "cannot be more than planned_seconds",
            ),
            ("other routine", {**good, "routine_slug": "psoas-care"}, "is not this routine"),
            (
                "wrong times",
                {**good, "steps": [{**s, "planned_seconds": 5, "done_seconds": 5} for s in good["steps"]]},
                "steps[0] does not match the routine",
            ),
            ("too few for completed", {**good, "steps": good["steps"][:2]}, "must include every step"),
            (
                "future",
                {
                    **good,
                    "ended_at": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
                    "started_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
                },
                "in the future",
            ),
            ("clinic claim", {**good, "mode": "clinic", "protocol": "pnf-contract-relax"}, "mode/protocol"),
        ]
        for name, payload, message in cases:
            with self.subTest(name):
                response = self.post(payload)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(message, response.json()["error"])
        self.assertFalse(StretchSession.objects.exists())

    def test_it_never_records_for_another_client(self) -> None:
        # There is no field to name a client: trying to is an unknown field.
        response = self.post({**played(), "client": "alice"}, user=self.client_b)
        self.assertEqual(response.status_code, 400)
        self.assertIn("unknown field(s): client", response.json()["error"])
        # A valid post lands in the poster's own journal, whoever else exists.
        self.assertEqual(self.post(played(), user=self.client_b).status_code, 201)
        self.assertEqual(StretchSession.objects.get().client, self.client_b)
        self.assertFalse(StretchSession.objects.filter(client=self.client_a).exists())

    def test_it_checks_against_the_clients_own_doses(self) -> None:
        Assignment.objects.filter(client=self.client_a).update(item_overrides={"bed-edge-hang": {"hold_seconds": 45}})
        # The library's 30 s plan is not what alice was given.
        response = self.post(played())
        self.assertEqual(response.status_code, 400)
        self.assertIn("45 s", response.json()["error"])
        routine = get_routine("bed-edge").with_overrides(item_overrides={"bed-edge-hang": {"hold_seconds": 45}})
        self.assertEqual(self.post(played(routine=routine)).status_code, 201)

    def test_it_turns_away_therapists_and_anonymous_users(self) -> None:
        self.assertEqual(self.post(played(), user=self.therapist_x).status_code, 404)
        self.client.logout()
        response = self.client.post(URL, json.dumps(played()), content_type="application/json")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(StretchSession.objects.exists())

    def test_it_requires_the_csrf_token(self) -> None:
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.client_a)
        response = browser.post(URL, json.dumps(played()), content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(StretchSession.objects.exists())

    def test_it_answers_404_for_an_unknown_routine(self) -> None:
        self.assertEqual(self.post(played(), url="/routines/nope/sessions/").status_code, 404)

    def test_it_only_accepts_post(self) -> None:
        self.client.force_login(self.client_a)
        self.assertEqual(self.client.get(URL).status_code, 405)
