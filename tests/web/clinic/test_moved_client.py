"""A client who moves to another therapist takes everything along: the old therapist sees nothing of theirs, and
the new one does not read the old conversation."""

from __future__ import annotations

from psoascare.web.accounts.models import Profile
from psoascare.web.clinic.models import Alert, Message
from tests.web.base import BaseTestCase


class MovedClientTestCase(BaseTestCase):
    def setUp(self) -> None:
        Alert.raise_for(self.client_a, "red-flag-urgent", "answered yes to: night pain. Routine paused.")
        Message.send(self.client_a, self.therapist_x, "Only for Xena: my knee too")
        Message.send(self.therapist_x, self.client_a, "Xena's reply")
        Profile.objects.filter(user=self.client_a).update(therapist=self.therapist_y)

    def test_it_hides_the_clients_alerts_from_the_old_therapist(self) -> None:
        self.client.force_login(self.therapist_x)
        page = self.client.get("/clinic/")
        self.assertNotContains(page, "alice")
        self.assertNotContains(page, "night pain")
        self.assertEqual(self.client.get(f"/clinic/clients/{self.client_a.pk}/").status_code, 404)

    def test_it_keeps_the_old_conversation_from_the_new_therapist(self) -> None:
        self.client.force_login(self.therapist_y)
        page = self.client.get(f"/clinic/clients/{self.client_a.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "my knee too")
        self.assertNotContains(page, "Xena&#x27;s reply")
        Message.send(self.client_a, self.therapist_y, "Hello Yuri")
        self.assertContains(self.client.get(f"/clinic/clients/{self.client_a.pk}/"), "Hello Yuri")

    def test_it_shows_the_client_only_the_new_conversation(self) -> None:
        self.client.force_login(self.client_a)
        self.assertNotContains(self.client.get("/messages/"), "my knee too")
