from __future__ import annotations

from psoascare.web.privacy.models import AccessLogEntry
from tests.web.base import BaseTestCase
from tests.web.privacy.helpers import is_login_redirect
from tests.web.privacy.records import give_records


def url_for(client_id: int) -> str:
    return f"/privacy/clients/{client_id}/export.json"


class ClientExportJsonTests(BaseTestCase):
    def setUp(self) -> None:
        give_records(self.client_a, "alice")
        give_records(self.client_b, "bob")

    def test_it_gives_the_therapist_their_clients_record(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.client.post(url_for(self.client_a.pk))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        document = response.json()
        self.assertEqual(document["client"], "alice")
        self.assertEqual([row["note"] for row in document["tables"]["Pain"]], ["alice pain note"])
        self.assertNotIn("bob", response.content.decode("utf-8"))

    def test_it_writes_the_export_to_the_access_log(self) -> None:
        self.client.force_login(self.therapist_x)
        self.client.post(url_for(self.client_a.pk), REMOTE_ADDR="192.0.2.7")
        entry = AccessLogEntry.objects.get()
        self.assertEqual(
            (entry.actor, entry.actor_name, entry.client, entry.action, entry.path, entry.ip),
            (self.therapist_x, "xena", self.client_a, "export-record", url_for(self.client_a.pk), "192.0.2.7"),
        )

    def test_it_is_404_for_another_therapists_client(self) -> None:
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.post(url_for(self.client_a.pk)).status_code, 404)
        self.assertFalse(AccessLogEntry.objects.exists())

    def test_it_is_404_for_clients_even_their_own_record(self) -> None:
        for client in (self.client_a, self.client_b):
            self.client.force_login(client)
            self.assertEqual(self.client.post(url_for(self.client_a.pk)).status_code, 404)
        self.assertFalse(AccessLogEntry.objects.exists())

    def test_it_is_404_for_a_user_who_is_not_a_client(self) -> None:
        self.client.force_login(self.therapist_x)
        for user in (self.therapist_x, self.therapist_y, self.admin):
            self.assertEqual(self.client.post(url_for(user.pk)).status_code, 404)
        self.assertEqual(self.client.post(url_for(999_999)).status_code, 404)

    def test_it_is_404_for_the_admin(self) -> None:
        self.client.force_login(self.admin)
        self.assertEqual(self.client.post(url_for(self.client_a.pk)).status_code, 404)

    def test_it_sends_anonymous_users_to_log_in(self) -> None:
        self.assertTrue(is_login_redirect(self.client.post(url_for(self.client_a.pk))))


class ClientExportMethodTests(BaseTestCase):
    def test_it_refuses_a_plain_link_so_other_sites_cannot_log_false_exports(self) -> None:
        self.client.force_login(self.therapist_x)
        self.assertEqual(self.client.get(url_for(self.client_a.pk)).status_code, 405)
        self.assertFalse(AccessLogEntry.objects.exists())
