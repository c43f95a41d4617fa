from __future__ import annotations

from django.utils import timezone

from psoascare.web.privacy.models import AccessLogEntry
from psoascare.web.privacy.views import ACCESS_LOG_PAGE_SIZE
from tests.web.base import BaseTestCase
from tests.web.privacy.helpers import is_login_redirect

URL = "/privacy/access-log/"


class AccessLogPageTests(BaseTestCase):
    def test_it_shows_the_client_who_exported_their_record_and_when(self) -> None:
        self.therapist_x.first_name, self.therapist_x.last_name = "Xena", "Physio"
        self.therapist_x.save()
        self.client.force_login(self.therapist_x)
        self.client.post(f"/privacy/clients/{self.client_a.pk}/export.json")
        entry = AccessLogEntry.objects.get()
        self.client.force_login(self.client_a)
        response = self.client.get(URL)
        self.assertContains(response, "Xena Physio")
        self.assertContains(response, "Downloaded your record")
        self.assertContains(response, timezone.localtime(entry.at).strftime("%H:%M"))

    def test_it_does_not_show_other_clients_entries(self) -> None:
        AccessLogEntry.objects.create(actor=self.therapist_x, actor_name="Xena", client=self.client_b, action="x")
        self.client.force_login(self.client_a)
        response = self.client.get(URL)
        self.assertNotContains(response, "Xena")
        self.assertContains(response, "Nobody has opened your record yet.")

    def test_it_names_actions_it_does_not_know_as_they_were_written(self) -> None:
        AccessLogEntry.objects.create(
            actor=self.therapist_x, actor_name="Xena", client=self.client_a, action="some-future-action"
        )
        self.client.force_login(self.client_a)
        self.assertContains(self.client.get(URL), "some-future-action")

    def test_it_pages_a_long_log(self) -> None:
        for _ in range(ACCESS_LOG_PAGE_SIZE + 1):
            AccessLogEntry.objects.create(
                actor=self.therapist_x, actor_name="Xena", client=self.client_a, action="view-record"
            )
        self.client.force_login(self.client_a)
        first = self.client.get(URL)
        self.assertContains(first, "Opened your record", count=ACCESS_LOG_PAGE_SIZE)
        self.assertContains(self.client.get(URL, {"page": 2}), "Opened your record", count=1)

    def test_it_is_not_shown_to_a_therapist(self) -> None:
        self.client.force_login(self.therapist_x)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_sends_anonymous_users_to_log_in(self) -> None:
        self.assertTrue(is_login_redirect(self.client.get(URL)))
