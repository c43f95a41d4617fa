from __future__ import annotations

from django.test import TestCase


class HealthzTestCase(TestCase):
    def test_it_answers_ok_after_asking_the_database(self) -> None:
        with self.assertNumQueries(1):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")
        self.assertEqual(response["Content-Type"], "text/plain")
