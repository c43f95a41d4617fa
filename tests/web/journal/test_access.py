from __future__ import annotations

from django.utils import timezone

from psoascare.web.journal.models import PainRecord, StretchSession
from tests.web.base import BaseTestCase


class ClientPagesAccessTestCase(BaseTestCase):
    """A client sees only themself: another client's records are 404, never a hint they exist."""

    def setUp(self) -> None:
        now = timezone.now()
        self.pain = PainRecord.record(self.client_a, timezone.localdate(), 5, "private note")
        self.session = StretchSession.objects.create(
            client=self.client_a,
            routine_slug="bed-edge",
            title="Bed-edge stretch",
            started_at=now,
            ended_at=now,
            completed=True,
            steps=[],
            source="web",
        )

    def test_it_shows_the_owner_their_records(self) -> None:
        self.client.force_login(self.client_a)
        self.assertContains(self.client.get(f"/journal/pain/{self.pain.pk}/"), "private note")
        self.assertEqual(self.client.get(f"/journal/sessions/{self.session.pk}/").status_code, 200)

    def test_it_gives_another_client_404(self) -> None:
        for other in (self.client_b, self.client_c):
            self.client.force_login(other)
            for url in (f"/journal/pain/{self.pain.pk}/", f"/journal/sessions/{self.session.pk}/"):
                with self.subTest(user=other.username, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 404)
                    self.assertNotContains(response, "private note", status_code=404)
            response = self.client.post(f"/journal/pain/{self.pain.pk}/", {"score": "0"})
            self.assertEqual(response.status_code, 404)
        self.pain.refresh_from_db()
        self.assertEqual(self.pain.score, 5)

    def test_it_sends_anonymous_users_to_log_in(self) -> None:
        for url in (
            "/today/",
            "/journal/",
            f"/journal/pain/{self.pain.pk}/",
            "/clinic/",
            "/accounts/invite/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/accounts/login/?next="))

    def test_it_lets_only_the_clients_own_therapist_see_the_record(self) -> None:
        self.client.force_login(self.therapist_x)
        self.assertContains(self.client.get(f"/clinic/clients/{self.client_a.pk}/"), "private note")
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.get(f"/clinic/clients/{self.client_a.pk}/").status_code, 404)
        self.client.force_login(self.client_b)
        self.assertEqual(self.client.get(f"/clinic/clients/{self.client_a.pk}/").status_code, 404)
