from __future__ import annotations

from django.test import TestCase


class HealthzTestCase(TestCase):
    def test_it_answers_ok_after_asking_the_database(self) -> None:
        with self.assertNumQueries(1):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")
        self.assertEqual(response["Content-Type"], "text/plain")


class SecurityHeadersTestCase(TestCase):
    def test_it_allows_only_its_own_scripts_and_the_known_video_players(self) -> None:
        policy = self.client.get("/learn/psoas/")["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertIn("frame-src https://www.youtube-nocookie.com https://player.vimeo.com", policy)
        self.assertIn("frame-ancestors 'none'", policy)
