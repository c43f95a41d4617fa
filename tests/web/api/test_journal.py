from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from psoascare.web.api.models import ApiToken
from psoascare.web.journal.models import DeskEvent, PainRecord, StretchSession
from tests.web.base import BaseTestCase
from tests.web.test_authorization_matrix import DESK_EVENT, SESSION

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def mutated(valid: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The valid payload with one field replaced by arbitrary JSON, or dropped, or an unknown field added."""
    keys = st.sampled_from(sorted(valid))
    replace = st.tuples(keys, JSON_VALUES).map(lambda kv: {**valid, kv[0]: kv[1]})
    drop = keys.map(lambda k: {key: value for key, value in valid.items() if key != k})
    return replace | drop


class ApiTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.token = ApiToken.issue(self.client_a, "desk timer")[1]

    def post(self, path: str, payload: Any, token: str | None = None) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.token}"}
        return self.client.post(path, json.dumps(payload), content_type="application/json", **headers)

    def test_it_records_pain_sessions_and_desk_events_with_a_token(self) -> None:
        self.assertEqual(self.post("/api/journal/pain", {"score": 6, "note": "after work"}).status_code, 201)
        self.assertEqual(self.post("/api/journal/sessions", SESSION).status_code, 201)
        self.assertEqual(self.post("/api/journal/desk-events", DESK_EVENT).status_code, 201)
        self.assertEqual(PainRecord.objects.get().client, self.client_a)
        self.assertEqual(StretchSession.objects.get().source, "api")
        self.assertEqual(DeskEvent.objects.get().kind, "break_taken")
        listed = self.client.get("/api/journal/desk-events", HTTP_AUTHORIZATION=f"Bearer {self.token}").json()
        self.assertEqual([event["kind"] for event in listed], ["break_taken"])

    def test_it_stores_a_record_sent_again_once_and_answers_as_the_first_time(self) -> None:
        # What a desk timer or `psoascare stretch --server` does when a reply is lost: it sends the record again.
        for path, payload in (("/api/journal/desk-events", DESK_EVENT), ("/api/journal/sessions", SESSION)):
            first, again = self.post(path, payload), self.post(path, payload)
            self.assertEqual((first.status_code, again.status_code), (201, 201))
            self.assertEqual(again.json()["id"], first.json()["id"])
        self.assertEqual(DeskEvent.objects.count(), 1)
        self.assertEqual(StretchSession.objects.count(), 1)
        # The same start written in another time zone is the same record.
        started = datetime.fromisoformat(SESSION["started_at"]).astimezone(timezone(timedelta(hours=-5)))
        self.assertEqual(
            self.post("/api/journal/sessions", {**SESSION, "started_at": started.isoformat()}).status_code, 201
        )
        self.assertEqual(StretchSession.objects.count(), 1)
        # Another break, a second later, is another event.
        later = datetime.fromisoformat(DESK_EVENT["started_at"]) + timedelta(seconds=1)
        self.assertEqual(
            self.post("/api/journal/desk-events", {**DESK_EVENT, "started_at": later.isoformat()}).status_code, 201
        )
        self.assertEqual(DeskEvent.objects.count(), 2)

    def test_it_refuses_a_revoked_or_made_up_token(self) -> None:
        ApiToken.objects.get().revoke()
        self.assertEqual(self.post("/api/journal/pain", {"score": 3}).status_code, 401)
        self.assertEqual(self.post("/api/journal/pain", {"score": 3}, token="pc_made-up").status_code, 401)
        self.assertFalse(PainRecord.objects.exists())

    def test_it_shows_a_new_token_once_and_stores_only_its_hash(self) -> None:
        self.client.force_login(self.client_b)
        created = self.client.post("/api/tokens", {"name": "laptop"}, content_type="application/json").json()
        self.assertTrue(created["token"].startswith("pc_"))
        listed = self.client.get("/api/tokens").json()
        self.assertNotIn("token", listed[0])
        self.assertNotIn(created["token"], json.dumps(listed))
        self.assertEqual(self.client.delete(f"/api/tokens/{created['id']}").status_code, 204)
        self.client.logout()
        self.assertEqual(self.post("/api/journal/pain", {"score": 1}, token=created["token"]).status_code, 401)

    def test_it_documents_the_api(self) -> None:
        spec = self.client.get("/api/openapi.json").json()
        self.assertIn("/api/journal/sessions", spec["paths"])
        self.assertIn("/api/tokens/{token_id}", spec["paths"])

    def test_it_rejects_pain_in_the_future_or_off_the_scale(self) -> None:
        self.assertEqual(self.post("/api/journal/pain", {"score": 11}).status_code, 422)
        response = self.post("/api/journal/pain", {"score": 3, "day": "2999-01-01"})
        self.assertEqual((response.status_code, response.json()), (400, {"detail": "day cannot be in the future"}))
        self.assertFalse(PainRecord.objects.exists())


class ApiPropertyTestCase(HypothesisTestCase, BaseTestCase):
    """Arbitrary damage to a valid payload is refused with a clear error and stores nothing."""

    def setUp(self) -> None:
        self.token = ApiToken.issue(self.client_a, "desk timer")[1]

    def post(self, path: str, payload: Any) -> Any:
        return self.client.post(
            path, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {self.token}"
        )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payload=mutated(SESSION))
    def test_it_stores_no_malformed_session(self, payload: dict[str, Any]) -> None:
        response = self.post("/api/journal/sessions", payload)
        if response.status_code == 201:
            # Only a payload that still is a valid session may be stored (e.g. a title changed to other text).
            StretchSession.objects.all().delete()
            return
        self.assertIn(response.status_code, (400, 422), response.content)
        self.assertTrue(response.json()["detail"])
        self.assertFalse(StretchSession.objects.exists())

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payload=mutated(DESK_EVENT))
    def test_it_stores_no_malformed_desk_event(self, payload: dict[str, Any]) -> None:
        response = self.post("/api/journal/desk-events", payload)
        if response.status_code == 201:
            DeskEvent.objects.all().delete()
            return
        self.assertIn(response.status_code, (400, 422), response.content)
        self.assertTrue(response.json()["detail"])
        self.assertFalse(DeskEvent.objects.exists())

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payload=mutated({"score": 4, "note": "", "day": "2026-11-20"}))
    def test_it_stores_no_malformed_pain(self, payload: dict[str, Any]) -> None:
        response = self.post("/api/journal/pain", payload)
        if response.status_code == 201:
            stored = PainRecord.objects.get()
            self.assertTrue(0 <= stored.score <= 10)
            stored.delete()
            return
        self.assertIn(response.status_code, (400, 422), response.content)
        self.assertFalse(PainRecord.objects.exists())


class TokensPageTestCase(BaseTestCase):
    def test_it_shows_a_new_token_once_and_revokes_it(self) -> None:
        self.client.force_login(self.client_a)
        page = self.client.post("/accounts/tokens/", {"name": "laptop"})
        token = page.context["new_token"]
        self.assertTrue(token.startswith("pc_"))
        self.assertContains(page, token)
        self.assertNotContains(self.client.get("/accounts/tokens/"), token)
        stored = ApiToken.objects.get(user=self.client_a, name="laptop")
        self.client.post(f"/accounts/tokens/{stored.pk}/revoke/")
        self.client.logout()
        response = self.client.get("/api/journal/pain", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(response.status_code, 401)

    def test_it_wants_a_name(self) -> None:
        self.client.force_login(self.client_a)
        self.assertContains(
            self.client.post("/accounts/tokens/", {"name": ""}), "Give the token a name", status_code=400
        )
        self.assertFalse(ApiToken.objects.exists())
