"""A session queued offline is sent with an Idempotency-Key (a UUID the player keeps with it): sent again, it is
stored once; the key is checked, and one client's key never touches another's sessions."""

from __future__ import annotations

import json
import uuid
from typing import Any

from psoascare.web.journal.models import CompletedItem, StretchSession
from tests.web.base import BaseTestCase
from tests.web.routines.helpers import played

URL = "/routines/bed-edge/sessions/"


class RecordSessionOnceTestCase(BaseTestCase):
    def post(self, payload: Any, key: str, *, user: Any = None) -> Any:
        self.client.force_login(user or self.client_a)
        headers = {"Idempotency-Key": key} if key else {}
        return self.client.post(URL, json.dumps(payload), content_type="application/json", headers=headers)

    def test_it_stores_a_record_sent_twice_with_the_same_key_once(self) -> None:
        key = str(uuid.uuid4())
        first = self.post(played(), key)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.post(played(), key)
        self.assertEqual(again.status_code, 200, again.content)
        self.assertEqual(again.json(), first.json())
        stored = StretchSession.objects.get(client=self.client_a)
        self.assertEqual(stored.client_key, uuid.UUID(key))
        ticks = CompletedItem.objects.filter(client=self.client_a).count()
        self.assertEqual(self.post(played(), key).status_code, 200)
        self.assertEqual(CompletedItem.objects.filter(client=self.client_a).count(), ticks)

    def test_another_key_is_another_session_and_no_key_stores_as_before(self) -> None:
        self.assertEqual(self.post(played(), str(uuid.uuid4())).status_code, 201)
        self.assertEqual(self.post(played(), str(uuid.uuid4())).status_code, 201)
        self.assertEqual(self.post(played(), "").status_code, 201)
        self.assertEqual(self.post(played(), "").status_code, 201)
        self.assertEqual(StretchSession.objects.filter(client=self.client_a).count(), 4)

    def test_the_same_key_from_another_client_is_their_own_session(self) -> None:
        key = str(uuid.uuid4())
        self.assertEqual(self.post(played(), key).status_code, 201)
        self.assertEqual(self.post(played(), key, user=self.client_b).status_code, 201)
        self.assertEqual(StretchSession.objects.filter(client_key=key).count(), 2)

    def test_it_refuses_a_key_that_is_not_a_uuid(self) -> None:
        response = self.post(played(), "twice-please")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Idempotency-Key header must be a UUID", response.json()["error"])
        self.assertFalse(StretchSession.objects.exists())
