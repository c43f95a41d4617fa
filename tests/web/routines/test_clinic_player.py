"""The therapist guides a resisted-stretch protocol for their own client; it lands in the client's journal."""

from __future__ import annotations

import json
from typing import Any

from psoascare.web.journal.models import StretchSession
from tests.web.base import BaseTestCase
from tests.web.routines.helpers import played


class ClinicPlayerTestCase(BaseTestCase):
    def url(self, client: Any, what: str = "sessions") -> str:
        return f"/routines/clinic/{client.pk}/clinic-pir/{what}/"

    def post(self, payload: dict[str, Any], client: Any = None) -> Any:
        body = json.dumps(payload)
        return self.client.post(self.url(client or self.client_a), body, content_type="application/json")

    def test_it_shows_the_protocol_to_the_clients_therapist(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.client.get(self.url(self.client_a, "play"))
        self.assertContains(response, "Guiding <strong>alice</strong>")
        self.assertContains(response, "about 20 % effort")
        self.assertContains(response, "Lewit &amp; Simons")
        self.assertContains(response, "Push your knee up into my hand, gently")

    def test_it_stores_the_session_in_the_clients_journal_recorded_by_the_therapist(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.post(played("clinic-pir"))
        self.assertEqual(response.status_code, 201, response.content)
        stored = StretchSession.objects.get()
        self.assertEqual(
            (stored.client, stored.recorded_by, stored.source), (self.client_a, self.therapist_x, "clinic")
        )
        self.assertEqual((stored.mode, stored.protocol), ("clinic", "post-isometric-relaxation"))

    def test_it_refuses_another_therapists_client_and_clients(self) -> None:
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.get(self.url(self.client_a, "play")).status_code, 404)
        response = self.post(played("clinic-pir"))
        self.assertEqual(response.status_code, 404)
        self.client.force_login(self.client_a)
        self.assertEqual(self.client.get(self.url(self.client_a, "play")).status_code, 404)
        self.assertFalse(StretchSession.objects.exists())

    def test_it_rejects_a_home_record_posted_as_a_clinic_session(self) -> None:
        self.client.force_login(self.therapist_x)
        payload = {**played("clinic-pir"), "mode": "home", "protocol": None}
        response = self.post(payload)
        self.assertEqual(response.status_code, 400)
        self.assertIn("mode/protocol", response.json()["error"])
        self.assertFalse(StretchSession.objects.exists())

    def test_it_links_the_therapists_clients_from_the_routine_list(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.client.get("/routines/")
        self.assertContains(response, self.url(self.client_a, "play"))
        self.assertNotContains(response, self.url(self.client_c, "play"))
