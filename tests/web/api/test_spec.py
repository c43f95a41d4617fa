"""The OpenAPI spec says what the API does, and no health data may be kept by a cache."""

from __future__ import annotations

import json
from typing import Any

from psoascare.web.api.models import ApiToken
from tests.web.base import BaseTestCase
from tests.web.test_authorization_matrix import DESK_EVENT, SESSION


class SpecTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.token = ApiToken.issue(self.client_a, "desk timer")[1]
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        self.spec: dict[str, Any] = self.client.get("/api/openapi.json").json()

    def operations(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [(path, method, op) for path, ops in self.spec["paths"].items() for method, op in ops.items()]

    def test_it_documents_every_error_answer(self) -> None:
        for path, method, operation in self.operations():
            with self.subTest(path=path, method=method):
                self.assertTrue({"400", "401", "404", "422"} <= set(map(str, operation["responses"])))

    def test_it_answers_a_schema_error_with_the_documented_422(self) -> None:
        response = self.client.post("/api/journal/pain", json.dumps({"score": 11}), "application/json", **self.auth)
        self.assertEqual(response.status_code, 422)
        self.assertIsInstance(response.json()["detail"], list)

    def test_it_types_times_as_date_time(self) -> None:
        schemas = self.spec["components"]["schemas"]
        self.assertEqual(schemas["SessionIn"]["properties"]["started_at"]["format"], "date-time")
        self.assertEqual(schemas["DeskEventIn"]["properties"]["started_at"]["format"], "date-time")
        since = self.spec["paths"]["/api/journal/desk-events"]["get"]["parameters"][0]
        self.assertEqual(since["schema"]["anyOf"][0], {"format": "date-time", "type": "string"})

    def test_it_refuses_times_that_are_not_iso_8601(self) -> None:
        for since in ("1764000000.5", "1764000000", "2026-11-25T09:00:00", "yesterday"):
            with self.subTest(since=since):
                response = self.client.get("/api/journal/desk-events", {"since": since}, **self.auth)
                self.assertEqual(response.status_code, 422, response.content)
        ok = self.client.get("/api/journal/desk-events", {"since": "2026-11-25T09:00:00+00:00"}, **self.auth)
        self.assertEqual(ok.status_code, 200)
        for field, value in (("started_at", 1764000000), ("started_at", "2026-11-25 07:30")):
            with self.subTest(field=field, value=value):
                body = json.dumps({**SESSION, field: value})
                response = self.client.post("/api/journal/sessions", body, "application/json", **self.auth)
                self.assertEqual(response.status_code, 422, response.content)
        body = json.dumps({**DESK_EVENT, "ended_at": 5})
        response = self.client.post("/api/journal/desk-events", body, "application/json", **self.auth)
        self.assertEqual(response.status_code, 422, response.content)

    def test_it_lets_a_bearer_token_manage_tokens(self) -> None:
        listed = self.client.get("/api/tokens", **self.auth)
        self.assertEqual(listed.status_code, 200)
        created = self.client.post("/api/tokens", json.dumps({"name": "phone"}), "application/json", **self.auth)
        self.assertEqual(created.status_code, 201, created.content)
        revoked = self.client.delete(f"/api/tokens/{created.json()['id']}", **self.auth)
        self.assertEqual(revoked.status_code, 204)

    def test_it_marks_private_json_no_store(self) -> None:
        for path in ("/api/journal/pain", "/api/journal/sessions", "/api/journal/desk-events", "/api/tokens"):
            with self.subTest(path=path):
                response = self.client.get(path, **self.auth)
                self.assertEqual(response.status_code, 200)
                self.assertIn("no-store", response["Cache-Control"])
        self.client.force_login(self.client_a)
        desk = self.client.post("/desk/events/", json.dumps(DESK_EVENT), content_type="application/json")
        self.assertIn("no-store", desk["Cache-Control"])
        self.assertNotIn("no-store", self.client.get("/api/openapi.json").get("Cache-Control", ""))
